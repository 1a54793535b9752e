#pragma once
// The weights digest (docs/architecture.md §4): SHA-256 over every plastic weight in canonical order
// (source global id, target global id, connection order), as little-endian doubles. Equal digests
// mean equal networks, however the network was partitioned.
#include <string>
#include <vector>

#include "runtime/core/weight_record.hpp"
#include "runtime/network/network_builder.hpp"

namespace eligo {

// Sorts weights gathered from any set of shards (appended shard by shard) into canonical order.
void sort_canonically(std::vector<WeightRecord>& weights);
std::vector<WeightRecord> canonical_weights(const BuiltNetwork& network);
std::string weights_digest(const std::vector<WeightRecord>& canonical);
// The same digest from each shard's weight columns, in shard order (so each shard's targets lie above
// the previous shard's), without one list of all weights: the parts are merged source by source straight
// into the digest. Empties the parts.
std::string weights_digest_of_columns(std::vector<WeightColumns>& parts);
inline std::string weights_digest(const BuiltNetwork& network) { return weights_digest(canonical_weights(network)); }

}  // namespace eligo
