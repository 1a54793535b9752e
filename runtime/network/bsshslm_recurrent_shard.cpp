#include "runtime/network/bsshslm_recurrent_shard.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "runtime/checkpoint/shard_header.hpp"
#include "runtime/checkpoint/state_stream.hpp"
#include "runtime/synapses/bsshslm_targets.hpp"

namespace eligo {
namespace {

std::vector<const BsshslmNeuronConstants*> per_neuron(const BsshslmRecurrentShardConfig& c) {
  std::vector<const BsshslmNeuronConstants*> out;
  for (std::uint32_t g : c.group_of) out.push_back(&c.groups.at(g));
  return out;
}

}  // namespace

BsshslmRecurrentShard::BsshslmRecurrentShard(BsshslmRecurrentShardConfig config)
    : config_(std::move(config)),
      constants_(per_neuron(config_)),
      state_(constants_),
      history_(config_.placement.size, kBsshslmRecurrentFields, config_.settings.update_interval,
               kBsshslmRecurrentShift),
      synapses_(config_.optimizer, config_.settings.update_interval, kBsshslmRecurrentShift,
                /*target_is_recurrent=*/true, config_.n_global_ids, config_.learning),
      kappa_in_(std::exp(-config_.resolution_ms / config_.settings.tau_m_readout_in_rec)),
      kappa_rec_(std::exp(-config_.resolution_ms / config_.settings.tau_m_readout_rec_rec)),
      input_(config_.placement.size, 0.0) {}

void BsshslmRecurrentShard::add_synapse(std::uint64_t source_gid, std::uint32_t local_target, double weight) {
  synapses_.add(source_gid, local_target, weight, source_gid < config_.first_rec_gid ? kappa_in_ : kappa_rec_);
}

void BsshslmRecurrentShard::add_feedback(std::uint32_t readout, std::uint32_t local_target, double weight) {
  feedback_.push_back({readout, local_target, weight});
}

void BsshslmRecurrentShard::finalize() {
  synapses_.finalize();
  // NEST delivers the learning signals readout by readout, each readout's connections in connection order.
  std::stable_sort(feedback_.begin(), feedback_.end(),
                   [](const Feedback& a, const Feedback& b) { return a.readout < b.readout; });
  counters_.synapse_bytes = synapses_.bytes();
}

SliceOutput BsshslmRecurrentShard::advance(const SliceInput& in) {
  for (const SpikeBatch* b : in.spikes) inbound_.add(*b, 1);
  if (in.errors != nullptr) errors_.add(*in.errors, 1);
  SliceOutput out;
  out.spikes = start_batch(config_.placement, in);
  for (Step t = in.first_step; t < in.first_step + in.steps; ++t) {
    advance_step(t, static_cast<std::uint32_t>(t - in.first_step), out.spikes);
  }
  return out;
}

void BsshslmRecurrentShard::advance_step(Step t, std::uint32_t step_offset, SpikeBatch& out) {
  const BsshslmSettings& k = config_.settings;
  const Step interval_step = (t - kBsshslmRecurrentShift) % k.update_interval;  // C++ remainder, as NEST's
  if (interval_step == 0) erase_history(history_.block_of(t));
  // A: the error of readout step t' is the learning signal of history step t' + 1 − 3.
  for (; errors_.due(t); errors_.pop()) {
    const Step h = errors_.front().step + 1 - kBsshslmLearningSignalShift;
    if (h < 0) continue;
    for (const Feedback& f : feedback_) {
      history_.at(kBsshslmLearningSignal, f.local_target, h) += f.weight * errors_.front().eps[f.readout];
    }
  }
  // B.
  std::fill(input_.begin(), input_.end(), 0.0);
  const BsshslmRecurrentTarget target{history_, constants_, k.average_gradient, static_cast<double>(k.learning_window)};
  for (const PendingEvent& ev : inbound_.arriving(t)) {
    const std::int64_t r = synapses_.run_of(ev.sender_gid);
    if (r < 0) continue;
    counters_.synaptic_events += synapses_.send(static_cast<std::size_t>(r), ev.emitted + 1,
                                                ev.kind == EventKind::flush, ev.multiplicity, target, input_.data());
  }
  // C.
  for (std::size_t j = 0; j < state_.size(); ++j) {
    const BsshslmNeuronConstants& c = *constants_[j];
    const BsshslmNeuronStep s =
        EpropIafBsshslm::update(j, input_[j], interval_step, k.reset_neurons_on_update, c, state_);
    if (s.spike) {
      out.events.push_back({step_offset, static_cast<std::uint32_t>(j), 1, EventKind::spike});
      state_.last_event[j] = t;
      ++counters_.spikes_emitted;
    } else if (state_.last_event[j] > 0 && t - state_.last_event[j] >= c.flush_interval) {
      out.events.push_back({step_offset, static_cast<std::uint32_t>(j), 1, EventKind::flush});
      state_.last_event[j] = t;
      ++counters_.flushes_emitted;
    }
    history_.at(kBsshslmPsi, j, t) = s.psi;
    if (interval_step == k.update_interval - 1) {
      history_.per_interval(j, history_.block_of(t)) = EpropIafBsshslm::close_interval(j, k.update_interval, c, state_);
    }
  }
  counters_.history_entries = history_.entries();
  counters_.history_entries_max = std::max(counters_.history_entries_max, counters_.history_entries);
  counters_.history_bytes_max = std::max(counters_.history_bytes_max, history_.bytes());
}

// At the start of interval `current`: keep it, the one before (its last learning signals are still arriving) and
// every interval a source's next update will read.
void BsshslmRecurrentShard::erase_history(Step current) {
  const std::vector<Step> needed = synapses_.intervals_in_use(/*with_update_interval=*/true);
  history_.erase_unless(
      [&](Step b) { return b >= current - 1 || std::binary_search(needed.begin(), needed.end(), b); });
}

void BsshslmRecurrentShard::append_weights(std::vector<WeightRecord>& out) const {
  synapses_.append_weights(config_.placement.first_gid, out);
}

void BsshslmRecurrentShard::save_state(StateWriter& w) const {
  save_identity(w, ShardIdentity::of(config_.placement, synapses_.size()));
  w.section("bsshslm_recurrent_shard");
  w.u64(feedback_.size());
  state_.save_state(w);
  history_.save_state(w);
  synapses_.save_state(w);
  inbound_.save_state(w);
  errors_.save_state(w);
  save_counters(w, counters_);
}

void BsshslmRecurrentShard::load_state(StateReader& r) {
  check_identity(r, ShardIdentity::of(config_.placement, synapses_.size()));
  r.section("bsshslm_recurrent_shard");
  if (const std::uint64_t n = r.u64("feedback"); n != feedback_.size()) {
    r.fail("feedback", "checkpoint has " + std::to_string(n) + " feedback connections, this shard " +
                           std::to_string(feedback_.size()));
  }
  state_.load_state(r);
  history_.load_state(r);
  synapses_.load_state(r);
  inbound_.load_state(r);
  errors_.load_state(r, feedback_.empty() ? 0 : feedback_.back().readout + std::size_t{1});
  counters_ = load_counters(r, counters_);
}

}  // namespace eligo
