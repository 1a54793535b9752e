#pragma once
// The e-prop synapses of one shard, grouped by source (CSR), with the exact event-driven procedure of
// docs/numerics.md §9.2–§9.4.
//
// Every synapse from one source into one shard sees the same event sequence (docs/numerics.md §14.10), so the
// event bookkeeping (t_prev, zpb, z̄, rem, decay, optimizer clock) is stored once per source
// (SourceBookkeeping). Only w, ē, ē_reg, ε_a, g and the optimizer moments are per synapse.
// compute_gradient first does the shared part once per event, then runs each synapse's whole interval
// with its state in registers. The per-target arithmetic (what one integrated step adds to g, what
// decays over a gap) comes from a target policy: RecurrentTarget or ReadoutTarget
// (synapses/eprop_targets.hpp).
#include <cmath>
#include <cstdint>
#include <functional>
#include <queue>
#include <span>
#include <unordered_map>
#include <vector>

#include "runtime/core/time.hpp"
#include "runtime/core/weight_record.hpp"
#include "runtime/optimizers/weight_optimizer.hpp"
#include "runtime/synapses/closed_form_window.hpp"

namespace eligo {

class StateReader;
class StateWriter;

// How the intervals of a run were integrated (docs/numerics.md §19): windows of at least two steps by
// summaries or by the loop, and per-step windows a synapse ran by the loop because a clamp might trigger.
// Counts of the run so far, not state: not checkpointed.
struct ClosedFormStats {
  std::uint64_t closed_windows = 0, loop_windows = 0, clamp_fallbacks = 0;
};

// How many synapses ahead compute_gradient prefetches the target neuron's data.
inline constexpr std::size_t kPrefetchAhead = 8;

struct SourceBookkeeping {
  Step t_prev = 0;  // stamp of the previous event; 0 = none yet
  bool prev_flush = false;
  double zpb = 0.0;    // spike carried into the first step of the next interval (docs/numerics.md §9.3)
  double z_bar = 0.0;  // presynaptic trace (shared: one target population, one τ_m)
  Step rem = 0;        // steps left until the cutoff
  Step decay = 0;      // decay steps pending since the last spike
  OptimizerClock clock;
  bool operator==(const SourceBookkeeping&) const = default;
};

// Pointers to the per-synapse arrays of one source's run of synapses.
struct SynapseRun {
  const std::uint32_t* target = nullptr;
  double* w = nullptr;
  double* g = nullptr;
  double* e_bar = nullptr;      // recurrent targets only
  double* e_bar_reg = nullptr;  // recurrent targets only
  double* eps_a = nullptr;      // adaptive recurrent targets only
  std::size_t n = 0;
};

class EpropSynapses {
 public:
  // traces: ē and ē_reg per synapse (recurrent targets); adaptive: also ε_a.
  // plastic = false gives static synapses (the benchmark without plasticity): weights only, SEND does
  // nothing, the caller still transmits the weights.
  EpropSynapses(const OptimizerParams& optimizer, bool traces, bool adaptive, std::uint64_t n_global_ids,
                bool plastic = true);
  bool plastic() const { return plastic_; }

  // Adds one synapse; synapses of a source keep the order in which they are added (connection order).
  void add(std::uint64_t source_gid, std::uint32_t target, double weight);
  // Makes the synapses from sources [gid_begin, gid_end) static (a block with synapse "static").
  void make_static(std::uint64_t gid_begin, std::uint64_t gid_end) { static_ranges_.emplace_back(gid_begin, gid_end); }
  // Room for n more add() calls (construction lists only; saves their growth when the count is known).
  void reserve(std::size_t n);
  // Builds the CSR layout. Call once, after the last add().
  void finalize();

  std::size_t sources() const { return source_gid_.size(); }
  std::size_t size() const { return target_.size(); }
  // Index of the source's run, or −1 when this shard holds no synapse from it.
  std::int64_t run_of(std::uint64_t source_gid) const {
    return source_gid < run_index_.size() ? run_index_[source_gid] : -1;
  }
  std::uint64_t source_of_run(std::size_t r) const { return source_gid_[r]; }
  SynapseRun run(std::size_t r);
  std::span<const std::uint32_t> targets(std::size_t r) const {
    return {target_.data() + offset_[r], offset_[r + 1] - offset_[r]};
  }
  std::span<const double> weights(std::size_t r) const { return {w_.data() + offset_[r], offset_[r + 1] - offset_[r]}; }
  const SourceBookkeeping& bookkeeping(std::size_t r) const { return book_[r]; }

