#pragma once
// A checkpoint's accuracy on held-out samples, learning off (`eligo eval`): loads the checkpoint's
// weights (runtime/checkpoint/checkpoint_directory.hpp) and the run's config (the manifest names it,
// or the request does), and runs actors/held_out_evaluation.hpp on them. A different data folder
// replaces the config's N-MNIST folder; the evidence-accumulation task draws fresh trials.
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "actors/coordinator.hpp"
#include "actors/held_out_evaluation.hpp"
#include "runtime/checkpoint/checkpoint_directory.hpp"
#include "runtime/config/training_config.hpp"

namespace eligo::session {

struct EvaluationRequest {
  std::filesystem::path checkpoint;  // a checkpoint directory, or a run directory (its latest)
  std::optional<std::filesystem::path> data;
  std::filesystem::path config;  // empty: the path the checkpoint records
  std::int64_t samples = 0;      // 0: the config's test_samples
  actors::RunOptions run;        // threads
};

class CheckpointEvaluation {
 public:
  // Loads checkpoint and config. Warns when the config is not the one the checkpoint was trained with
  // (the network it describes must still match the weights); throws when its task has no held-out set.
  explicit CheckpointEvaluation(const EvaluationRequest& request);

  const CheckpointManifest& manifest() const { return checkpoint_.manifest; }
  std::size_t n_synapses() const { return checkpoint_.weights.size(); }
  std::int64_t samples() const { return samples_; }

  actors::EvaluationResult run() const;
  // The one JSON line `eligo eval` prints: checkpoint, iteration, samples, accuracy, loss, seconds.
  nlohmann::ordered_json result_line(const actors::EvaluationResult& e) const;

 private:
  EvaluationRequest request_;
  CheckpointContents checkpoint_;
  TrainingSetup setup_;
  std::int64_t samples_ = 0;
};

}  // namespace eligo::session
