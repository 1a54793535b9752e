#include "actors/held_out_evaluation.hpp"

#include <stdexcept>

#include "actors/training_plan.hpp"
#include "runtime/network/frozen_network.hpp"

namespace eligo::actors {

EvaluationResult evaluate_held_out(const TrainingSetup& setup, const std::vector<WeightRecord>& weights,
                                   std::int64_t samples, const std::optional<std::filesystem::path>& data_dir,
                                   const RunOptions& run) {
  if (!setup.classification) throw std::invalid_argument(setup.task + " has no held-out set to evaluate on");
  if (samples < 1) throw std::invalid_argument("an evaluation needs at least one sample");
  ClassificationTask task = *setup.classification;
  if (data_dir) task.data_dir = *data_dir;
  NetworkDescription net = setup.network_without_task;
  const TaskTiming timing = lay_out_held_out(net, task, samples);
  net = freeze_with_weights(std::move(net), weights);

  IterationPlan plan = iteration_plan_of(timing.loss);
  plan.accuracy_window = timing.accuracy_window;
  // Only the partition and threads carry over: no checkpoints, no resume, in a run of its own.
  RunOptions options;
  options.threads = run.threads;
  options.shards = run.shards;
  options.input_shards = run.input_shards;
  const RunResult r = run_network(net, timing.n_steps, plan, options);
  if (r.iterations.size() != 1) throw std::runtime_error("evaluation: the run reported no result");
  EvaluationResult e;
  e.accuracy = r.iterations.front().accuracy;
  e.loss = r.iterations.front().loss;
  e.samples = samples;
  e.seconds = r.build_seconds + r.simulate_seconds;
  return e;
}

}  // namespace eligo::actors