  // SEND of docs/numerics.md §9.2 for an event with stamp s from the source of run r. The caller transmits the
  // (updated) weights of a spike afterwards.
  template <class Target>
  void send(std::size_t r, Step s, bool is_flush, const Target& target);

  // Integrates, ahead of the source's next event, every interval whose cutoff window ended before step
  // t (call after phase B of step t, when the learning signals of steps ≤ t−2 are final). Each such
  // source gets the call its next event would make, as if a flush event had arrived at the end of the
  // window (docs/numerics.md §9.5: split intervals give the result of the unsplit one; here the split falls where the
  // loop ends, so even the zpb carry is the same). Nothing is left that reads the window's history,
  // so the archive can drop it: memory stays bounded by the cutoff however long a source is silent.
  // With per-step optimization the early call also moves w before NEST would; the weights NEST would
  // show until the next event are kept aside and reported instead (append_weights).
  template <class Target>
  void integrate_elapsed(Step t, const Target& target);

  // The oldest history step a future compute_gradient may read, over all sources (or `none` when no
  // source has a pending interval). Rows before it can be dropped (docs/numerics.md §11 guarantee).
  Step oldest_step_needed(Step cutoff, Step none) const;

  std::size_t bytes() const;
  const ClosedFormStats& closed_form_stats() const { return stats_; }
  // Appends every weight as NEST would show it now, each source's synapses in connection order; targets
  // are local indices offset by first_target_gid.
  void append_weights(std::uint64_t first_target_gid, std::vector<WeightRecord>& out) const;
  // The same weights as columns: sources ascending, each source's weights by target (stable).
  void weight_columns(WeightColumns& out) const;

  // Checkpoints (docs/architecture.md §7; eprop_synapses_state.cpp): everything a run changes: weights,
  // gradients, traces, optimizer moments, the per-source bookkeeping, the pending cutoff windows and the
  // weights kept aside for reporting. The CSR structure is fixed by the build and only checked (counts
  // and structure_fingerprint()). Both need finalize() first; a failed load leaves the synapses as they
  // were.
  void save_state(StateWriter& w) const;
  void load_state(StateReader& r);
  // Fingerprint of what the build fixed: sources, their runs, targets and which runs are static.
  std::uint64_t structure_fingerprint() const;

 private:
  template <class Target>
  void compute_gradient(std::size_t r, Step s, bool is_flush, const Target& target);
  template <class Target, class RunSteps>
  void closed_window(const Target& target, typename Target::Trace& trace, double& g, double& w, double& c,
                     std::size_t& next_trigger, RunSteps& run_steps, Step n_steps);

  // The proof that cum stays 0 without storage failed (a bug, never an input): names the event.
  [[noreturn]] void throw_unstepped_event(std::size_t r, Step s) const;

