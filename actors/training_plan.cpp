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

IterationPlan make_iteration_plan(const ReferenceCase& c) {
  IterationPlan plan{c.loss.first_step, c.loss.sequence, c.loss.group_size, c.loss.n_iter};
  plan.loss_function = c.loss.function;
  plan.in_sequence_first = c.loss.in_sequence_first;
  plan.in_sequence_last = c.loss.in_sequence_last;
  return plan;
}

}  // namespace eligo::actors
