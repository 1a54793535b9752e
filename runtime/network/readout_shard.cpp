#include "runtime/network/readout_shard.hpp"

#include <algorithm>

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
      synapses_(config_.optimizer, /*traces=*/false, /*adaptive=*/false, config_.n_global_ids),
      input_(config_.placement.size, 0.0) {
  for (const StepSignal& s : config_.targets) target_cursors_.push_back({&s});
  window_cursor_.signal = &config_.learning_window;
}

void ReadoutShard::add_synapse(std::uint64_t source_gid, std::uint32_t local_target, double weight) {
  synapses_.add(source_gid, local_target, weight);
}

void ReadoutShard::finalize() {
  synapses_.finalize();
  counters_.synapse_bytes = synapses_.bytes();
}

SliceOutput ReadoutShard::advance(const SliceInput& in) {
  const Step t = in.slice;
  const std::size_t n = state_.size();
  std::fill(input_.begin(), input_.end(), 0.0);
  if (t > 0) {
    // Phase A: rate signals emitted in step t−1 (spec §5.5); nothing is delivered in step 0.
    const double lw = window_cursor_.at(t);
    for (std::size_t k = 0; k < n; ++k) {
      state_.target[k] = target_cursors_[k].at(t);
      state_.learning_window[k] = lw;
    }
    const ReadoutTarget target{history_, config_.constants};
    counters_.synaptic_events += deliver_spikes(t, in.spikes, synapses_, target, input_.data());  // phase B
    // keep_all is the literal reference: every interval is integrated at the source's next event.
    if (config_.history == HistoryPolicy::bounded) synapses_.integrate_elapsed(t, target);
  }
  SliceOutput out;
  out.spikes.slice = t;
  out.spikes.sender_shard = config_.placement.shard_id;
  out.spikes.sender_first_gid = config_.placement.first_gid;
  out.errors.slice = t;
  out.errors.n_readouts = static_cast<std::uint32_t>(n);
  out.errors.n_steps = 1;
  out.errors.eps.resize(n);
  out.readout_signal.resize(n);
  out.target_signal.resize(n);
  history_.append(t);
  const std::size_t slot = history_.slot(t);
  for (std::size_t k = 0; k < n; ++k) {  // phase C
    const ReadoutStep r = EpropReadout::update(k, input_[k], config_.constants, state_);
    history_.ring(0, k)[slot] = r.eps;
    out.errors.eps[k] = r.eps;
    out.readout_signal[k] = r.y * state_.learning_window[k];
    out.target_signal[k] = state_.target[k] * state_.learning_window[k];
  }
  if (config_.history == HistoryPolicy::bounded && t % kEraseEvery == 0) {
    history_.erase_before(synapses_.oldest_step_needed(config_.constants.cutoff, t));
  }
  counters_.history_entries = history_.entries();
  counters_.history_entries_max = std::max(counters_.history_entries_max, counters_.history_entries);
  return out;
}

ShardCounters ReadoutShard::counters() const { return counters_; }

void ReadoutShard::append_weights(std::vector<WeightRecord>& out) const {
  synapses_.append_weights(config_.placement.first_gid, out);
}

}  // namespace eligo