  WeightOptimizer optimizer_;
  bool traces_;
  bool adaptive_;
  bool plastic_;
  // Construction-time lists, released by finalize().
  std::vector<std::uint32_t> pending_source_;
  std::vector<std::uint32_t> pending_target_;
  std::vector<double> pending_weight_;
  // CSR by source.
  std::vector<std::int64_t> run_index_;  // global id -> run, −1 if none
  std::vector<std::pair<std::uint64_t, std::uint64_t>> static_ranges_;
  std::vector<std::uint8_t> run_plastic_;
  std::vector<std::uint64_t> source_gid_;
  std::vector<std::size_t> offset_;
  std::vector<SourceBookkeeping> book_;
  std::vector<std::uint32_t> target_;
  std::vector<double> w_, g_, e_bar_, e_bar_reg_, eps_a_;
  std::vector<double> cum_, m_, v_;
  // Per-call scratch, reused to keep the event loop free of allocations.
  std::vector<double> z_bar_steps_;
  OptimizerSchedule schedule_;
  ClosedWindowPlan plan_;
  ClosedFormStats stats_;
  // Sources with a pending cutoff window, by the step at which it has ended (min-heap).
  struct Due {
    Step at;
    std::uint32_t run;
    bool operator>(const Due& o) const { return at != o.at ? at > o.at : run > o.run; }
  };
  std::priority_queue<Due, std::vector<Due>, std::greater<Due>> due_;
  // Weights as NEST shows them, for runs integrated ahead of their next event (integrate_elapsed).
  std::unordered_map<std::size_t, std::vector<double>> reported_weights_;
};

template <class Target>
void EpropSynapses::send(std::size_t r, Step s, bool is_flush, const Target& target) {
  if (!plastic_ || !run_plastic_[r]) return;  // static synapses only transmit
  SourceBookkeeping& b = book_[r];
  if (!reported_weights_.empty()) reported_weights_.erase(r);  // from now on w is what NEST shows
  if (b.t_prev != 0) compute_gradient(r, s, is_flush, target);
  b.t_prev = s;
  b.prev_flush = is_flush;
  // The steps the next event will integrate: the whole cutoff after a spike, what is left after a flush.
  const Step window = is_flush ? b.rem : target.cutoff();
  if (window > 0 && window < kInfiniteSteps) due_.push({s + window, static_cast<std::uint32_t>(r)});
}

template <class Target>
void EpropSynapses::integrate_elapsed(Step t, const Target& target) {
  while (!due_.empty() && due_.top().at <= t) {
    const Due d = due_.top();
    due_.pop();
    SourceBookkeeping& b = book_[d.run];
    const Step window = b.prev_flush ? b.rem : target.cutoff();
    if (b.t_prev == 0 || window <= 0 || b.t_prev + window != d.at) continue;  // superseded by a later event
    if (optimizer_.params().optimize_each_step && !reported_weights_.contains(d.run)) {
      const auto w = weights(d.run);
      reported_weights_.emplace(d.run, std::vector<double>(w.begin(), w.end()));
    }
    compute_gradient(d.run, d.at, /*is_flush=*/true, target);
    b.t_prev = d.at;
    b.prev_flush = true;
  }
}

template <class Target>
void EpropSynapses::compute_gradient(std::size_t r, Step s, bool is_flush, const Target& target) {
  SourceBookkeeping& b = book_[r];
  SynapseRun syn = run(r);
  const std::size_t o = offset_[r];
  double* cum = cum_.empty() ? nullptr : cum_.data() + o;
  double* m = m_.empty() ? nullptr : m_.data() + o;
  double* v = v_.empty() ? nullptr : v_.data() + o;
  const bool each_step = optimizer_.params().optimize_each_step;
  const double P_v = target.P_v();

  // The part shared by all synapses of the source: interval bounds, the z̄ sequence and the optimizer
  // clock (docs/numerics.md §14.10). Each synapse then runs its own recurrence below.
  const Step isi = s - b.t_prev;
  double zc = 0.0;
  const bool new_interval = !b.prev_flush;  // after a flush the interval continues (docs/numerics.md §9.5)
  if (new_interval) {
    b.rem = target.cutoff();
    zc = 1.0;
  }
  const Step t_begin = b.t_prev - 1;
  const Step n_steps = std::min(b.rem, isi);
  target.history.require(t_begin, n_steps);
  z_bar_steps_.resize(static_cast<std::size_t>(n_steps));
  schedule_.clear();
  for (Step k = 0; k < n_steps; ++k) {
    // docs/numerics.md §9.3: the spike stamped t_prev enters z̄ one step after t_begin; zpb carries it over
    // when the loop runs a single step.
    const double z = b.zpb;
    b.zpb = zc;
    zc = 0.0;
    b.z_bar = P_v * b.z_bar + z;
    z_bar_steps_[static_cast<std::size_t>(k)] = b.z_bar;
    if (each_step) optimizer_.plan(t_begin + k + 1, k, b.clock, schedule_);
  }
  b.rem -= n_steps;
  b.decay += isi - n_steps;
  const bool apply_decay = !is_flush && b.decay > 0;
  const bool per_spike_step = !is_flush && !each_step && optimizer_.plan(s - 1, n_steps, b.clock, schedule_);
  if (cum == nullptr && !is_flush && !each_step && !per_spike_step) throw_unstepped_event(r, s);

  // docs/numerics.md §19: after the peel step, the rest of the interval from window summaries where the
  // target keeps them and the result is the loop's up to rounding.
  const bool closed = target.table != nullptr && n_steps > WindowSummaryTable::kShortestWindow &&
                      (!each_step || optimizer_.params().type == OptimizerType::gradient_descent) &&
                      plan_closed_window(target, t_begin, n_steps, z_bar_steps_.data(), schedule_, each_step, plan_);
  (closed ? stats_.closed_windows : stats_.loop_windows) += n_steps > 1 ? 1 : 0;
  const std::size_t first_slot = n_steps > 0 ? target.history.slot(t_begin) : 0;
  for (std::size_t i = 0; i < syn.n; ++i) {
    // Each synapse's first read is a random line of its target neuron (a summary row or the history at
    // t_begin): ask for it a few synapses ahead, so that the misses overlap.
    if (i + kPrefetchAhead < syn.n) {
      const std::uint32_t ahead = syn.target[i + kPrefetchAhead];
      __builtin_prefetch(closed ? target.table->peel_fields(t_begin + 1, ahead)
                                : target.history.neuron(ahead) + first_slot * target.history.fields());
    }
    auto trace = target.load(syn, i);
    double g = new_interval ? 0.0 : syn.g[i];
    double w = syn.w[i];
    double c = cum != nullptr ? cum[i] : 0.0;
    std::size_t next_trigger = 0;
    // What call k of the loop of docs/numerics.md §9.3 does with its Δg.
    auto take = [&](Step k, double dg) {
      if (each_step) {
        g = dg;
        c += g;  // OPT(idx = t + 1, g, w)
        if (next_trigger < schedule_.triggers.size() && schedule_.triggers[next_trigger].call == k) {
          optimizer_.apply(schedule_.triggers[next_trigger++], schedule_, w, c, m ? m + i : nullptr,
                           v ? v + i : nullptr);
        }
      } else {
        g += dg;
      }
    };
    // The loop over calls [from, to).
    auto run_steps = [&](Step from, Step to) {
      for (Step k = from; k < to; ++k) {
        take(k, target.step(trace, (first_slot + static_cast<std::size_t>(k)) & target.history.mask(),
                            z_bar_steps_[static_cast<std::size_t>(k)]));
      }
    };
    if (!closed) {
      run_steps(0, n_steps);
    } else {
      // The peel step, literally, with its history fields from beside the window's first summary.
      take(0, target.step_at(trace, target.table->peel_fields(t_begin + 1, trace.neuron), z_bar_steps_[0]));
      closed_window(target, trace, g, w, c, next_trigger, run_steps, n_steps);
    }
    if (!is_flush && !each_step) {
      c += g;  // OPT(idx = s − 1, g, w), after the decay below (which does not touch g)
      if (per_spike_step)
        optimizer_.apply(schedule_.triggers.back(), schedule_, w, c, m ? m + i : nullptr, v ? v + i : nullptr);
    }
    target.store(trace, syn, i);
    syn.g[i] = g;
    syn.w[i] = w;
    if (cum != nullptr) cum[i] = c;
  }
  if (apply_decay) {
    // docs/numerics.md §9.3: decay over the gap after the cutoff, as one pow (not repeated multiplication).
    b.z_bar *= std::pow(P_v, static_cast<double>(b.decay));
    target.decay(b.decay, syn);
    b.decay = 0;
  }
}

// Calls 1 … n − 1 of one synapse from the plan (docs/numerics.md §19.1), after its peel step. Per spike the
// window's gradient joins g. Per step (gradient descent) the steps up to the last optimizer step move w
// at once by their sum, which is the per-step result when no clamp can trigger in between; a synapse
// whose bound does not rule that out runs the loop instead (docs/numerics.md §19.4).
template <class Target, class RunSteps>
void EpropSynapses::closed_window(const Target& target, typename Target::Trace& trace, double& g, double& w, double& c,
                                  std::size_t& next_trigger, RunSteps& run_steps, Step n_steps) {
  const PlannedPiece* first = plan_.pieces.data();
  const PlannedPiece* second = first + plan_.split;
  const PlannedPiece* last = first + plan_.pieces.size();
  const bool each_step = optimizer_.params().optimize_each_step;
  if (!each_step) {
    g += target.apply_pieces(trace, first, second);
    return;
  }
  if (plan_.fire == nullptr) {
    c += target.apply_pieces(trace, first, second);
    return;
  }
  const OptimizerParams& p = optimizer_.params();
  const auto entering = trace;
  const double reach = plan_.fire->eta / static_cast<double>(p.batch_size) *
                       (std::abs(c) + target.window_bound(trace, first, second, plan_.amplitude));
  const double margin = reach * (1.0 + 1e-6) + 1e-12 * (1.0 + std::abs(w));
  if (!(w - margin > p.Wmin && w + margin < p.Wmax)) {
    ++stats_.clamp_fallbacks;
    trace = entering;
    run_steps(1, n_steps);
    return;
  }
  double total = c + target.apply_pieces(trace, first, second);
  optimizer_.apply(*plan_.fire, schedule_, w, total, nullptr, nullptr);
  c = target.apply_pieces(trace, second, last);
  next_trigger = schedule_.triggers.size();  // every step of the window is done
  if (plan_.tail_by_loop) run_steps(plan_.last_closed + 1, n_steps);
}

}  // namespace eligo
