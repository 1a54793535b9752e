#include "actors/cluster/placement.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace eligo::cluster {

std::vector<std::uint32_t> place_shards(std::uint32_t input_shards, std::uint32_t recurrent_shards,
                                        const std::vector<std::uint32_t>& node_threads) {
  const std::size_t n = node_threads.size();
  if (n == 0) throw std::invalid_argument("place_shards: no nodes");
  std::uint64_t total = 0;
  for (std::uint32_t t : node_threads) total += std::max<std::uint32_t>(t, 1);
  // Largest-remainder apportionment of the recurrent shards by threads.
  std::vector<std::uint64_t> count(n), remainder(n);
  std::uint64_t given = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t share = std::uint64_t{recurrent_shards} * std::max<std::uint32_t>(node_threads[i], 1);
    count[i] = share / total;
    remainder[i] = share % total;
    given += count[i];
  }
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return remainder[a] > remainder[b]; });
  for (std::size_t k = 0; given < recurrent_shards; ++k, ++given) ++count[order[k % n]];

  std::vector<std::uint32_t> node_of;
  node_of.reserve(input_shards + recurrent_shards + 1);
  for (std::uint32_t i = 0; i < input_shards; ++i) node_of.push_back(i % n);
  for (std::size_t i = 0; i < n; ++i) node_of.insert(node_of.end(), count[i], static_cast<std::uint32_t>(i));
  node_of.push_back(0);  // the supervisor
  return node_of;
}

}  // namespace eligo::cluster
