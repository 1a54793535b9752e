#include "actors/cluster/placement.hpp"

#include <algorithm>
#include <map>
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

Replacement replace_lost(const ClusterSpec& cluster, const std::vector<std::size_t>& active,
                         const std::vector<std::size_t>& lost, const std::vector<std::size_t>& placement,
                         const std::vector<std::size_t>& lost_before) {
  auto is_lost = [&](std::size_t k) { return std::find(lost.begin(), lost.end(), k) != lost.end(); };
  auto in = [](const std::vector<std::size_t>& v, std::size_t k) {
    return std::find(v.begin(), v.end(), k) != v.end();
  };
  Replacement r;
  std::map<std::size_t, std::size_t> spare_for;  // lost node → the spare that replaces it
  std::vector<std::size_t> spares;
  for (std::size_t k = 0; k < cluster.nodes.size(); ++k)
    if (cluster.nodes[k].spare && !in(active, k) && !is_lost(k) && !in(lost_before, k)) spares.push_back(k);
  for (std::size_t k : active) {
    if (!is_lost(k)) {
      r.active.push_back(k);
    } else if (!spares.empty()) {
      spare_for[k] = spares.front();
      r.active.push_back(spares.front());
      spares.erase(spares.begin());
    }
  }
  if (r.active.empty()) throw std::invalid_argument("no node is left to run the shards on");
  if (placement.empty()) {
    for (const auto& [gone, spare] : spare_for) r.took_over.push_back(spare);
    return r;
  }
  std::map<std::size_t, std::uint64_t> load;  // shards per surviving node
  for (std::size_t k : r.active) load[k] = 0;
  for (std::size_t k : placement)
    if (load.count(k)) ++load[k];
  r.placement = placement;
  for (std::uint32_t s = 0; s < placement.size(); ++s) {
    const std::size_t from = placement[s];
    if (!is_lost(from)) continue;
    std::size_t to;
    if (auto it = spare_for.find(from); it != spare_for.end()) {
      to = it->second;
    } else {
      // Fewest shards per thread: load[a] / threads[a] < load[b] / threads[b], in integers.
      to = r.active.front();
      for (std::size_t k : r.active) {
        const std::uint64_t tk = std::max<std::uint32_t>(cluster.nodes[k].threads, 1);
        const std::uint64_t tt = std::max<std::uint32_t>(cluster.nodes[to].threads, 1);
        if (load[k] * tt < load[to] * tk) to = k;
      }
    }
    r.placement[s] = to;
    ++load[to];
    r.moved_shards.push_back(s);
    if (!in(r.took_over, to)) r.took_over.push_back(to);
  }
  return r;
}

}  // namespace eligo::cluster
