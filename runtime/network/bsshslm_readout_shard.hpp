#pragma once
// The readouts of NEST's original e-prop (docs/numerics.md §16): eprop_readout_bsshslm_2020 neurons with mean
// squared error or cross-entropy (the softmax over readouts, which NEST forms with rate connections between
// them), their incoming eprop_synapse_bsshslm_2020 synapses, targets and error history. Each slice it returns
// the errors ε the supervisor broadcasts and the recorded readout and target signals (already 0 outside the
// learning window, as NEST's multimeter records them).
#include <cstdint>
#include <optional>
#include <vector>

#include "runtime/archive/interval_history.hpp"
#include "runtime/data/sources/sample_stream.hpp"
#include "runtime/models/eprop_readout_bsshslm.hpp"
#include "runtime/network/network_description.hpp"
#include "runtime/network/shard.hpp"
#include "runtime/synapses/bsshslm_synapses.hpp"
#include "runtime/synapses/inbound_spikes.hpp"

namespace eligo {

struct BsshslmReadoutShardConfig {
  ShardPlacement placement;
  BsshslmReadoutConstants constants;
  OptimizerParams optimizer;
  BsshslmSettings settings;
  double resolution_ms = 1.0;
  std::uint64_t n_global_ids = 0;
  std::optional<SampleStreamPlan> stream;  // a task's targets, or
  std::vector<StepSignal> targets;         // one signal per readout (NEST cases, tests)
  // Cross-entropy: normalization[k·n + k'] is the weight of the rate connection k' → k (0: none, k' = k unused).
  std::vector<double> normalization;
  bool learning = true;  // false: the weights stay as built (a held-out evaluation)
};

class BsshslmReadoutShard final : public Shard {
 public:
  explicit BsshslmReadoutShard(BsshslmReadoutShardConfig config);

  void add_synapse(std::uint64_t source_gid, std::uint32_t local_target, double weight);
  void finalize();

  ShardRole role() const override { return ShardRole::readout; }
  std::uint32_t id() const override { return config_.placement.shard_id; }
  SliceOutput advance(const SliceInput& in) override;
  ShardCounters counters() const override { return counters_; }
  void append_weights(std::vector<WeightRecord>& out) const override;
  void weight_columns(WeightColumns& out) const override { synapses_.weight_columns(out); }
  void save_state(StateWriter& w) const override;
  void load_state(StateReader& r) override;

 private:
  void advance_step(Step t, std::uint32_t step_offset, SliceOutput& out);
  void erase_history(Step block);

  BsshslmReadoutShardConfig config_;
  BsshslmReadoutState state_;
  IntervalHistory history_;
  BsshslmSynapses synapses_;
  double kappa_;
  // Per readout: the next amplitude of its target signal and the generator's current value.
  std::vector<std::size_t> target_next_;
  std::vector<double> target_value_;
  std::optional<SampleStream> stream_;
  std::vector<double> streamed_targets_;
  std::vector<double> input_, others_;
  InboundSpikes inbound_;
  ShardCounters counters_;
};

}  // namespace eligo
