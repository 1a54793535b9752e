#include "runtime/network/recurrent_shard.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

#include "runtime/checkpoint/shard_header.hpp"
#include "runtime/models/eprop_iaf.hpp"
#include "runtime/models/eprop_iaf_adapt.hpp"
#include "runtime/models/eprop_iaf_psc_delta.hpp"
#include "runtime/models/eprop_iaf_psc_delta_adapt.hpp"
#include "runtime/synapses/eprop_targets.hpp"
#include "runtime/synapses/spike_delivery.hpp"

namespace eligo {
namespace {

// How often (in steps) the shard looks for history rows to drop. Dropping later only keeps more.
constexpr Step kEraseEvery = 16;

// Phase C for all neurons of the shard with one model: update, emit spike or flush (docs/numerics.md §9.5), archive
// ψ and the firing-rate regularization term (docs/numerics.md §3 step 7 and §12). The model is chosen once per shard.
template <class Model, bool kArchive>
void update_neurons(Step t, std::uint32_t step_offset, const double* x, const RecurrentConstants& c, RecurrentState& s,
                    HistoryArchive& history, SpikeBatch& out) {
  const std::size_t n = s.size();
  if constexpr (kArchive) history.append(t);
  const std::size_t slot = kArchive ? history.slot(t) : 0;
  const double one_minus_kappa_reg = 1.0 - c.kappa_reg;
  const double f_target_per_step = c.f_target_per_ms * c.h;
  for (std::size_t j = 0; j < n; ++j) {
    double psi = 0.0;
    const bool spike = Model::update(j, x[j], c, s, psi);
    if constexpr (kArchive) history.at(kPsi, j, slot) = psi;
    s.z[j] = spike ? 1 : 0;
    if (spike) {
      out.events.push_back({step_offset, static_cast<std::uint32_t>(j), 1, EventKind::spike});
      s.last_event[j] = t;
    } else if (s.last_event[j] > 0 && t - s.last_event[j] >= c.flush_interval) {
      out.events.push_back({step_offset, static_cast<std::uint32_t>(j), 1, EventKind::flush});
      s.last_event[j] = t;
    }
    if constexpr (kArchive) {
      s.f_ema[j] = c.kappa_reg * s.f_ema[j] + one_minus_kappa_reg * static_cast<double>(s.z[j]) / c.h;
      history.at(kFiringRateReg, j, slot) = c.c_reg * (s.f_ema[j] - f_target_per_step);
    }
  }
}

template <bool kArchive>
RecurrentShard::UpdateNeurons pick_model(RecurrentModel m) {
  switch (m) {
    case RecurrentModel::eprop_iaf:
      return &update_neurons<EpropIaf, kArchive>;
    case RecurrentModel::eprop_iaf_adapt:
      return &update_neurons<EpropIafAdapt, kArchive>;
    case RecurrentModel::eprop_iaf_psc_delta:
      return &update_neurons<EpropIafPscDelta, kArchive>;
    case RecurrentModel::eprop_iaf_psc_delta_adapt:
      return &update_neurons<EpropIafPscDeltaAdapt, kArchive>;
    case RecurrentModel::eprop_iaf_bsshslm_2020:
    case RecurrentModel::eprop_iaf_adapt_bsshslm_2020:
      throw std::logic_error("bsshslm_2020 models run in BsshslmRecurrentShard (network_builder refuses mixing)");
  }
  return nullptr;
}

}  // namespace

RecurrentShard::RecurrentShard(const RecurrentShardConfig& config)
    : config_(config),
      state_(config.placement.size, config.constants),
      history_(config.placement.size, kRecurrentFields),
      synapses_(config.optimizer, /*traces=*/true, config.constants.adaptive(), config.n_global_ids, config.plastic),
      input_(config.placement.size, 0.0),
      update_neurons_(config.plastic ? pick_model<true>(config.constants.model)
                                     : pick_model<false>(config.constants.model)) {
  if (config.closed_form && config.plastic && !config.constants.adaptive()) {
    const RecurrentConstants& c = config.constants;
    algebra_.emplace(history_, c.P_v, c.kappa, c.kappa_reg, WindowSummaryTable::kLongestPiece,
                     config.optimizer.optimize_each_step);
    summaries_.emplace(config.placement.size, algebra_->components(), kRecurrentFields);
  }
}

void RecurrentShard::add_synapse(std::uint64_t source_gid, std::uint32_t local_target, double weight) {
  synapses_.add(source_gid, local_target, weight);
}

void RecurrentShard::add_feedback(std::uint32_t readout, std::uint32_t local_target, double weight) {
  feedback_.push_back({readout, local_target, weight});
}

void RecurrentShard::add_forced_input(Step step, std::uint32_t local_target, double weight) {
  forced_.push_back({step, local_target, weight});
}

// As finalize() orders them: by step, in call order within a step; those passed are earlier than `step`.
void RecurrentShard::add_final_update_spike(Step step, double weight) {
  for (std::uint32_t j = 0; j < config_.placement.size; ++j) add_forced_input(step, j, weight);
  std::stable_sort(forced_.begin(), forced_.end(),
                   [](const ForcedInput& a, const ForcedInput& b) { return a.step < b.step; });
}

void RecurrentShard::finalize() {
  if (!config_.inputs_plastic) synapses_.make_static(0, config_.first_rec_gid);
  if (!config_.recs_plastic) synapses_.make_static(config_.first_rec_gid, config_.n_global_ids);
  synapses_.finalize();
  std::stable_sort(feedback_.begin(), feedback_.end(),
                   [](const Feedback& a, const Feedback& b) { return a.readout < b.readout; });
  std::stable_sort(forced_.begin(), forced_.end(),
                   [](const ForcedInput& a, const ForcedInput& b) { return a.step < b.step; });
  counters_.synapse_bytes = synapses_.bytes();
}

void RecurrentShard::write_learning_signals(const PendingErrors& errors) {
  // docs/numerics.md §7: the error of readout step t' lands in history step t'−1, readouts in ascending order.
  const Step t = errors.step - 1;
  if (!history_.contains(t)) return;  // not yet recorded (t < 0) or dropped: no pending update reads it
  const std::size_t slot = history_.slot(t);
  for (const Feedback& f : feedback_) {
    history_.at(kLearningSignal, f.local_target, slot) += f.weight * errors.eps[f.readout];
  }
}

SliceOutput RecurrentShard::advance(const SliceInput& in) {
  for (const SpikeBatch* b : in.spikes) {
    inbound_.add(*b, b->sender_first_gid < config_.first_rec_gid ? config_.delay_from_input : config_.delay_from_rec);
  }
  if (in.errors != nullptr) errors_.add(*in.errors, config_.feedback_delay);
  SliceOutput out;
  out.spikes = start_batch(config_.placement, in);
  for (Step t = in.first_step; t < in.first_step + in.steps; ++t) {
    advance_step(t, static_cast<std::uint32_t>(t - in.first_step), out.spikes);
  }
  return out;
}

void RecurrentShard::advance_step(Step t, std::uint32_t step_offset, SpikeBatch& out) {
  std::fill(input_.begin(), input_.end(), 0.0);
  while (forced_cursor_ < forced_.size() && forced_[forced_cursor_].step < t) ++forced_cursor_;
  for (; forced_cursor_ < forced_.size() && forced_[forced_cursor_].step == t; ++forced_cursor_) {
    input_[forced_[forced_cursor_].local_target] += forced_[forced_cursor_].weight;
  }
  for (; errors_.due(t); errors_.pop()) {  // phase A
    write_learning_signals(errors_.front());
  }
  if (summaries_) {
    // Learning signals of steps before t − feedback delay are all in (phase A above), ψ and fr long before.
    summaries_->fill_until(t - config_.feedback_delay, history_, *algebra_);
  }
  const RecurrentTarget target{history_, config_.constants, summaries_ ? &*summaries_ : nullptr,
                               algebra_ ? &*algebra_ : nullptr};
  counters_.synaptic_events += deliver_spikes(inbound_.arriving(t), synapses_, target, input_.data());  // phase B
  if (config_.plastic && config_.history == HistoryPolicy::bounded) {
    // Windows whose learning signals have all arrived and that no spike still in flight can cut short
    // are integrated now (keep_all is the literal reference: every interval waits for the next event).
    synapses_.integrate_elapsed(t + 1 - std::max(config_.feedback_delay, max_delay()), target);
  }
  const std::size_t before = out.events.size();
  update_neurons_(t, step_offset, input_.data(), config_.constants, state_, history_, out);  // phase C
  for (std::size_t i = before; i < out.events.size(); ++i) {
    (out.events[i].kind == EventKind::spike ? counters_.spikes_emitted : counters_.flushes_emitted) += 1;
  }
  erase_history(t);
}

void RecurrentShard::erase_history(Step t) {
  if (!config_.plastic) return;
  if (config_.history == HistoryPolicy::bounded && t % kEraseEvery == 0) {
    // Rows before the oldest pending interval are never read again, nor rows before t − D + 1: a source
    // whose first event is still in flight (emitted ≥ t − D + 1) reads from its emission step on.
    history_.erase_before(synapses_.oldest_step_needed(config_.constants.cutoff, t - max_delay() + 1));
  }
  counters_.history_entries = history_.entries();
  counters_.history_entries_max = std::max(counters_.history_entries_max, counters_.history_entries);
  counters_.history_bytes_max =
      std::max(counters_.history_bytes_max, history_.bytes() + (summaries_ ? summaries_->bytes() : 0));
  record_closed_form_stats(synapses_.closed_form_stats(), counters_);
}

ShardCounters RecurrentShard::counters() const { return counters_; }

void RecurrentShard::append_weights(std::vector<WeightRecord>& out) const {
  synapses_.append_weights(config_.placement.first_gid, out);
}

// input_ is not state: every step refills it from zero.
void RecurrentShard::save_state(StateWriter& w) const {
  save_identity(w, ShardIdentity::of(config_.placement, synapses_.size()));
  w.section("recurrent_shard");
  w.u64(feedback_.size());
  w.u64(forced_.size());
  w.u64(forced_cursor_);
  state_.save_state(w);
  history_.save_state(w);
  synapses_.save_state(w);
  inbound_.save_state(w);
  errors_.save_state(w);
  save_counters(w, counters_);
}

void RecurrentShard::load_state(StateReader& r) {
  check_identity(r, ShardIdentity::of(config_.placement, synapses_.size()));
  r.section("recurrent_shard");
  if (const std::uint64_t n = r.u64("feedback"); n != feedback_.size()) {
    r.fail("feedback", "checkpoint has " + std::to_string(n) + " feedback connections, this shard " +
                           std::to_string(feedback_.size()));
  }
  if (const std::uint64_t n = r.u64("forced inputs"); n != forced_.size()) {
    r.fail("forced inputs",
           "checkpoint has " + std::to_string(n) + " forced inputs, this shard " + std::to_string(forced_.size()));
  }
  const std::uint64_t forced_cursor = r.u64("forced cursor");
  if (forced_cursor > forced_.size()) {
    r.fail("forced cursor",
           std::to_string(forced_cursor) + " is past the " + std::to_string(forced_.size()) + " forced inputs");
  }
  state_.load_state(r);
  history_.load_state(r);
  if (summaries_) summaries_->reset();  // refilled from the restored history (window_summaries.hpp)
  synapses_.load_state(r);
  inbound_.load_state(r);

  // write_learning_signals reads eps[readout] for every feedback connection.
  errors_.load_state(r, feedback_.empty() ? 0 : feedback_.back().readout + std::size_t{1});
  const ShardCounters counters = load_counters(r, counters_);
  forced_cursor_ = static_cast<std::size_t>(forced_cursor);
  counters_ = counters;
}

}  // namespace eligo
