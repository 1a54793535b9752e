#pragma once
// Who sends to whom (docs/architecture.md §3) and which actor runs which kind of shard, for a network's
// shards in their built order. Shared by the single-process coordinator and by cluster nodes, which
// spawn only their own shards and put a remote outlet where a subscriber runs elsewhere.
#include <caf/actor.hpp>
#include <caf/fwd.hpp>
#include <cstdint>
#include <memory>
#include <vector>

#include "actors/supervisor_actor.hpp"
#include "runtime/network/shard.hpp"

namespace eligo::actors {

struct ShardTopology {
  std::vector<std::vector<std::uint32_t>> spike_subscribers;  // by shard index
  std::vector<std::vector<std::uint32_t>> error_subscribers;  // by shard index (only the readout's is non-empty)
};

// Input shards feed the recurrent shards; recurrent shards feed each other and the readout; the
// readout's errors go to the recurrent shards and, as a clock, to the input shards.
ShardTopology shard_topology(const std::vector<ShardRole>& roles);

// The actor for one shard: an input source, a recurrent shard actor or the supervisor.
caf::actor spawn_shard_actor(caf::actor_system& sys, std::shared_ptr<Shard> shard, ShardRole role,
                             std::uint32_t n_inputs, std::uint32_t n_recurrent, const caf::actor& coordinator,
                             const IterationPlan& plan);

}  // namespace eligo::actors
