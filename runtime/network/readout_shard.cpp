#include "runtime/network/readout_shard.hpp"

#include <algorithm>
#include <string>

#include "runtime/checkpoint/shard_header.hpp"
#include "runtime/synapses/eprop_targets.hpp"
#include "runtime/synapses/spike_delivery.hpp"

namespace eligo {
namespace {
constexpr Step kEraseEvery = 16;
}

double ReadoutShard::SignalCursor::at(Step t) {
  while (next < signal->time.size() && signal->time[next] <= t) value = signal->value[next++];
  return value;
}

ReadoutShard::ReadoutShard(ReadoutShardConfig config)
    : config_(std::move(config)),
      state_(config_.placement.size, config_.constants),
      history_(config_.placement.size, 1),
      synapses_(config_.optimizer, /*traces=*/false, /*adaptive=*/false, config_.n_global_ids, config_.plastic),
      input_(config_.placement.size, 0.0) {
  for (const StepSignal& s : config_.targets) target_cursors_.push_back({&s});
  window_cursor_.signal = &config_.learning_window;
  if (config_.stream) stream_.emplace(*config_.stream, SampleParts::supervision);
  if (config_.closed_form && config_.plastic) {
    algebra_.emplace(history_, config_.constants.P_v, WindowSummaryTable::kLongestPiece,
                     config_.optimizer.optimize_each_step);
    summaries_.emplace(config_.placement.size, algebra_->components(), 1);
  }
}

void ReadoutShard::add_synapse(std::uint64_t source_gid, std::uint32_t local_target, double weight) {
  synapses_.add(source_gid, local_target, weight);
}

void ReadoutShard::finalize() {
  synapses_.finalize();
  counters_.synapse_bytes = synapses_.bytes();
}

SliceOutput ReadoutShard::advance(const SliceInput& in) {
  for (const SpikeBatch* b : in.spikes) inbound_.add(*b, config_.delay_from_rec);
  SliceOutput out = start_readout_output(config_.placement, in);
  for (Step t = in.first_step; t < in.first_step + in.steps; ++t) {
    advance_step(t, static_cast<std::uint32_t>(t - in.first_step), out);
  }
  return out;
}

void ReadoutShard::advance_step(Step t, std::uint32_t step_offset, SliceOutput& out) {
  const std::size_t n = state_.size();
  std::fill(input_.begin(), input_.end(), 0.0);
  if (t > 0) {
    // Phase A: rate signals emitted in step t−1 (docs/numerics.md §5.5); nothing is delivered in step 0.
    double lw = 0.0;
    if (stream_) {
      stream_->supervision(t, streamed_targets_, lw);
      for (std::size_t k = 0; k < n; ++k) state_.target[k] = streamed_targets_[k];
    } else {
      lw = window_cursor_.at(t);
      for (std::size_t k = 0; k < n; ++k) state_.target[k] = target_cursors_[k].at(t);
    }
    for (std::size_t k = 0; k < n; ++k) state_.learning_window[k] = lw;
  }
  if (summaries_) summaries_->fill_until(t, history_, *algebra_);  // ε is final once written
  const ReadoutTarget target{history_, config_.constants, summaries_ ? &*summaries_ : nullptr,
                             algebra_ ? &*algebra_ : nullptr};
  counters_.synaptic_events += deliver_spikes(inbound_.arriving(t), synapses_, target, input_.data());  // phase B
  if (config_.history == HistoryPolicy::bounded) {
    // ε is final once written; only spikes still in flight could cut a window short (see RecurrentShard).
    synapses_.integrate_elapsed(t + 1 - config_.delay_from_rec, target);
  }
  history_.append(t);
  const std::size_t slot = history_.slot(t);
  const std::size_t row = step_offset * n;
  for (std::size_t k = 0; k < n; ++k) {  // phase C
    const ReadoutStep r = EpropReadout::update(k, input_[k], config_.constants, state_);
    history_.at(0, k, slot) = r.eps;
    out.errors.eps[row + k] = r.eps;
    out.readout_signal[row + k] = r.y * state_.learning_window[k];
    out.target_signal[row + k] = state_.target[k] * state_.learning_window[k];
  }
  if (config_.history == HistoryPolicy::bounded && t % kEraseEvery == 0) {
    history_.erase_before(synapses_.oldest_step_needed(config_.constants.cutoff, t - config_.delay_from_rec + 1));
  }
  counters_.history_entries = history_.entries();
  counters_.history_entries_max = std::max(counters_.history_entries_max, counters_.history_entries);
  counters_.history_bytes_max =
      std::max(counters_.history_bytes_max, history_.bytes() + (summaries_ ? summaries_->bytes() : 0));
  record_closed_form_stats(synapses_.closed_form_stats(), counters_);
}

ShardCounters ReadoutShard::counters() const { return counters_; }

void ReadoutShard::append_weights(std::vector<WeightRecord>& out) const {
  synapses_.append_weights(config_.placement.first_gid, out);
}

namespace {

void save_cursor(StateWriter& w, std::size_t next, double value, std::size_t signal_length) {
  w.u64(signal_length);
  w.u64(next);
  w.f64(value);
}

}  // namespace

// input_ is not state: every step refills it from zero. The cursors would find their place again from
// the start of their signals, but are saved so that a restored shard is the saved one, byte for byte.
void ReadoutShard::save_state(StateWriter& w) const {
  save_identity(w, ShardIdentity::of(config_.placement, synapses_.size()));
  w.section("signal_cursors");
  w.u64(target_cursors_.size());
  for (const SignalCursor& c : target_cursors_) save_cursor(w, c.next, c.value, c.signal->time.size());
  save_cursor(w, window_cursor_.next, window_cursor_.value, window_cursor_.signal->time.size());
  state_.save_state(w);
  history_.save_state(w);
  synapses_.save_state(w);
  inbound_.save_state(w);
  save_counters(w, counters_);
}

void ReadoutShard::load_state(StateReader& r) {
  check_identity(r, ShardIdentity::of(config_.placement, synapses_.size()));
  r.section("signal_cursors");
  if (const std::uint64_t n = r.u64("targets"); n != target_cursors_.size()) {
    r.fail("targets", "checkpoint has " + std::to_string(n) + " target signals, this shard " +
                          std::to_string(target_cursors_.size()));
  }
  auto load_cursor = [&](const SignalCursor& current, std::string_view name) {
    const std::size_t length = current.signal->time.size();
    if (const std::uint64_t n = r.u64(name); n != length) {
      r.fail(name,
             "the checkpoint's signal has " + std::to_string(n) + " values, this shard's " + std::to_string(length));
    }
    SignalCursor c = current;
    const std::uint64_t next = r.u64(name);
    if (next > length) r.fail(name, "position " + std::to_string(next) + " is past the signal's end");
    c.next = static_cast<std::size_t>(next);
    c.value = r.f64(name);
    return c;
  };
  std::vector<SignalCursor> targets;
  for (const SignalCursor& c : target_cursors_) targets.push_back(load_cursor(c, "target signal"));
  const SignalCursor window = load_cursor(window_cursor_, "learning window");
  state_.load_state(r);
  history_.load_state(r);
  if (summaries_) summaries_->reset();  // refilled from the restored history (window_summaries.hpp)
  synapses_.load_state(r);
  inbound_.load_state(r);
  const ShardCounters counters = load_counters(r, counters_);
  target_cursors_ = std::move(targets);
  window_cursor_ = window;
  counters_ = counters;
}

}  // namespace eligo
