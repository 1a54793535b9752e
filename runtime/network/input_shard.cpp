#include "runtime/network/input_shard.hpp"

#include <algorithm>

namespace eligo {

InputShard::InputShard(const InputShardConfig& config)
    : config_(config), received_(config.placement.size, 0), last_event_(config.placement.size, 0) {}

void InputShard::add_spike(Step step, std::uint32_t local_index) { arrivals_.push_back({step, local_index}); }

void InputShard::finalize() { std::sort(arrivals_.begin(), arrivals_.end()); }

SliceOutput InputShard::advance(const SliceInput& in) {
  SliceOutput out;
  out.spikes = start_batch(config_.placement, in);
  for (Step t = in.first_step; t < in.first_step + in.steps; ++t) {
    const auto offset = static_cast<std::uint32_t>(t - in.first_step);
    while (cursor_ < arrivals_.size() && arrivals_[cursor_].step < t) ++cursor_;
    for (; cursor_ < arrivals_.size() && arrivals_[cursor_].step == t; ++cursor_) {
      ++received_[arrivals_[cursor_].local_index];
    }
    for (std::uint32_t i = 0; i < received_.size(); ++i) {
      if (received_[i] > 0) {
        out.spikes.events.push_back({offset, i, received_[i], EventKind::spike});
        counters_.spikes_emitted += received_[i];
        received_[i] = 0;
        last_event_[i] = t;
      } else if (last_event_[i] > 0 && t - last_event_[i] >= config_.flush_interval) {
        out.spikes.events.push_back({offset, i, 1, EventKind::flush});
        ++counters_.flushes_emitted;
        last_event_[i] = t;
      }
    }
  }
  return out;
}

}  // namespace eligo
