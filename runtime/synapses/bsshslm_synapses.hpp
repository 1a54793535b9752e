#pragma once
// eprop_synapse_bsshslm_2020: the synapses of NEST's original e-prop (docs/numerics.md §16), for every synapse
// that ends in one shard. Weights change only at update-interval boundaries. Per presynaptic event with stamp s
// (shift: 2 for rec targets, 3 for readouts; t_next: the end of the interval of the source's last update):
//
//   flush after flush: ignored
//   spike after a flush: t_prev = t_trigger = s                     (the spike-time markers restart here)
//   rec target and (s − shift) mod T = 0: discarded (not transmitted, nothing else changes)
//   t_prev > 0: isis += min(s, t_next + shift) − t_prev             (inter-spike intervals, cut at the interval end)
//   s > t_next + shift:                                             (the first event after a boundary)
//       idx = (s − shift) div T;  g = gradient of the stored interval (the Target policy), isis cleared
//       flush: pending += g                                         (computed now, applied by the next spike)
//       spike: w = OPT(idx, pending + g), pending = 0
//       t_prev_update = idx·T;  t_next = idx·T + T;  t_trigger = s
//   else if a spike after a flush: w = OPT((s − shift) div T, pending), pending = 0
//   spike: t_prev = s, transmit w·multiplicity
//
// All synapses of one source in one shard see the same events, so the markers, the intervals and the optimizer's
// clock are kept once per source (as for the event-driven synapses, docs/numerics.md §14.10); w, the optimizer's
// accumulated gradient, Adam's moments and the pending gradient are per synapse.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "runtime/core/time.hpp"
#include "runtime/core/weight_record.hpp"
#include "runtime/network/network_description.hpp"
#include "runtime/optimizers/weight_optimizer.hpp"

namespace eligo {

class StateReader;
class StateWriter;

struct BsshslmSourceState {
  Step t_spike_previous = 0;
  Step t_previous_update = 0;
  Step t_next_update = 0;
  Step t_previous_trigger = 0;
  bool previous_was_flush = false;
  std::vector<Step> isis;
  OptimizerClock clock;
};

class BsshslmSynapses {
 public:
  // target_is_recurrent: rec targets discard spikes in an interval's first step (NEST's rule); readouts do not.
  // learning false: spikes are transmitted (and discarded) as usual, but no gradient is computed and w stays.
  BsshslmSynapses(const OptimizerParams& optimizer, Step update_interval, Step shift, bool target_is_recurrent,
                  std::uint64_t n_global_ids, bool learning = true);

  // Construction: kappa is the synapse's exp(−h/tau_m_readout), one per source (the block's).
  void add(std::uint64_t source_gid, std::uint32_t local_target, double weight, double kappa);
  void finalize();

  std::int64_t run_of(std::uint64_t gid) const { return gid < run_of_gid_.size() ? run_of_gid_[gid] : -1; }
  std::size_t size() const { return w_.size(); }
  std::size_t runs() const { return source_gid_.size(); }
  std::size_t bytes() const;
  const BsshslmSourceState& source(std::size_t r) const { return sources_[r]; }
  std::uint64_t source_gid(std::size_t r) const { return source_gid_[r]; }

  // One event of source run r with stamp s. Target::gradient(j, kappa, t_trigger, isis, t_previous_update) returns
  // one synapse's interval gradient. Adds w·multiplicity to input[target] for a transmitted spike; returns the
  // number of synapses it went through.
  template <class Target>
  std::size_t send(std::size_t r, Step s, bool is_flush, std::uint32_t multiplicity, const Target& target,
                   double* input);

  // The intervals (history blocks) the sources' next updates will read, sorted: their trigger's interval and,
  // with_update_interval, the interval of their last update (whose regularization a rec target adds).
  std::vector<Step> intervals_in_use(bool with_update_interval) const;

  void append_weights(std::uint64_t first_target_gid, std::vector<WeightRecord>& out) const;
  void weight_columns(WeightColumns& out) const;

  void save_state(StateWriter& w) const;
  void load_state(StateReader& r);

 private:
  void optimize(std::size_t r, Step idx, const double* g);

  WeightOptimizer optimizer_;
  Step interval_, shift_;
  bool target_is_recurrent_;
  bool learning_;
  std::vector<std::int64_t> run_of_gid_;
  // Construction lists, grouped by source in finalize().
  struct Pending {
    std::uint64_t source;
    std::uint32_t target;
    double weight;
    double kappa;
  };
  std::vector<Pending> building_;
  // Per source run.
  std::vector<std::uint64_t> source_gid_;
  std::vector<std::size_t> offset_;  // synapses of run r: [offset_[r], offset_[r+1])
  std::vector<double> kappa_;
  std::vector<BsshslmSourceState> sources_;
  // Per synapse.
  std::vector<std::uint32_t> target_;
  std::vector<double> w_, cum_, m_, v_, pending_;
  std::vector<double> scratch_;  // one gradient per synapse of a run
};

template <class Target>
std::size_t BsshslmSynapses::send(std::size_t r, Step s, bool is_flush, std::uint32_t multiplicity,
                                  const Target& target, double* input) {
  BsshslmSourceState& src = sources_[r];
  if (is_flush && src.previous_was_flush) return 0;
  const bool spike_after_flush = !is_flush && src.previous_was_flush;
  if (spike_after_flush) {
    src.t_spike_previous = s;
    src.t_previous_trigger = s;
  }
  if (target_is_recurrent_ && (s - shift_) % interval_ == 0) return 0;
  const std::size_t first = offset_[r], n = offset_[r + 1] - first;
  if (!learning_) {
    if (is_flush) return 0;
    const double mult = static_cast<double>(multiplicity);
    for (std::size_t i = first; i < first + n; ++i) input[target_[i]] += w_[i] * mult;
    return n;
  }
  if (src.t_previous_trigger == 0) src.t_previous_trigger = s;
  const Step boundary = src.t_next_update + shift_;
  if (src.t_spike_previous > 0) src.isis.push_back((s >= boundary ? boundary : s) - src.t_spike_previous);

  if (s > boundary) {
    const Step idx = (s - shift_) / interval_;
    for (std::size_t i = 0; i < n; ++i) {
      scratch_[i] =
          target.gradient(target_[first + i], kappa_[r], src.t_previous_trigger, src.isis, src.t_previous_update);
    }
    src.isis.clear();
    if (is_flush) {
      for (std::size_t i = 0; i < n; ++i) pending_[first + i] += scratch_[i];
    } else {
      for (std::size_t i = 0; i < n; ++i) {
        scratch_[i] = pending_[first + i] + scratch_[i];
        pending_[first + i] = 0.0;
      }
      optimize(r, idx, scratch_.data());
    }
    src.t_previous_update = idx * interval_;
    src.t_next_update = src.t_previous_update + interval_;
    src.t_previous_trigger = s;
  } else if (spike_after_flush) {
    for (std::size_t i = 0; i < n; ++i) {
      scratch_[i] = pending_[first + i];
      pending_[first + i] = 0.0;
    }
    optimize(r, (s - shift_) / interval_, scratch_.data());
  }
  src.previous_was_flush = is_flush;
  if (is_flush) return 0;
  src.t_spike_previous = s;
  const double mult = static_cast<double>(multiplicity);
  for (std::size_t i = first; i < first + n; ++i) input[target_[i]] += w_[i] * mult;
  return n;
}

}  // namespace eligo
