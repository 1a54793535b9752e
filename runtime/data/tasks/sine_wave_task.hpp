#pragma once
// The pattern-generation task of NEST's sine-wave example and of the standard benchmark
// (docs/benchmark.md): a frozen Bernoulli input raster repeated every iteration, a
// sum-of-sines target per readout, a learning window open from step total_offset on, and (optionally)
// one forced spike into every input and recurrent neuron after the task, which applies the last
// pending weight updates as NEST's example does.
#include <cstdint>

#include "runtime/data/tasks/task_timing.hpp"
#include "runtime/network/network_description.hpp"

namespace eligo {

struct SineWaveTaskParams {
  std::uint64_t seed = 1;
  std::int64_t sequence = 1000;  // steps per iteration
  std::int64_t iterations = 1;
  double input_rate_hz = 20.0;  // per input neuron; p = rate · h / 1000 per step
  double periods_steps[4] = {1000.0, 500.0, 333.0, 200.0};
  double amplitude_low = 0.5, amplitude_high = 2.0;  // U(low, high) per sine
  bool final_update_spike = true;  // forced spike at step sequence·iterations + 1 (weight 1000 to rec)
};

// Sets net.sample_stream (the raster and one target pattern per readout, n_out from net, every
// iteration) and net.forced_spikes; net.n_in / n_rec / n_out and resolution_ms must be set.
// n_steps = total_offset (2) + sequence · iterations + 3, as NEST's example.
TaskTiming make_sine_wave_task(NetworkDescription& net, const SineWaveTaskParams& params);

}  // namespace eligo
