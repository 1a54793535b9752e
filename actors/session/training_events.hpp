#pragma once
// What a training session reports while it runs. The session decides and writes; an observer only
// shows: `eligo train` draws its progress bar and log lines from these events, and a server can
// forward them to its clients.
#include <cstdint>
#include <filesystem>
#include <optional>

#include "actors/held_out_evaluation.hpp"
#include "runtime/config/training_config.hpp"

namespace eligo::session {

struct TrainingStarted {
  const TrainingSetup& setup;
  std::uint32_t threads = 0, shards = 0;
  std::filesystem::path out;
  std::int64_t done_iterations = 0;  // before this process (a resumed run)
};

struct IterationDone {
  std::int64_t iteration = 0;  // 1-based
  double loss = 0.0;
  double best_loss = 0.0;  // over the whole run, resumed part included
  std::optional<double> accuracy;
  double rate_hz = 0.0;            // recurrent neurons' mean rate during the iteration
  double spikes_per_second = 0.0;  // recurrent spikes of this process per wall-clock second
  double elapsed_seconds = 0.0;    // since the shards started in this process
};

struct CheckpointWritten {
  std::int64_t iteration = 0;
  std::filesystem::path dir;
};

struct HeldOutEvaluated {
  std::int64_t iteration = 0;
  actors::EvaluationResult result;
};

class TrainingObserver {
 public:
  virtual ~TrainingObserver() = default;
  virtual void started(const TrainingStarted&) {}
  virtual void iteration_done(const IterationDone&) {}
  virtual void checkpoint_written(const CheckpointWritten&) {}
  virtual void evaluated(const HeldOutEvaluated&) {}
  // The shards stopped, finished or failed; before the summary is written or the failure thrown.
  virtual void run_ended() {}
};

}  // namespace eligo::session
