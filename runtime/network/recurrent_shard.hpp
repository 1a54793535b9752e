#pragma once
// A shard of a recurrent e-prop population: neuron state, incoming e-prop synapses (from inputs and
// recurrent neurons), feedback weights B_jk and archived history of its neurons.
#include <algorithm>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "runtime/archive/history_archive.hpp"
#include "runtime/models/recurrent_constants.hpp"
#include "runtime/models/recurrent_state.hpp"
#include "runtime/network/pending_errors.hpp"
#include "runtime/network/shard.hpp"
#include "runtime/synapses/eprop_synapses.hpp"
#include "runtime/synapses/inbound_spikes.hpp"
#include "runtime/synapses/summary_algebra.hpp"
#include "runtime/synapses/window_summaries.hpp"

namespace eligo {

// bounded: integrate elapsed cutoff windows early and drop history steps no pending update can read
// (docs/numerics.md §11 guarantee). keep_all: never drop, integrate every interval at the next event, literally as
// docs/numerics.md §9 says (a reference for tests: it must give identical weights).
enum class HistoryPolicy { bounded, keep_all };

struct RecurrentShardConfig {
  ShardPlacement placement;
  RecurrentConstants constants;
  OptimizerParams optimizer;
  std::uint64_t n_global_ids = 0;
  HistoryPolicy history = HistoryPolicy::bounded;
  std::uint64_t first_rec_gid = 0;  // senders below it are inputs
  Step delay_from_input = 1;        // steps
  Step delay_from_rec = 1;
  Step feedback_delay = 1;     // readout error → learning signal
  bool plastic = true;         // false: static synapses and no history
  bool inputs_plastic = true;  // synapses from the inputs (in_rec block)
  bool recs_plastic = true;    // synapses from recurrent neurons (rec_rec block)
  bool closed_form = false;    // window summaries for the closed-form interval (docs/numerics.md §19)
};

// Copies the synapses' counts of closed-form and loop windows into a shard's counters.
inline void record_closed_form_stats(const ClosedFormStats& s, ShardCounters& c) {
  c.closed_windows = s.closed_windows;
  c.loop_windows = s.loop_windows;
  c.clamp_fallbacks = s.clamp_fallbacks;
}

class RecurrentShard final : public Shard {
 public:
  // Phase C over all neurons with one model (chosen once per shard).
  using UpdateNeurons = void (*)(Step, std::uint32_t, const double*, const RecurrentConstants&, RecurrentState&,
                                 HistoryArchive&, SpikeBatch&);

  explicit RecurrentShard(const RecurrentShardConfig& config);

  // Construction: add synapses, feedback and forced inputs, then finalize() once.
  void add_synapse(std::uint64_t source_gid, std::uint32_t local_target, double weight);
  void reserve_synapses(std::size_t n) { synapses_.reserve(n); }
  void add_feedback(std::uint32_t readout, std::uint32_t local_target, double weight);
  // A static input of `weight` into neuron local_target in step `step` (an extra spike generator,
  // docs/numerics.md §5.5: it enters the input sum before the spikes of phase B). Order of calls is kept.
  void add_forced_input(Step step, std::uint32_t local_target, double weight);
  void add_final_update_spike(Step step, double weight) override;
  void finalize();

  ShardRole role() const override { return ShardRole::recurrent; }
  std::uint32_t id() const override { return config_.placement.shard_id; }
  SliceOutput advance(const SliceInput& in) override;
  ShardCounters counters() const override;
  void append_weights(std::vector<WeightRecord>& out) const override;
  void weight_columns(WeightColumns& out) const override { synapses_.weight_columns(out); }
  // Saved: neuron state, history, synapses, events and errors still in flight, the forced-input cursor
  // and the counters. Fixed by the build, only checked: synapse structure, feedback, forced inputs.
  void save_state(StateWriter& w) const override;
  void load_state(StateReader& r) override;

  const RecurrentState& state() const { return state_; }
  const HistoryArchive& history() const { return history_; }
  const EpropSynapses& synapses() const { return synapses_; }

 private:
  struct Feedback {
    std::uint32_t readout;
    std::uint32_t local_target;
    double weight;
  };
  struct ForcedInput {
    Step step;
    std::uint32_t local_target;
    double weight;
  };

  void advance_step(Step t, std::uint32_t step_offset, SpikeBatch& out);
  Step max_delay() const { return std::max(config_.delay_from_input, config_.delay_from_rec); }
  void write_learning_signals(const PendingErrors& errors);
  void erase_history(Step t);

  RecurrentShardConfig config_;
  RecurrentState state_;
  HistoryArchive history_;
  // The closed form (docs/numerics.md §19): summaries of the history's windows, filled as steps become final.
  std::optional<RecurrentSummaryAlgebra> algebra_;
  std::optional<WindowSummaryTable> summaries_;
  EpropSynapses synapses_;
  std::vector<Feedback> feedback_;   // sorted by readout, connection order within a readout (docs/numerics.md §7)
  std::vector<ForcedInput> forced_;  // sorted by step, call order within a step
  std::size_t forced_cursor_ = 0;
  std::vector<double> input_;  // x_t: summed spike input of the current step
  InboundSpikes inbound_;
  PendingErrorQueue errors_;
  UpdateNeurons update_neurons_;
  ShardCounters counters_;
};

}  // namespace eligo
