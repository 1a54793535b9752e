#pragma once
// Compiles a NetworkDescription into shards. Each shard picks, from the description alone, the
// synapses that end on its own neurons (docs/architecture.md §3: a synapse lives with its target), so
// shards can be built independently and in any number.
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <vector>

#include "runtime/network/network_description.hpp"
#include "runtime/network/recurrent_shard.hpp"
#include "runtime/network/shard.hpp"

namespace eligo {

struct PartitionOptions {
  std::uint32_t input_shards = 1;
  std::uint32_t recurrent_shards = 1;
  HistoryPolicy history = HistoryPolicy::bounded;
  // By shard id: which shards to build (empty: all). A cluster node builds only its own; the others
  // stay null in BuiltNetwork::shards, with their placements as usual.
  std::vector<bool> build_only;
  // Runs the jobs that build one shard each (independent of one another, each writing only its own
  // shard). Empty: one after another. The actors layer passes one that runs them on its threads
  // (runtime/ itself starts none); the shards are the same either way.
  std::function<void(std::vector<std::function<void()>>& jobs)> run_jobs;
};

// Global ids: inputs, then recurrent neurons, then readouts (NEST's node order, docs/numerics.md §14.9).
struct GlobalIds {
  std::uint64_t n_in = 0, n_rec = 0, n_out = 0;
  std::uint64_t input(std::uint64_t i) const { return i; }
  std::uint64_t rec(std::uint64_t j) const { return n_in + j; }
  std::uint64_t out(std::uint64_t k) const { return n_in + n_rec + k; }
  std::uint64_t total() const { return n_in + n_rec + n_out; }
};

struct BuiltNetwork {
  GlobalIds ids;
  Step slice_steps = 1;                        // d_min: the smallest delay
  std::vector<std::unique_ptr<Shard>> shards;  // input shards, recurrent shards, then the readout shard
  std::vector<ShardPlacement> placements;      // parallel to shards
  std::size_t readout_shard = 0;               // index into shards
};

class NetworkBuildError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Splits n neurons into `parts` contiguous ranges whose sizes differ by at most one.
std::vector<std::pair<std::uint32_t, std::uint32_t>> split_range(std::uint32_t n, std::uint32_t parts);

BuiltNetwork build_network(const NetworkDescription& net, const PartitionOptions& options);

}  // namespace eligo
