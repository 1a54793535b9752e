#pragma once
// The coordinator: builds the network, places one actor per shard on CAF's scheduler (--threads
// workers), runs the slices and, at the end, asks every shard for its weights and counters. What the
// actors report (iterations, checkpoint parts, the recording, totals) goes into a RunLedger
// (run_ledger.hpp), as in a cluster run (docs/architecture.md §6.1). A failing actor stops the run
// with an error that names it.
#include <caf/actor.hpp>
#include <caf/fwd.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "actors/messages.hpp"
#include "actors/supervisor_actor.hpp"
#include "runtime/network/network_builder.hpp"
#include "runtime/network/network_description.hpp"

namespace eligo::actors {

// A run restored from a checkpoint: per shard (parallel to the built network's shards) its blob and
// its actor's state, all taken after the same slice.
struct ResumeFrom {
  std::vector<std::string> blobs;
  std::vector<std::string> actor_states;
  Step slice = -1;  // the checkpoint's slice (its manifest's; cluster runs do not open the blobs)
};

struct RunOptions {
  std::uint32_t threads = 1;
  std::uint32_t shards = 1;  // recurrent shards
  std::uint32_t input_shards = 1;
  HistoryPolicy history = HistoryPolicy::bounded;
  std::vector<Step> checkpoint_slices;  // ascending; a checkpoint after each
  const ResumeFrom* resume = nullptr;   // continue after the checkpoint's slice
  // An open-ended run (a streaming session, docs/architecture.md §10): the actors run no slice until
  // limit_atom allows it, and the run ends when finish_atom gives its length.
  bool open_ended = false;
  // false: RunResult::weights stays empty and only their count and digest are kept, which saves a
  // list of every synapse at the end of the run (eligo bench, a million neurons).
  bool keep_weights = true;
  // false: RunResult::iterations holds only the last report (Callbacks::on_iteration sees every one),
  // so that a long run or a stream keeps no list that grows with its iterations.
  bool keep_iterations = true;
};

// Every actor's part of one checkpoint, parallel to the network's shards.
struct CheckpointParts {
  Step slice = 0;
  std::vector<ShardCheckpointPtr> shards;
};

struct RunResult {
  std::vector<IterationReport> iterations;
  std::optional<Recording> recording;  // when the plan asks for one
  std::string weights_digest;
  std::vector<WeightRecord> weights;  // canonical order (empty without RunOptions::keep_weights)
  std::uint64_t n_weights = 0;
  std::uint64_t rec_spikes = 0;
  std::uint64_t input_spikes = 0;
  std::uint64_t synaptic_events = 0;
  std::size_t history_entries_max = 0;  // sum over shards of each shard's largest archive
  std::size_t synapse_bytes = 0;
  std::size_t history_bytes_max = 0;  // sum over shards of each shard's largest history buffer
  // Windows integrated from summaries, by the loop, and by the loop after a failed no-clamp test
  // (docs/numerics.md §19), summed over the plastic shards.
  std::uint64_t closed_windows = 0, loop_windows = 0, clamp_fallbacks = 0;
  double build_seconds = 0.0;
  double simulate_seconds = 0.0;
  std::uint64_t data_bytes_sent = 0;    // cluster runs: bytes of data-plane frames sent between nodes
  std::uint64_t spike_frame_bytes = 0;  // of which spike batches
  std::uint64_t error_frame_bytes = 0;  // and error batches
};

class RunFailed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using IterationCallback = std::function<void(const IterationReport&, double elapsed_seconds)>;
using CheckpointCallback = std::function<void(CheckpointParts&&)>;

// The actors of a running network, parallel to its shards, for whoever steers an open-ended run.
struct RunningNetwork {
  std::vector<caf::actor> actors;
  std::vector<ShardRole> roles;
};
using StartedCallback = std::function<void(const RunningNetwork&)>;

struct Callbacks {
  IterationCallback on_iteration;
  CheckpointCallback on_checkpoint;  // when every actor has delivered its part
  StartedCallback on_started;        // once every actor has its run spec
};

// Runs steps 0 … n_steps−1 of the network.
RunResult run_network(const NetworkDescription& network, Step n_steps, const IterationPlan& plan,
                      const RunOptions& options, const Callbacks& callbacks = {});

// Runs shards that are already built (one actor each); options.shards and input_shards are ignored.
RunResult run_shards(BuiltNetwork built, Step n_steps, const IterationPlan& plan, const RunOptions& options,
                     const Callbacks& callbacks = {});

// The same on an actor system the caller shares with other runs (options.threads is then the system's
// business). Blocks the calling thread until the run ends.
RunResult run_shards_on(caf::actor_system& sys, BuiltNetwork built, Step n_steps, const IterationPlan& plan,
                        const RunOptions& options, const Callbacks& callbacks = {});

}  // namespace eligo::actors
