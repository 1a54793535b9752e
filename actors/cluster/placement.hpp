#pragma once
// Where each shard of a network runs in a cluster: recurrent shards in proportion to each node's
// thread count (contiguous ranges, largest remainders first), input shards round-robin, and the
// supervisor on the first node. A pure function of its arguments, so that the coordinator and every
// node agree on it and a resume on other nodes is placed the same way for the same node list.
#include <cstdint>
#include <vector>

namespace eligo::cluster {

// Node index of every shard, in a built network's order: input shards, recurrent shards, readout.
std::vector<std::uint32_t> place_shards(std::uint32_t input_shards, std::uint32_t recurrent_shards,
                                        const std::vector<std::uint32_t>& node_threads);

}  // namespace eligo::cluster
