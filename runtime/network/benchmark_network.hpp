#pragma once
// The standard e-prop benchmark network of docs/benchmark.md, built for any size N.
#include <cstdint>

#include "runtime/data/tasks/sine_wave_task.hpp"
#include "runtime/network/network_description.hpp"

namespace eligo {

struct BenchmarkParams {
  std::uint32_t n_rec = 1000;
  std::uint32_t indegree = 100;  // K = min(indegree, N − 1)
  double input_rate_hz = 20.0;
  std::int64_t iterations = 1;
  std::int64_t sequence = 1000;
  std::uint64_t seed = 1;
  OptimizerType optimizer = OptimizerType::gradient_descent;
  // false: "plasticity off" of docs/benchmark.md: static synapses, no learning signal, and recurrent neurons
  // that reset to 0 (eprop_iaf_psc_delta dynamics with V_reset = E_L) instead of subtracting V_th.
  bool plastic = true;
};

struct BenchmarkNetwork {
  NetworkDescription network;
  TaskTiming timing;
  std::uint32_t indegree = 0;  // K actually used
};

BenchmarkNetwork make_benchmark_network(const BenchmarkParams& params);

}  // namespace eligo
