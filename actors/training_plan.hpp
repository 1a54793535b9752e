#pragma once
// The supervisor's iteration plan for a training config: which steps form the reported iterations and
// which stretch is recorded for plots. One function, used by the coordinator and by cluster nodes.
#include "actors/supervisor_actor.hpp"
#include "runtime/config/training_config.hpp"

namespace eligo::actors {

IterationPlan make_iteration_plan(const TrainingSetup& setup);

}  // namespace eligo::actors
