#pragma once
// How the recurrent population is cut into shards: contiguous ranges of equal expected work rather than
// equal size (docs/architecture.md §2). A neuron's work per step is the synaptic events that reach it,
// its in-degree weighted by the rate of each source where the description knows it (explicit input
// spike trains), plus a fixed cost for its own update, history and summaries. Generated blocks give
// every neuron the same in-degree, so their shards stay equal in size; explicit connection lists (NEST
// cases, imported networks) get shards of equal work. A pure function of the description: every node
// of a cluster computes the same cut.
#include <cstdint>
#include <utility>
#include <vector>

#include "runtime/network/network_description.hpp"

namespace eligo {

// The expected work of each recurrent neuron, in synaptic events per step (plus the fixed cost).
std::vector<double> recurrent_work(const NetworkDescription& net);

// (first, size) of `parts` contiguous ranges over the weights, each as close to an equal share of the
// total as contiguous ranges allow and none empty (fewer parts when there are fewer items).
std::vector<std::pair<std::uint32_t, std::uint32_t>> split_by_work(const std::vector<double>& work,
                                                                   std::uint32_t parts);

}  // namespace eligo
