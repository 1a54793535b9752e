#pragma once
// Where each shard of a network runs in a cluster: recurrent shards in proportion to each node's
// thread count (contiguous ranges, largest remainders first), input shards round-robin, and the
// supervisor on the first node. A pure function of its arguments, so that the coordinator and every
// node agree on it and a resume on other nodes is placed the same way for the same node list.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "actors/cluster/cluster_file.hpp"

namespace eligo::cluster {

// Node index of every shard, in a built network's order: input shards, recurrent shards, readout.
std::vector<std::uint32_t> place_shards(std::uint32_t input_shards, std::uint32_t recurrent_shards,
                                        const std::vector<std::uint32_t>& node_threads);

// The next attempt after nodes were lost (train --restart). Nodes are cluster-file indices.
struct Replacement {
  std::vector<std::size_t> active;     // the nodes that take part, in session order
  std::vector<std::size_t> placement;  // node of each shard; empty: place_shards over `active`
  std::vector<std::uint32_t> moved_shards;
  std::vector<std::size_t> took_over;  // the nodes that received moved shards (or all, when placed anew)
};

// The lost nodes leave; each is replaced by an unused spare if there is one, which takes all its
// shards. Without a spare, its shards go one by one to the surviving node with the fewest shards per
// thread (the lowest index among equals). The other shards stay where they were. With no placement
// yet (lost before set-up), the new node list is placed by thread counts. Nodes lost earlier in the
// run (lost_before) never come back, spares among them included. Throws std::invalid_argument when no
// node is left.
Replacement replace_lost(const ClusterSpec& cluster, const std::vector<std::size_t>& active,
                         const std::vector<std::size_t>& lost, const std::vector<std::size_t>& placement,
                         const std::vector<std::size_t>& lost_before = {});

}  // namespace eligo::cluster
