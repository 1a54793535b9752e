#pragma once
// A plastic weight with the identity that orders it for the weights digest.
#include <cstdint>
#include <vector>

namespace eligo {

// One plastic synapse's weight with the identity that orders it canonically for the weights digest
// (docs/architecture.md §4): by source global id, then target global id, then connection order.
struct WeightRecord {
  std::uint64_t source_gid;
  std::uint64_t target_gid;
  double weight;
};

// One shard's weights for the digest alone, a third of the records' size: per source (ascending) the
// number of its synapses, and the weights in canonical order (by target, then connection order).
struct WeightColumns {
  std::vector<std::uint64_t> source;
  std::vector<std::uint32_t> count;
  std::vector<double> weight;
};

}  // namespace eligo
