#include "actors/held_out_evaluation.hpp"

#include <stdexcept>
#include <string>

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
  if (r.iterations.size() != static_cast<std::size_t>(timing.loss.n_iter))
    throw std::runtime_error("evaluation: the run reported " + std::to_string(r.iterations.size()) + " of " +
                             std::to_string(timing.loss.n_iter) + " iterations");
  // The iterations are equally large: the mean of their losses is the loss over every sample.
  std::int64_t correct = 0;
  double loss = 0.0;
  for (const IterationReport& it : r.iterations) {
    loss += it.loss;
    for (const SequenceOutcome& s : it.sequences) correct += s.prediction == s.label ? 1 : 0;
  }
  EvaluationResult e;
  e.accuracy = static_cast<double>(correct) / static_cast<double>(samples);
  e.loss = loss / static_cast<double>(r.iterations.size());
  e.samples = samples;
  e.seconds = r.build_seconds + r.simulate_seconds;
  return e;
}

}  // namespace eligo::actors
