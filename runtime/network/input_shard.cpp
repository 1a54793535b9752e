#include "runtime/network/input_shard.hpp"

#include <algorithm>
#include <string>

#include "runtime/checkpoint/shard_header.hpp"

namespace eligo {

InputShard::InputShard(const InputShardConfig& config)
    : config_(config), received_(config.placement.size, 0), last_event_(config.placement.size, 0) {
  if (config_.stream) stream_.emplace(*config_.stream, SampleParts::all);
}

void InputShard::add_spike(Step step, std::uint32_t local_index) { arrivals_.push_back({step, local_index}); }

void InputShard::finalize() { std::sort(arrivals_.begin(), arrivals_.end()); }

// The arrivals already passed are earlier than `step`, so sorting keeps them before the cursor.
void InputShard::add_final_update_spike(Step step, double /*weight: a relay passes any spike on*/) {
  for (std::uint32_t i = 0; i < config_.placement.size; ++i) add_spike(step, i);
  finalize();
}

SliceOutput InputShard::advance(const SliceInput& in) {
  SliceOutput out;
  out.spikes = start_batch(config_.placement, in);
  for (Step t = in.first_step; t < in.first_step + in.steps; ++t) {
    const auto offset = static_cast<std::uint32_t>(t - in.first_step);
    while (cursor_ < arrivals_.size() && arrivals_[cursor_].step < t) ++cursor_;
    for (; cursor_ < arrivals_.size() && arrivals_[cursor_].step == t; ++cursor_) {
      ++received_[arrivals_[cursor_].local_index];
    }
    if (stream_) {
      streamed_.clear();
      stream_->input_arrivals(t, 1, config_.placement.first_index, config_.placement.size, streamed_);
      for (const auto& [step, local_index] : streamed_) ++received_[local_index];
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

void InputShard::save_state(StateWriter& w) const {
  save_identity(w, ShardIdentity::of(config_.placement, 0));
  w.section("input_relays");
  w.u64(arrivals_.size());
  w.u64(cursor_);
  w.vector(received_);
  w.vector(last_event_);
  save_counters(w, counters_);
}

void InputShard::load_state(StateReader& r) {
  check_identity(r, ShardIdentity::of(config_.placement, 0));
  r.section("input_relays");
  if (const std::uint64_t n = r.u64("schedule"); n != arrivals_.size()) {
    r.fail("schedule", "the checkpoint's input schedule has " + std::to_string(n) + " spikes, this shard's " +
                           std::to_string(arrivals_.size()));
  }
  const std::uint64_t cursor = r.u64("cursor");
  if (cursor > arrivals_.size()) {
    r.fail("cursor", std::to_string(cursor) + " is past the end of the schedule (" + std::to_string(arrivals_.size()) +
                         " spikes)");
  }
  auto received = r.vector_of_size<std::uint32_t>("received", received_.size());
  auto last_event = r.vector_of_size<Step>("last_event", last_event_.size());
  const ShardCounters counters = load_counters(r, counters_);
  cursor_ = static_cast<std::size_t>(cursor);
  received_ = std::move(received);
  last_event_ = std::move(last_event);
  counters_ = counters;
}

}  // namespace eligo
