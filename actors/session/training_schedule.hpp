#pragma once
// When a training run takes checkpoints and evaluates on held-out data, and which slice's end each of
// those iterations falls on: the actors take a checkpoint after exactly these slices
// (docs/architecture.md §7), and the session turns each into a checkpoint, an evaluation or both.
#include <cstdint>
#include <map>
#include <set>

#include "runtime/config/training_config.hpp"

namespace eligo::session {

struct TrainingSchedule {
  std::set<std::int64_t> checkpoints, evaluations;  // 1-based iterations
  std::map<Step, std::int64_t> iteration_of_slice;  // the slices the actors checkpoint after
};

// Checkpoints every checkpoint_every iterations and after the last one; evaluations every
// evaluate_every and after the last one, when the task has held-out samples. Iterations up to
// after_iteration are done already (a resumed run).
TrainingSchedule make_schedule(const TrainingSetup& setup, Step slice_steps, std::int64_t after_iteration);

}  // namespace eligo::session
