#include "runtime/data/tasks/task_timing.hpp"

#include <stdexcept>
#include <string>

namespace eligo {

ForcedSpikeGenerator final_update_spike(const NetworkDescription& net, Step task) {
  ForcedSpikeGenerator g;
  g.spike_steps = {task + 1};
  g.input_targets.resize(net.n_in);
  g.rec_targets.resize(net.n_rec);
  for (std::uint32_t i = 0; i < net.n_in; ++i) g.input_targets[i] = i;
  for (std::uint32_t j = 0; j < net.n_rec; ++j) g.rec_targets[j] = j;
  g.weight = kFinalUpdateWeight;
  return g;
}

TaskEnd task_end(const SampleLayout& layout, std::int64_t samples) {
  const Step task = samples * layout.sequence;
  return {kTaskTotalOffset + task + kTaskExtensionSteps, layout.final_update_spike && samples > 0 ? task + 1 : -1};
}

TaskTiming lay_out_samples(NetworkDescription& net, const SampleLayout& layout, std::int64_t samples,
                           DataSourceFactory source) {
  if (layout.sequence < 1) throw std::invalid_argument("task: sequence must be >= 1 step");
  if (layout.learning_window < 1 || layout.learning_window > layout.sequence)
    throw std::invalid_argument("task: learning window must be 1 … sequence steps");
  if (layout.group_size < 1) throw std::invalid_argument("task: group size must be >= 1");
  if (samples < 1 || samples % layout.group_size != 0)
    throw std::invalid_argument("task: " + std::to_string(samples) + " samples are not a whole number of groups of " +
                                std::to_string(layout.group_size));
  SampleStreamPlan plan;
  plan.layout = layout;
  plan.samples = samples;
  plan.n_in = net.n_in;
  plan.n_out = net.n_out;
  plan.source = std::move(source);
  net.sample_stream = std::move(plan);
  net.input_spike_steps.clear();
  net.targets.clear();
  net.learning_window = StepSignal{};
  net.forced_spikes.clear();
  const Step task = samples * layout.sequence;
  const TaskEnd end = task_end(layout, samples);
  if (end.final_update_step >= 0) net.forced_spikes.push_back(final_update_spike(net, task));
  TaskTiming timing;
  timing.n_steps = end.n_steps;
  timing.loss = LossWindow{kTaskTotalOffset, kTaskTotalOffset + task - 1, samples / layout.group_size,
                           layout.group_size, layout.sequence};
  timing.accuracy_window = layout.learning_window;
  return timing;
}

}  // namespace eligo
