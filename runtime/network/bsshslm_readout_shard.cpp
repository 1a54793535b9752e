#include "runtime/network/bsshslm_readout_shard.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "runtime/checkpoint/shard_header.hpp"
#include "runtime/checkpoint/state_stream.hpp"
#include "runtime/network/bsshslm_recurrent_shard.hpp"
#include "runtime/synapses/bsshslm_targets.hpp"

namespace eligo {

BsshslmReadoutShard::BsshslmReadoutShard(BsshslmReadoutShardConfig config)
    : config_(std::move(config)),
      state_(config_.placement.size, config_.constants),
      history_(config_.placement.size, 1, config_.settings.update_interval, kBsshslmReadoutShift),
      synapses_(config_.optimizer, config_.settings.update_interval, kBsshslmReadoutShift,
                /*target_is_recurrent=*/false, config_.n_global_ids, config_.learning),
      kappa_(std::exp(-config_.resolution_ms / config_.settings.tau_m_readout_rec_out)),
      target_next_(config_.placement.size, 0),
      target_value_(config_.placement.size, 0.0),
      input_(config_.placement.size, 0.0),
      others_(config_.placement.size, 0.0) {
  if (config_.stream) stream_.emplace(*config_.stream, SampleParts::supervision);
}

void BsshslmReadoutShard::add_synapse(std::uint64_t source_gid, std::uint32_t local_target, double weight) {
  synapses_.add(source_gid, local_target, weight, kappa_);
}

void BsshslmReadoutShard::finalize() {
  synapses_.finalize();
  counters_.synapse_bytes = synapses_.bytes();
}

SliceOutput BsshslmReadoutShard::advance(const SliceInput& in) {
  for (const SpikeBatch* b : in.spikes) inbound_.add(*b, 1);
  SliceOutput out = start_readout_output(config_.placement, in);
  for (Step t = in.first_step; t < in.first_step + in.steps; ++t) {
    advance_step(t, static_cast<std::uint32_t>(t - in.first_step), out);
  }
  return out;
}

void BsshslmReadoutShard::advance_step(Step t, std::uint32_t step_offset, SliceOutput& out) {
  const BsshslmSettings& k = config_.settings;
  const std::size_t n = state_.size();
  const Step interval_step = (t - kBsshslmReadoutShift) % k.update_interval;
  const Step signal_step = (t - kBsshslmReadoutShift - 1) % k.update_interval;
  if (interval_step == 0) erase_history(history_.block_of(t));
  // A: the rate signals emitted in step t − 1 (nothing is delivered in step 0): the targets and, for the
  // softmax, the other readouts' u(t − 1), summed in ascending k'.
  std::fill(others_.begin(), others_.end(), 0.0);
  if (t > 0) {
    if (stream_) {
      double window = 0.0;
      stream_->supervision(t, streamed_targets_, window);
      for (std::size_t j = 0; j < n; ++j) state_.target[j] = streamed_targets_[j];
    } else {
      for (std::size_t j = 0; j < n; ++j) {
        const StepSignal& s = config_.targets[j];
        while (target_next_[j] < s.time.size() && s.time[target_next_[j]] <= t)
          target_value_[j] = s.value[target_next_[j]++];
        state_.target[j] = target_value_[j];
      }
    }
    if (!config_.normalization.empty()) {
      for (std::size_t j = 0; j < n; ++j) {
        for (std::size_t o = 0; o < n; ++o) {
          const double w = config_.normalization[j * n + o];
          if (o != j && w != 0.0) others_[j] += w * state_.unnormalized[o];
        }
      }
    }
  }
  // B.
  std::fill(input_.begin(), input_.end(), 0.0);
  const BsshslmReadoutTarget target{history_, config_.constants, k.average_gradient,
                                    static_cast<double>(k.learning_window)};
  for (const PendingEvent& ev : inbound_.arriving(t)) {
    const std::int64_t r = synapses_.run_of(ev.sender_gid);
    if (r < 0) continue;
    counters_.synaptic_events += synapses_.send(static_cast<std::size_t>(r), ev.emitted + 1,
                                                ev.kind == EventKind::flush, ev.multiplicity, target, input_.data());
  }
  // C.
  const bool in_window = signal_step >= k.update_interval - k.learning_window;
  const std::size_t row = step_offset * n;
  for (std::size_t j = 0; j < n; ++j) {
    EpropReadoutBsshslm::integrate(j, input_[j], interval_step, k.reset_neurons_on_update, config_.constants, state_);
    const BsshslmReadoutStep s = EpropReadoutBsshslm::signals(j, others_[j], in_window, config_.constants, state_);
    // NEST archives a readout's error one step early (its history is shifted by delay_out_norm), so the window a
    // synapse reads from its trigger stamp s on starts with ε(s + 1).
    if (t >= 1) history_.at(0, j, t - 1) = s.eps;
    out.errors.eps[row + j] = s.eps;
    out.readout_signal[row + j] = s.y;
    out.target_signal[row + j] = state_.target[j];
  }
  counters_.history_entries = history_.entries();
  counters_.history_entries_max = std::max(counters_.history_entries_max, counters_.history_entries);
  counters_.history_bytes_max = std::max(counters_.history_bytes_max, history_.bytes());
}

void BsshslmReadoutShard::erase_history(Step current) {
  const std::vector<Step> needed = synapses_.intervals_in_use(/*with_update_interval=*/false);
  history_.erase_unless(
      [&](Step b) { return b >= current - 1 || std::binary_search(needed.begin(), needed.end(), b); });
}

void BsshslmReadoutShard::append_weights(std::vector<WeightRecord>& out) const {
  synapses_.append_weights(config_.placement.first_gid, out);
}

void BsshslmReadoutShard::save_state(StateWriter& w) const {
  save_identity(w, ShardIdentity::of(config_.placement, synapses_.size()));
  w.section("bsshslm_readout_shard");
  std::vector<std::uint64_t> next(target_next_.begin(), target_next_.end());
  w.vector(next);
  w.vector(target_value_);
  state_.save_state(w);
  history_.save_state(w);
  synapses_.save_state(w);
  inbound_.save_state(w);
  save_counters(w, counters_);
}

void BsshslmReadoutShard::load_state(StateReader& r) {
  check_identity(r, ShardIdentity::of(config_.placement, synapses_.size()));
  r.section("bsshslm_readout_shard");
  const std::size_t n = state_.size();
  const std::vector<std::uint64_t> next = r.vector_of_size<std::uint64_t>("target positions", n);
  std::vector<double> value = r.vector_of_size<double>("target values", n);
  for (std::size_t j = 0; j < n && !config_.targets.empty(); ++j) {
    if (next[j] > config_.targets[j].time.size()) r.fail("target positions", "past the end of a target signal");
  }
  state_.load_state(r);
  history_.load_state(r);
  synapses_.load_state(r);
  inbound_.load_state(r);
  const ShardCounters counters = load_counters(r, counters_);
  target_next_.assign(next.begin(), next.end());
  target_value_ = std::move(value);
  counters_ = counters;
}

}  // namespace eligo
