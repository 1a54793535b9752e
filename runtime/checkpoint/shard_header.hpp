#pragma once
// What every shard's checkpoint state begins with (docs/architecture.md §7): who the shard is, checked on
// load before anything changes, so that a state loaded into another shard or another partition is
// refused with a message that says how they differ; and its counters, so that summaries of a resumed
// run equal those of the uninterrupted one.
#include <cstdint>

#include "runtime/checkpoint/state_stream.hpp"
#include "runtime/network/shard.hpp"

namespace eligo {

struct ShardIdentity {
  ShardRole role = ShardRole::recurrent;
  std::uint32_t shard_id = 0;
  std::uint32_t first_index = 0;  // within the population
  std::uint32_t size = 0;         // neurons
  std::uint64_t first_gid = 0;
  std::uint64_t synapses = 0;  // incoming synapses held by the shard

  static ShardIdentity of(const ShardPlacement& p, std::uint64_t synapses) {
    return {p.role, p.shard_id, p.first_index, p.size, p.first_gid, synapses};
  }
};

const char* to_string(ShardRole role);

void save_identity(StateWriter& w, const ShardIdentity& id);
// Reads a saved identity and throws StateError unless it is `expected`, e.g. "checkpoint shard 3 has
// 250 neurons, this network's shard 3 has 200".
void check_identity(StateReader& r, const ShardIdentity& expected);

void save_counters(StateWriter& w, const ShardCounters& c);
// The saved counters, except synapse_bytes: that is this process's memory, kept from `current`.
ShardCounters load_counters(StateReader& r, const ShardCounters& current);

}  // namespace eligo
