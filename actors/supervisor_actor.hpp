#pragma once
// The supervisor: owns the readouts (their neurons, incoming e-prop synapses, targets and error
// history, all inside a readout shard), broadcasts the error vector ε of every slice to the recurrent
// shards (docs/architecture.md §3), records the readout and target signals, and reports the loss (and, for
// classification, the accuracy) of every iteration to the coordinator, plus one recorded stretch of
// spikes and signals for plots.
#include "actors/slice_actor.hpp"
#include "runtime/losses/classification_accuracy.hpp"
#include "runtime/losses/regression_loss.hpp"
#include "runtime/models/model_parameters.hpp"

namespace eligo::actors {

// Which steps form the training iterations whose loss is reported (docs/numerics.md §15).
struct IterationPlan {
  Step first_step = 0;  // first recorded step of iteration 0
  std::int64_t sequence = 0;
  std::int64_t group_size = 1;
  std::int64_t n_iter = 0;
  Step accuracy_window = 0;  // classification: last steps of a sequence that decide (0: regression)
  // One stretch of steps whose spikes and signals are sent to the coordinator (record_steps 0: none).
  Step record_first_step = 0;
  Step record_steps = 0;
  std::uint64_t rec_first_gid = 0;  // global id of recurrent neuron 0
  // The loss over samples [in_sequence_first, in_sequence_last] of each sequence (last < 0: to its end).
  ReadoutLoss loss_function = ReadoutLoss::mean_squared_error;
  std::int64_t in_sequence_first = 0, in_sequence_last = -1;
  Step steps_per_iteration() const { return sequence * group_size; }
};

class SupervisorActor final : public SliceActor {
 public:
  SupervisorActor(caf::actor_config& cfg, std::shared_ptr<Shard> readouts, std::uint32_t feeders,
                  caf::actor coordinator, IterationPlan plan);
  const char* name() const override { return "eligo.supervisor"; }

 protected:
  void send_output(SliceOutput& out) override;
  void observe(Step slice, const SliceOutput& out) override;
  std::string save_actor_state() const override;
  void load_actor_state(std::string_view state) override;

 private:
  void report_iteration(std::int64_t iteration);
  void record(Step first, Step steps, const SliceOutput& out);

  IterationPlan plan_;
  RecordedSignals recorded_;
  Recording recording_;
  bool recording_sent_ = false;
  std::uint64_t rec_spikes_ = 0;
};

}  // namespace eligo::actors
