#include "runtime/data/tasks/classification_task.hpp"

#include "runtime/data/tasks/nmnist_task.hpp"

namespace eligo {
namespace {

template <class NextSample>
TaskTiming lay_out(NetworkDescription& net, const SampleLayout& layout, std::int64_t samples, NextSample next) {
  SampleSequence sequence(net, layout);
  for (std::int64_t s = 0; s < samples; ++s) sequence.add(next(s));
  return sequence.finish();
}

TaskTiming lay_out_set(NetworkDescription& net, const ClassificationTask& task, const SampleLayout& layout,
                       std::int64_t samples, TrialSet set) {
  switch (task.kind) {
    case ClassificationKind::evidence_accumulation:
      return lay_out(net, layout, samples,
                     [&](std::int64_t s) { return evidence_trial(task.evidence, net.n_in, task.seed, set, s); });
    case ClassificationKind::nmnist: {
      const NmnistSamples data(task.data_dir, set == TrialSet::training ? "Train" : "Test", task.seed);
      return lay_out(net, layout, samples,
                     [&](std::int64_t s) { return data.sample(s, layout.sequence, net.resolution_ms); });
    }
  }
  return {};
}

}  // namespace

TaskTiming lay_out_training(NetworkDescription& net, const ClassificationTask& task, std::int64_t iterations) {
  return lay_out_set(net, task, task.layout, iterations * task.layout.group_size, TrialSet::training);
}

TaskTiming lay_out_held_out(NetworkDescription& net, const ClassificationTask& task, std::int64_t samples) {
  SampleLayout layout = task.layout;
  layout.final_update_spike = false;  // learning is off: nothing pending to apply
  layout.group_size = samples;        // one iteration: its loss and accuracy are the evaluation's
  return lay_out_set(net, task, layout, samples, TrialSet::held_out);
}

}  // namespace eligo
