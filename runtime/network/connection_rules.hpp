#pragma once
// Connections generated from a rule instead of listed one by one (native configs, the benchmark).
//
// Construction is a pure function of (seed, block, target neuron) (docs/architecture.md §4): the incoming
// connections of target j are drawn from a random stream keyed by those three numbers alone, so any
// shard can build its own synapses without the others' random numbers, and the network is the same
// whatever the partitioning.
#include <cstdint>
#include <functional>
#include <string>

namespace eligo {

enum class ConnectionRule { all_to_all, one_to_one, fixed_indegree, pairwise_bernoulli };
enum class WeightKind { constant, normal, uniform };

struct WeightDistribution {
  WeightKind kind = WeightKind::constant;
  double value = 0.0;            // constant
  double mean = 0.0, std = 1.0;  // normal
  double low = 0.0, high = 1.0;  // uniform
  double scale = 1.0;            // every drawn weight is multiplied by this
  // Divide by sqrt(fan-in) (NEST's examples draw N(0,1)/sqrt(fan-in)); the fan-in is the indegree for
  // fixed_indegree and the source population's size otherwise.
  bool scale_by_sqrt_fan_in = false;
};

struct GeneratedConnections {
  ConnectionRule rule = ConnectionRule::all_to_all;
  std::uint32_t indegree = 0;   // fixed_indegree
  double probability = 0.0;     // pairwise_bernoulli
  bool allow_autapses = false;  // only meaningful when source and target are one population
  bool allow_multapses = true;  // fixed_indegree
  WeightDistribution weight;
  std::uint64_t stream = 0;  // distinguishes the blocks of one network
};

// A small, fast, well-mixed generator (SplitMix64); one per (seed, stream, target).
class CounterRng {
 public:
  CounterRng(std::uint64_t seed, std::uint64_t stream, std::uint64_t target);
  std::uint64_t next();
  double uniform();                      // [0, 1), 53 bits
  std::uint32_t below(std::uint32_t n);  // uniform integer in [0, n)
  double normal();                       // standard normal (Box–Muller, one value per call)

 private:
  std::uint64_t state_;
};

// Calls add(source, weight) for every connection into target j, in the rule's fixed order.
// n_source: size of the source population; same_population: source and target population coincide.
void generate_incoming(const GeneratedConnections& rule, std::uint64_t seed, std::uint32_t target,
                       std::uint32_t n_source, bool same_population,
                       const std::function<void(std::uint32_t, double)>& add);

std::string validate(const GeneratedConnections& rule, std::uint32_t n_source, std::uint32_t n_target,
                     bool same_population);  // empty when valid

// How many connections the rule makes between populations of these sizes (for pairwise_bernoulli the
// expectation): what memory estimates and size checks count before anything is generated.
double expected_connections(const GeneratedConnections& rule, std::uint32_t n_source, std::uint32_t n_target,
                            bool same_population);

}  // namespace eligo
