#pragma once
// A shard of a recurrent population of NEST's original e-prop (docs/numerics.md §16): eprop_iaf_bsshslm_2020 and
// eprop_iaf_adapt_bsshslm_2020 neurons (a shard may hold both), their incoming eprop_synapse_bsshslm_2020
// synapses, the feedback weights B_jk and the interval history. The same seam as RecurrentShard (shard.hpp); one
// step t runs
//   A. the readout errors of step t − 1 become learning signals of history step t − 3 (NEST's shift of 3);
//   B. the events stamped t go through the synapses (updates at interval boundaries), spikes into x(t);
//   C. the neurons update, emit spikes or flush events, archive ψ(t) and, at an interval's end, fr_reg.
#include <cstdint>
#include <vector>

#include "runtime/archive/interval_history.hpp"
#include "runtime/models/eprop_iaf_bsshslm.hpp"
#include "runtime/network/network_description.hpp"
#include "runtime/network/pending_errors.hpp"
#include "runtime/network/shard.hpp"
#include "runtime/synapses/bsshslm_synapses.hpp"
#include "runtime/synapses/inbound_spikes.hpp"

namespace eligo {

// NEST's history shifts of this variant (docs/numerics.md §16): offset_gen + delay_in_rec for rec neurons, one
// more (delay_rec_out) for readouts, and one more again (delay_out_norm) for the readouts' signals.
inline constexpr Step kBsshslmRecurrentShift = 2;
inline constexpr Step kBsshslmReadoutShift = 3;
inline constexpr Step kBsshslmLearningSignalShift = 3;

struct BsshslmRecurrentShardConfig {
  ShardPlacement placement;
  std::vector<BsshslmNeuronConstants> groups;
  std::vector<std::uint32_t> group_of;  // per local neuron
  OptimizerParams optimizer;
  BsshslmSettings settings;
  double resolution_ms = 1.0;
  std::uint64_t n_global_ids = 0;
  std::uint64_t first_rec_gid = 0;  // senders below it are inputs
  bool learning = true;             // false: the weights stay as built (a held-out evaluation)
};

class BsshslmRecurrentShard final : public Shard {
 public:
  explicit BsshslmRecurrentShard(BsshslmRecurrentShardConfig config);

  void add_synapse(std::uint64_t source_gid, std::uint32_t local_target, double weight);
  void add_feedback(std::uint32_t readout, std::uint32_t local_target, double weight);
  void finalize();

  ShardRole role() const override { return ShardRole::recurrent; }
  std::uint32_t id() const override { return config_.placement.shard_id; }
  SliceOutput advance(const SliceInput& in) override;
  ShardCounters counters() const override { return counters_; }
  void append_weights(std::vector<WeightRecord>& out) const override;
  void weight_columns(WeightColumns& out) const override { synapses_.weight_columns(out); }
  void save_state(StateWriter& w) const override;
  void load_state(StateReader& r) override;

  const BsshslmNeuronState& state() const { return state_; }

 private:
  struct Feedback {
    std::uint32_t readout, local_target;
    double weight;
  };
  void advance_step(Step t, std::uint32_t step_offset, SpikeBatch& out);
  void erase_history(Step block);

  BsshslmRecurrentShardConfig config_;
  std::vector<const BsshslmNeuronConstants*> constants_;  // per local neuron
  BsshslmNeuronState state_;
  IntervalHistory history_;
  BsshslmSynapses synapses_;
  double kappa_in_, kappa_rec_;
  std::vector<Feedback> feedback_;
  std::vector<double> input_;
  InboundSpikes inbound_;
  PendingErrorQueue errors_;
  ShardCounters counters_;
};

}  // namespace eligo
