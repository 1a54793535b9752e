#pragma once
// Held-out evaluation of a classification task with learning switched off: the trained weights go
// into a static copy of the network (freeze_with_weights), which runs fresh samples (N-MNIST: the
// Test split) through the actor runtime; accuracy and loss as in training (docs/numerics.md §15).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include "actors/coordinator.hpp"
#include "runtime/config/training_config.hpp"

namespace eligo::actors {

struct EvaluationResult {
  double accuracy = 0.0;
  double loss = 0.0;
  std::int64_t samples = 0;
  double seconds = 0.0;
};

// data_dir replaces the config's N-MNIST folder when set.
EvaluationResult evaluate_held_out(const TrainingSetup& setup, const std::vector<WeightRecord>& weights,
                                   std::int64_t samples, const std::optional<std::filesystem::path>& data_dir,
                                   const RunOptions& run);

}  // namespace eligo::actors
