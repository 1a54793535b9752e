#pragma once
// Every message that crosses an actor boundary, declared once (docs/architecture.md §5). Inside one process
// spike and error batches travel as pointers to immutable batches: one allocation per slice and sender,
// shared by every receiver, never copied. proto/eligo/messages.proto is their wire form.
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "runtime/core/spike_batch.hpp"
#include "runtime/core/weight_record.hpp"
#include "runtime/network/shard.hpp"

namespace eligo::actors {

using SpikeBatchPtr = std::shared_ptr<const SpikeBatch>;
using ErrorBatchPtr = std::shared_ptr<const ErrorBatch>;
using WeightRecords = std::vector<WeightRecord>;

// Control messages (coordinator ↔ actors).
// (run_atom, RunSpec): run the slices the spec names.
using run_atom = caf::atom_constant<caf::atom("run")>;
// (resume_atom, ResumePtr), before run_atom: the actor's shard has been restored from a checkpoint.
using resume_atom = caf::atom_constant<caf::atom("resume")>;
// (checkpoint_atom, ShardCheckpointPtr): an actor's state after a checkpoint slice, to the coordinator.
using checkpoint_atom = caf::atom_constant<caf::atom("ckpt")>;
using done_atom = caf::atom_constant<caf::atom("done")>;            // (done_atom, shard id): reached the end
using weights_atom = caf::atom_constant<caf::atom("weights")>;      // request: reply WeightRecords
using columns_atom = caf::atom_constant<caf::atom("wcolumns")>;     // request: reply WeightColumns
using counters_atom = caf::atom_constant<caf::atom("counters")>;    // request: reply ShardCounters
using iteration_atom = caf::atom_constant<caf::atom("iteration")>;  // supervisor → coordinator metrics
using recording_atom = caf::atom_constant<caf::atom("recording")>;  // supervisor → coordinator, once
// An open-ended run (a streaming session, docs/architecture.md §10) grows while it runs:
// (limit_atom, Step slices): the actor may run slices up to slices − 1 (a limit only ever rises);
using limit_atom = caf::atom_constant<caf::atom("limit")>;
// (finish_atom, RunEnd): the run ends after run_end.n_steps steps, with the final-update spike given;
using finish_atom = caf::atom_constant<caf::atom("finish")>;
// (cut_atom, Step slice): take a checkpoint after this slice too (one the actor has not run yet).
using cut_atom = caf::atom_constant<caf::atom("cut")>;

inline constexpr Step kNoSliceLimit = std::numeric_limits<Step>::max();

// What an actor runs: steps 0 … n_steps−1 in slices of slice_steps, from start_slice on (after a
// resume), taking a checkpoint after each slice in checkpoint_slices.
struct RunSpec {
  Step slice_steps = 1;
  Step n_steps = 0;
  Step start_slice = 0;
  std::vector<Step> checkpoint_slices;  // ascending
  Step limit = kNoSliceLimit;           // open-ended runs start at 0 and rise with limit_atom
};

// How an open-ended run ends: its length, and (final_update_step ≥ 0) the strong spike that makes
// every synapse run its pending update before the weights are read (runtime/data/tasks/task_timing.hpp).
struct RunEnd {
  Step n_steps = 0;
  Step final_update_step = -1;
  double final_update_weight = 0.0;
};

// One actor's part of a checkpoint (docs/architecture.md §7): its shard's blob (state and last output,
// runtime/checkpoint/shard_checkpoint.hpp), the actor's own state (the supervisor's partial metrics),
// and the shard's weights at that slice (for held-out evaluations and the checkpoint's weights file).
struct ShardCheckpoint {
  Step slice = 0;
  std::uint32_t shard_id = 0;
  std::string blob;
  std::string actor_state;
  WeightRecords weights;
};
using ShardCheckpointPtr = std::shared_ptr<const ShardCheckpoint>;

// What a restored actor needs besides its shard: the output to send again and its own state.
struct ResumeState {
  SliceOutput output;  // of the checkpoint slice
  std::string actor_state;
};
using ResumePtr = std::shared_ptr<const ResumeState>;

// What the supervisor reports at the end of every training iteration.
// One sequence (sample) of an iteration, as the readouts answered it: the mean of each readout over
// the sequence's last accuracy-window steps, the readout with the largest (classification) and the
// label its target names.
struct SequenceOutcome {
  std::vector<double> scores;
  std::uint32_t prediction = 0;
  std::uint32_t label = 0;
};

struct IterationReport {
  std::int64_t iteration = 0;  // 0-based
  double loss = 0.0;
  double accuracy = -1.0;                  // classification only; −1: not a classification task
  std::uint64_t rec_spikes = 0;            // recurrent spikes during the iteration
  std::vector<SequenceOutcome> sequences;  // classification: one per sequence of the iteration
};

// The recurrent spikes, readout and target signals of one recorded stretch of steps (for plots).
struct Recording {
  Step first_step = 0;
  std::size_t n_out = 0;
  std::vector<std::pair<Step, std::uint32_t>> rec_spikes;  // (step, recurrent neuron index)
  std::vector<double> readout_signal, target_signal;       // step-major, n_out per step
};

}  // namespace eligo::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(eligo::actors::SpikeBatchPtr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(eligo::actors::ErrorBatchPtr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(eligo::actors::WeightRecords)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(eligo::ShardCounters)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(eligo::WeightColumns)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(eligo::actors::IterationReport)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(eligo::actors::Recording)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(eligo::actors::RunSpec)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(eligo::actors::RunEnd)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(eligo::actors::ShardCheckpointPtr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(eligo::actors::ResumePtr)
