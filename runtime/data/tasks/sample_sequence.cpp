#include "runtime/data/tasks/sample_sequence.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace eligo {

SampleSequence::SampleSequence(NetworkDescription& net, const SampleLayout& layout) : net_(net), layout_(layout) {
  if (layout.sequence < 1) throw std::invalid_argument("classification task: sequence must be >= 1 step");
  if (layout.learning_window < 1 || layout.learning_window > layout.sequence)
    throw std::invalid_argument("classification task: learning window must be 1 … sequence steps");
  if (layout.group_size < 1) throw std::invalid_argument("classification task: group size must be >= 1");
  net_.input_spike_steps.assign(net_.n_in, {});
  net_.targets.assign(net_.n_out, StepSignal{});
  net_.learning_window = StepSignal{};
  net_.forced_spikes.clear();
}

void SampleSequence::add(const LabeledSample& sample) {
  const std::string where = "sample " + std::to_string(samples_);
  if (sample.label >= net_.n_out)
    throw std::invalid_argument(where + ": label " + std::to_string(sample.label) + " but only " +
                                std::to_string(net_.n_out) + " readouts");
  const Step start = samples_ * layout_.sequence;
  // Spikes enter each input's list in step order, as the input shard expects.
  std::vector<InputSpike> spikes = sample.spikes;
  std::stable_sort(spikes.begin(), spikes.end(),
                   [](const InputSpike& a, const InputSpike& b) { return a.step < b.step; });
  for (const InputSpike& s : spikes) {
    if (s.input >= net_.n_in)
      throw std::invalid_argument(where + ": input " + std::to_string(s.input) + " but only " +
                                  std::to_string(net_.n_in) + " inputs");
    if (s.step < 0 || s.step >= layout_.sequence)
      throw std::invalid_argument(where + ": spike at step " + std::to_string(s.step) + " outside the sequence of " +
                                  std::to_string(layout_.sequence) + " steps");
    net_.input_spike_steps[s.input].push_back(kTaskOffsetGen + start + s.step);
  }
  const Step first = kTaskTotalOffset + start;
  for (std::uint32_t k = 0; k < net_.n_out; ++k) {
    net_.targets[k].time.push_back(first);
    net_.targets[k].value.push_back(k == sample.label ? layout_.target_value : 0.0);
  }
  const Step open = first + layout_.sequence - layout_.learning_window;
  if (open > first) {
    net_.learning_window.time.push_back(first);
    net_.learning_window.value.push_back(0.0);
  }
  net_.learning_window.time.push_back(open);
  net_.learning_window.value.push_back(1.0);
  ++samples_;
}

TaskTiming SampleSequence::finish() {
  if (samples_ == 0 || samples_ % layout_.group_size != 0)
    throw std::invalid_argument("classification task: " + std::to_string(samples_) +
                                " samples are not a whole number of groups of " + std::to_string(layout_.group_size));
  const Step task = samples_ * layout_.sequence;
  if (layout_.final_update_spike) net_.forced_spikes.push_back(final_update_spike(net_, task));
  TaskTiming timing;
  timing.n_steps = kTaskTotalOffset + task + kTaskExtensionSteps;
  timing.loss = LossWindow{kTaskTotalOffset, kTaskTotalOffset + task - 1, samples_ / layout_.group_size,
                           layout_.group_size, layout_.sequence};
  timing.accuracy_window = layout_.learning_window;
  return timing;
}

}  // namespace eligo
