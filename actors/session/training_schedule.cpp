#include "actors/session/training_schedule.hpp"

namespace eligo::session {

TrainingSchedule make_schedule(const TrainingSetup& s, Step slice_steps, std::int64_t after_iteration) {
  TrainingSchedule sc;
  const std::int64_t n = s.loss.n_iter;
  for (std::int64_t i = 1; i <= n; ++i) {
    if (i <= after_iteration) continue;
    if ((s.checkpoint_every > 0 && i % s.checkpoint_every == 0) || i == n) sc.checkpoints.insert(i);
    const bool evaluating = s.classification && s.classification->test_samples > 0;
    if (evaluating && ((s.evaluate_every > 0 && i % s.evaluate_every == 0) || i == n)) sc.evaluations.insert(i);
  }
  const Step per_iteration = s.loss.sequence * s.loss.group_size;
  for (const auto* set : {&sc.checkpoints, &sc.evaluations}) {
    for (std::int64_t i : *set) {
      // The slice that holds the iteration's last step; the final iteration's is the run's last slice,
      // so that the final checkpoint holds the final weights.
      const Step last_step = i == n ? s.n_steps - 1 : s.loss.first_step + i * per_iteration - 1;
      sc.iteration_of_slice[last_step / slice_steps] = i;
    }
  }
  return sc;
}

}  // namespace eligo::session
