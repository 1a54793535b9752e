#pragma once
// One training run from a config to its output directory (docs/architecture.md §9), whoever starts
// it: `eligo train` today, a streaming server later. The session owns what happens around the
// shards: the resume checks (same config digest as the checkpoint, the checkpoint's shard counts),
// the checkpoint and evaluation schedule, the checkpoints and their manifests, held-out evaluations,
// metrics.jsonl and evaluations.jsonl as the run goes, the recording and summary.json at its end, and
// on a failure the command that continues from the last complete checkpoint. It reports progress to
// a TrainingObserver; where the shards run is its RunBackend's business.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/coordinator.hpp"
#include "actors/session/run_backend.hpp"
#include "actors/session/run_directory.hpp"
#include "actors/session/training_events.hpp"
#include "actors/session/training_schedule.hpp"
#include "actors/supervisor_actor.hpp"
#include "runtime/checkpoint/checkpoint_directory.hpp"
#include "runtime/config/training_config.hpp"

namespace eligo::session {

struct ClusterTarget {
  std::filesystem::path file;  // cluster file (actors/cluster/cluster_file.hpp)
  bool insecure = false;       // plain TCP, no TLS
};

struct TrainingRequest {
  std::filesystem::path config;
  std::filesystem::path out;     // empty: out/<config name>
  std::filesystem::path resume;  // a run or checkpoint directory; empty: a new run
  actors::RunOptions run;        // threads, shards; checkpoint_slices and resume are the session's
  ConfigOverrides overrides;
  std::optional<ClusterTarget> cluster;  // run on node daemons
  bool shards_given = false;             // else cluster runs use one recurrent shard per node thread
  // Cluster runs: how many times a run that lost nodes carries on without them, from the last
  // complete checkpoint (train --restart).
  std::uint32_t restarts = 0;
};

struct TrainingOutcome {
  RunSummary summary;
  std::filesystem::path summary_file;
};

class TrainingSession {
 public:
  // Loads the config, checks the checkpoint to resume from and opens the output files (dropping what
  // a resumed run wrote after its checkpoint). Throws when the config or checkpoint is unusable.
  explicit TrainingSession(const TrainingRequest& request);
  ~TrainingSession();
  TrainingSession(const TrainingSession&) = delete;
  TrainingSession& operator=(const TrainingSession&) = delete;

  const TrainingSetup& setup() const { return setup_; }
  const std::filesystem::path& out() const { return out_; }

  // Replaces where the shards run and where their input comes from (by default the config's task, in
  // this process or on the request's cluster).
  void use_backend(std::unique_ptr<RunBackend> backend);

  // Runs to the end and writes the recording and summary.json. Throws actors::RunFailed, saying how
  // to continue when a checkpoint was written, if the run fails (after the request's restarts, when
  // the backend could recover from the failure).
  TrainingOutcome run(TrainingObserver& observer);

 private:
  // Recurrent neurons below which another shard only adds messages (in-process runs).
  static constexpr std::uint32_t kMinNeuronsPerShard = 250;
  void resume_from(const std::filesystem::path& resume);
  void fit_shards_to_network();
  void plan_checkpoints();
  // Prepares the next attempt after `failure`, or returns false when there is none.
  bool recover(const actors::RunFailed& failure);
  void on_iteration(const actors::IterationReport& it, double elapsed, TrainingObserver& observer);
  void on_checkpoint(const actors::CheckpointParts& parts, TrainingObserver& observer);
  void write_checkpoint_after(std::int64_t iteration, const actors::CheckpointParts& parts,
                              CheckpointContents& contents, TrainingObserver& observer);
  std::string how_to_continue() const;
  RunSummary summarize(const actors::RunResult& r) const;

  const TrainingRequest request_;
  const TrainingSetup setup_;
  const std::filesystem::path out_;
  const std::string digest_;
  const actors::IterationPlan plan_;
  const Step slice_steps_;
  actors::RunOptions run_;
  std::optional<CheckpointManifest> resumed_;           // the checkpoint's manifest when resuming
  std::optional<std::int64_t> resumed_from_iteration_;  // --resume (not a recovery)
  actors::ResumeFrom from_;
  std::int64_t done_iterations_ = 0;
  std::unique_ptr<RunDirectoryWriter> writer_;
  std::unique_ptr<RunBackend> backend_;
  TrainingSchedule schedule_;

  // What the run has reported so far.
  double best_loss_;
  std::uint64_t total_spikes_ = 0;
  bool reported_iteration_ = false;
  std::string last_checkpoint_;
  std::optional<actors::EvaluationResult> held_out_;
  std::vector<RunSummary::Recovery> recoveries_;
  std::optional<std::chrono::steady_clock::time_point> recovering_since_;  // until the next iteration
};

}  // namespace eligo::session
