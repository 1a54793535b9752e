#pragma once
// The readouts (the supervisor's numerics): eprop_readout neurons, their incoming e-prop synapses from
// recurrent neurons, targets, learning window and error history. Each slice it returns the error
// vector ε that the supervisor broadcasts, and the recorded readout and target signals for the loss.
#include <cstdint>
#include <optional>
#include <vector>

#include "runtime/archive/history_archive.hpp"
#include "runtime/models/eprop_readout.hpp"
#include "runtime/models/readout_constants.hpp"
#include "runtime/network/network_description.hpp"
#include "runtime/network/recurrent_shard.hpp"
#include "runtime/network/shard.hpp"
#include "runtime/synapses/eprop_synapses.hpp"
#include "runtime/synapses/inbound_spikes.hpp"
#include "runtime/synapses/summary_algebra.hpp"
#include "runtime/synapses/window_summaries.hpp"

namespace eligo {

struct ReadoutShardConfig {
  ShardPlacement placement;
  ReadoutConstants constants;
  OptimizerParams optimizer;
  std::uint64_t n_global_ids = 0;
  // Supervision: a sample stream (a task), or explicit signals (NEST cases, tests).
  std::optional<SampleStreamPlan> stream;
  std::vector<StepSignal> targets;  // one per readout, without a stream
  StepSignal learning_window;
  HistoryPolicy history = HistoryPolicy::bounded;
  Step delay_from_rec = 1;  // steps
  bool plastic = true;
  bool closed_form = false;  // window summaries for the closed-form interval (docs/numerics.md §19)
};

class ReadoutShard final : public Shard {
 public:
  explicit ReadoutShard(ReadoutShardConfig config);

  void add_synapse(std::uint64_t source_gid, std::uint32_t local_target, double weight);
  void reserve_synapses(std::size_t n) { synapses_.reserve(n); }
  void finalize();

  ShardRole role() const override { return ShardRole::readout; }
  std::uint32_t id() const override { return config_.placement.shard_id; }
  SliceOutput advance(const SliceInput& in) override;
  ShardCounters counters() const override;
  void append_weights(std::vector<WeightRecord>& out) const override;
  void weight_columns(WeightColumns& out) const override { synapses_.weight_columns(out); }
  // Saved: readout state, history, synapses, events in flight, the positions in the target and
  // learning-window signals, and the counters. The signals themselves are fixed by the build (their
  // lengths are checked); a stream is a function of the step and is reopened where the run continues.
  void save_state(StateWriter& w) const override;
  void load_state(StateReader& r) override;

  const ReadoutState& state() const { return state_; }

 private:
  // The value of a step_rate_generator signal that reaches the readout in step t (docs/numerics.md §5.5): the latest
  // amplitude whose time is ≤ t. Steps only move forward, so a cursor suffices.
  struct SignalCursor {
    const StepSignal* signal = nullptr;
    std::size_t next = 0;
    double value = 0.0;
    double at(Step t);
  };

  ReadoutShardConfig config_;
  ReadoutState state_;
  HistoryArchive history_;
  std::optional<ReadoutSummaryAlgebra> algebra_;  // the closed form (docs/numerics.md §19)
  std::optional<WindowSummaryTable> summaries_;
  EpropSynapses synapses_;
  std::vector<SignalCursor> target_cursors_;
  SignalCursor window_cursor_;
  std::optional<SampleStream> stream_;
  std::vector<double> streamed_targets_;
  void advance_step(Step t, std::uint32_t step_offset, SliceOutput& out);

  std::vector<double> input_;
  InboundSpikes inbound_;
  ShardCounters counters_;
};

}  // namespace eligo
