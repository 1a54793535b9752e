#include "runtime/network/weights_digest.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "runtime/core/sha256.hpp"

namespace eligo {

void sort_canonically(std::vector<WeightRecord>& weights) {
  // Stable: multapses of one (source, target) pair live in one shard, in connection order.
  std::stable_sort(weights.begin(), weights.end(), [](const WeightRecord& a, const WeightRecord& b) {
    return a.source_gid != b.source_gid ? a.source_gid < b.source_gid : a.target_gid < b.target_gid;
  });
}

std::vector<WeightRecord> canonical_weights(const BuiltNetwork& network) {
  std::vector<WeightRecord> all;
  for (const auto& shard : network.shards) shard->append_weights(all);
  sort_canonically(all);
  return all;
}

std::string weights_digest(const std::vector<WeightRecord>& canonical) {
  std::string bytes(canonical.size() * sizeof(double), '\0');
  for (std::size_t i = 0; i < canonical.size(); ++i) {
    std::uint64_t bits = std::bit_cast<std::uint64_t>(canonical[i].weight);
    for (int b = 0; b < 8; ++b) bytes[i * 8 + b] = static_cast<char>(static_cast<unsigned char>(bits >> (8 * b)));
  }
  return sha256_hex(bytes);
}

}  // namespace eligo
