#pragma once
// A plastic weight with the identity that orders it for the weights digest.
#include <cstdint>

namespace eligo {

// One plastic synapse's weight with the identity that orders it canonically for the weights digest
// (docs/architecture.md §4): by source global id, then target global id, then connection order.
struct WeightRecord {
  std::uint64_t source_gid;
  std::uint64_t target_gid;
  double weight;
};

}  // namespace eligo
