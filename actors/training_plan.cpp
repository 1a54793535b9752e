#include "actors/training_plan.hpp"

namespace eligo::actors {

IterationPlan iteration_plan_of(const LossWindow& loss) {
  IterationPlan plan{loss.first_step, loss.sequence, loss.group_size, loss.n_iter};
  plan.loss_function = loss.function;
  plan.in_sequence_first = loss.in_sequence_first;
  plan.in_sequence_last = loss.in_sequence_last;
  return plan;
}

IterationPlan make_iteration_plan(const TrainingSetup& setup) {
  IterationPlan plan = iteration_plan_of(setup.loss);
  plan.accuracy_window = setup.accuracy_window;
  // Record the run's last sequence for `eligo plot`.
  plan.record_steps = setup.loss.sequence;
  plan.record_first_step = setup.loss.first_step + plan.steps_per_iteration() * setup.loss.n_iter - plan.record_steps;
  plan.rec_first_gid = setup.network.n_in;
  return plan;
}

IterationPlan make_iteration_plan(const ReferenceCase& c) { return iteration_plan_of(c.loss); }

}  // namespace eligo::actors
