#include "runtime/verification/weight_comparison.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace eligo {

namespace {

struct Slot {
  std::uint64_t source, target;
  std::size_t block, index;  // connection `index` of block `block`
};

double relative(double w, double nest) {
  const double d = std::fabs(w - nest);
  return nest == 0.0 ? d : d / std::fabs(nest);
}

}  // namespace

std::vector<BlockDeviation> compare_final_weights(const ReferenceCase& c, const std::vector<WeightRecord>& weights) {
  std::vector<BlockDeviation> out{{"in_rec"}, {"rec_rec"}, {"rec_out"}};
  if (!c.final_weights) return {};
  const NetworkDescription& net = c.network;
  const std::uint64_t rec0 = net.n_in, out0 = std::uint64_t{net.n_in} + net.n_rec;
  const ConnectionList* blocks[] = {&net.in_rec, &net.rec_rec, &net.rec_out};
  const std::uint64_t source_base[] = {0, rec0, rec0};
  const std::uint64_t target_base[] = {rec0, rec0, out0};
  const std::vector<double>* nest[] = {&c.final_weights->in_rec, &c.final_weights->rec_rec, &c.final_weights->rec_out};
  // The canonical order of the weights a run reports: by source, then target, then connection order.
  std::vector<Slot> slots;
  for (std::size_t b = 0; b < 3; ++b) {
    for (std::size_t i = 0; i < blocks[b]->size(); ++i)
      slots.push_back({source_base[b] + blocks[b]->source[i], target_base[b] + blocks[b]->target[i], b, i});
  }
  std::stable_sort(slots.begin(), slots.end(), [](const Slot& a, const Slot& b) {
    return a.source != b.source ? a.source < b.source : a.target < b.target;
  });
  if (slots.size() != weights.size()) {
    for (BlockDeviation& d : out) d.max_relative_deviation = std::numeric_limits<double>::quiet_NaN();
    return out;
  }
  for (std::size_t i = 0; i < slots.size(); ++i) {
    const Slot& s = slots[i];
    BlockDeviation& d = out[s.block];
    const bool same_synapse = weights[i].source_gid == s.source && weights[i].target_gid == s.target;
    const double dev = same_synapse ? relative(weights[i].weight, (*nest[s.block])[s.index])
                                    : std::numeric_limits<double>::quiet_NaN();
    if (std::isnan(dev) || std::isnan(d.max_relative_deviation)) {
      d.max_relative_deviation = std::numeric_limits<double>::quiet_NaN();
    } else {
      d.max_relative_deviation = std::max(d.max_relative_deviation, dev);
    }
  }
  return out;
}

}  // namespace eligo
