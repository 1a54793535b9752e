#include "actors/training_plan.hpp"

namespace eligo::actors {

IterationPlan make_iteration_plan(const TrainingSetup& setup) {
  IterationPlan plan{setup.loss.first_step, setup.loss.sequence, setup.loss.group_size, setup.loss.n_iter};
  plan.accuracy_window = setup.accuracy_window;
  // Record the run's last sequence for `eligo plot`.
  plan.record_steps = setup.loss.sequence;
  plan.record_first_step = setup.loss.first_step + plan.steps_per_iteration() * setup.loss.n_iter - plan.record_steps;
  plan.rec_first_gid = setup.network.n_in;
  return plan;
}

}  // namespace eligo::actors
