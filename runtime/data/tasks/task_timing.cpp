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
  return {layout.supervision_offset + task + kTaskExtensionSteps,
          layout.final_update_spike && samples > 0 ? task + 1 : -1};
}

namespace {

// NEST's original variant updates once per interval (docs/numerics.md §16): the task's sequences are its update
// intervals and their learning windows the readouts' window. Unset kernel values come from the task; given ones
// must agree with it. Its readouts see the targets two steps later, and it needs no final-update spike.
SampleLayout bsshslm_layout(NetworkDescription& net, SampleLayout layout) {
  BsshslmSettings& b = net.bsshslm;
  if (b.update_interval == 0) b.update_interval = layout.sequence;
  if (b.learning_window == 0) b.learning_window = layout.learning_window;
  if (b.update_interval != layout.sequence)
    throw std::invalid_argument("bsshslm_2020.eprop_update_interval is " + std::to_string(b.update_interval) +
                                " steps but the task's sequence " + std::to_string(layout.sequence) +
                                ": NEST's original e-prop updates once per sequence");
  if (b.learning_window != layout.learning_window)
    throw std::invalid_argument("bsshslm_2020.eprop_learning_window is " + std::to_string(b.learning_window) +
                                " steps but the task's learning window " + std::to_string(layout.learning_window));
  const auto check_flush = [&](const RecurrentParams& p) {
    if (ms_to_steps(p.flush_event_send_interval, net.resolution_ms) < b.update_interval)
      throw std::invalid_argument("rec: flush_event_send_interval must be at least eprop_update_interval (" +
                                  std::to_string(b.update_interval) + " steps), as NEST requires");
  };
  check_flush(net.rec);
  for (const RecurrentGroup& g : net.rec_groups) check_flush(g.params);
  layout.supervision_offset = kBsshslmTaskOffset;
  layout.final_update_spike = false;
  return layout;
}

}  // namespace

TaskTiming lay_out_samples(NetworkDescription& net, const SampleLayout& given, std::int64_t samples,
                           DataSourceFactory source) {
  const SampleLayout layout = net.variant == EpropVariant::bsshslm_2020 ? bsshslm_layout(net, given) : given;
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
  const Step first = layout.supervision_offset;
  timing.loss = LossWindow{first, first + task - 1, samples / layout.group_size, layout.group_size, layout.sequence};
  if (net.variant == EpropVariant::bsshslm_2020 && net.out.loss == ReadoutLoss::cross_entropy) {
    // NEST's classification test: the cross-entropy over the learning window of each sequence.
    timing.loss.function = ReadoutLoss::cross_entropy;
    timing.loss.in_sequence_first = layout.sequence - layout.learning_window;
    timing.loss.in_sequence_last = layout.sequence - 1;
  }
  timing.accuracy_window = layout.learning_window;
  return timing;
}

}  // namespace eligo
