#pragma once
// The supervisor's iteration plan for a training config: which steps form the reported iterations and
// which stretch is recorded for plots. One function, used by the coordinator and by cluster nodes.
#include "actors/supervisor_actor.hpp"
#include "runtime/config/training_config.hpp"
#include "runtime/verification/reference_case.hpp"

namespace eligo::actors {

// The iterations a loss window describes, with its loss function and the samples of a sequence it reads.
IterationPlan iteration_plan_of(const LossWindow& loss);
IterationPlan make_iteration_plan(const TrainingSetup& setup);
// The iterations of a NEST reference case, as its loss reads them (docs/numerics.md §15, §16).
IterationPlan make_iteration_plan(const ReferenceCase& c);

}  // namespace eligo::actors
