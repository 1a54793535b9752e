#pragma once
// The bookkeeping of one run, shared by the single-process coordinator (coordinator.cpp) and the
// cluster coordinator (cluster/cluster_coordinator.cpp), so that the two differ only in where the
// shards run: it collects the supervisor's iteration reports and the recording, assembles each
// checkpoint from every shard's part (docs/architecture.md §7), counts the shards that are done, sums
// the shards' counters and, at the end, puts the weights in canonical order and digests them.
//
// Callbacks run here. One that throws (a full disk, a failed evaluation) is recorded as the run's
// failure instead of escaping: the coordinator must stop its actors before it reports it.
#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include "actors/coordinator.hpp"
#include "actors/messages.hpp"
#include "runtime/checkpoint/checkpoint_directory.hpp"
#include "runtime/network/shard.hpp"

namespace eligo::actors {

// A complete checkpoint's files as checkpoint_directory.hpp writes them: every shard's blob and actor
// state, and the weights in canonical order (the manifest is the caller's).
CheckpointContents checkpoint_contents(const CheckpointParts& parts);

class RunLedger {
 public:
  // n_shards: every shard of the network (input, recurrent, supervisor), each of which sends one
  // checkpoint part per checkpoint slice and one done message.
  // keep_weights false: the weights are digested shard by shard and not kept (RunOptions::keep_weights);
  // add_weights must then come in shard order.
  // keep_iterations false: only the last iteration report is kept (RunOptions::keep_iterations).
  RunLedger(std::size_t n_shards, const Callbacks& callbacks, bool keep_weights = true, bool keep_iterations = true);

  // Starts the clock that iteration callbacks and simulate_seconds measure.
  void start();
  void on_iteration(const IterationReport& report);
  // False when the part names a shard the network does not have (the caller says who sent it).
  bool on_checkpoint_part(const ShardCheckpointPtr& part);
  void on_recording(Recording recording) { result_.recording = std::move(recording); }
  void on_shard_done() { ++done_; }
  // Stops the clock: every shard is done or the run failed.
  void stop();

  bool all_done() const { return done_ >= n_shards_; }
  // Records why the run stops; the coordinators leave their loop at the first failure.
  void fail(std::string why) { failure_ = std::move(why); }
  bool failed() const { return !failure_.empty(); }
  const std::string& failure() const { return failure_; }
  bool running() const { return !all_done() && !failed(); }

  // After the run: one shard's (or one node's) weights and counters. Spikes count by role; the
  // supervisor's are neither input nor recurrent spikes.
  void add_weights(WeightRecords weights);
  // Without keep_weights: one shard's weight columns, in shard order.
  void add_weight_columns(WeightColumns columns);
  void add_counters(ShardRole role, const ShardCounters& counters);
  // Cluster runs: bytes of data-plane frames one node sent.
  void add_data_plane_bytes(std::uint64_t total, std::uint64_t spike_frames, std::uint64_t error_frames);

  // The result, with the weights in canonical order and their digest.
  RunResult finish();

 private:
  using Clock = std::chrono::steady_clock;
  double elapsed() const;
  template <class F>
  void guarded(F&& f);

  std::size_t n_shards_;
  const Callbacks& callbacks_;
  Clock::time_point start_;
  std::size_t done_ = 0;
  std::string failure_;
  std::map<Step, CheckpointParts> checkpoints_;  // by slice, until every shard's part is in
  RunResult result_;
  bool keep_weights_ = true;
  bool keep_iterations_ = true;
  std::vector<WeightColumns> weight_parts_;  // without keep_weights: one per shard, in shard order
};

}  // namespace eligo::actors
