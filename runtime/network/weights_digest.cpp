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

namespace {

// SHA-256 over little-endian doubles, fed in chunks.
class DigestOfWeights {
 public:
  DigestOfWeights() { bytes_.reserve(kChunk); }
  void add(double w) {
    const std::uint64_t bits = std::bit_cast<std::uint64_t>(w);
    for (int b = 0; b < 8; ++b) bytes_.push_back(static_cast<char>(static_cast<unsigned char>(bits >> (8 * b))));
    if (bytes_.size() == kChunk) {
      sha_.update(bytes_);
      bytes_.clear();
    }
  }
  std::string hex() {
    sha_.update(bytes_);
    return sha_.hex();
  }

 private:
  static constexpr std::size_t kChunk = std::size_t{1} << 19;
  Sha256 sha_;
  std::string bytes_;
};

}  // namespace

std::string weights_digest(const std::vector<WeightRecord>& canonical) {
  DigestOfWeights digest;
  for (const WeightRecord& r : canonical) digest.add(r.weight);
  return digest.hex();
}

std::string weights_digest_of_columns(std::vector<WeightColumns>& parts) {
  std::vector<std::size_t> run(parts.size(), 0), at(parts.size(), 0);  // per part: next source run, next weight
  DigestOfWeights digest;
  while (true) {
    bool any = false;
    std::uint64_t source = 0;
    for (std::size_t p = 0; p < parts.size(); ++p) {
      if (run[p] == parts[p].source.size()) continue;
      source = any ? std::min(source, parts[p].source[run[p]]) : parts[p].source[run[p]];
      any = true;
    }
    if (!any) break;
    for (std::size_t p = 0; p < parts.size(); ++p) {
      if (run[p] == parts[p].source.size() || parts[p].source[run[p]] != source) continue;
      for (std::uint32_t k = 0; k < parts[p].count[run[p]]; ++k) digest.add(parts[p].weight[at[p]++]);
      ++run[p];
    }
  }
  parts.clear();
  return digest.hex();
}

}  // namespace eligo
