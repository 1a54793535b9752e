#include "runtime/data/tasks/classification_task.hpp"

#include <stdexcept>

#include "runtime/data/tasks/nmnist_task.hpp"

namespace eligo {
namespace {

LabelledFolderLayout folder_layout(const ClassificationTask& task) {
  return task.sensor ? event_folder_layout(task.labels) : LabelledFolderLayout{};
}

DataSourceFactory source_of(const NetworkDescription& net, const ClassificationTask& task, TrialSet set) {
  switch (task.kind) {
    case ClassificationKind::evidence_accumulation:
      return evidence_trials(task.evidence, net.n_in, task.seed, set);
    case ClassificationKind::nmnist: {
      if (task.streamed)
        return []() -> std::unique_ptr<DataSource> {
          throw std::logic_error("a streamed task's source is the stream's (actors/stream/)");
        };
      // Listed here, once: a missing or empty folder is an error of the config, not of the run.
      const NmnistSplit split(task.data_dir, set == TrialSet::training ? "Train" : "Test",
                              set == TrialSet::training ? task.order : SampleOrder::shuffled, task.seed,
                              folder_layout(task));
      if (task.sensor) return split.source(task.layout.sequence, net.resolution_ms, read_event_file, *task.sensor);
      return split.source(task.layout.sequence, net.resolution_ms);
    }
  }
  return {};
}

}  // namespace

TaskTiming lay_out_training(NetworkDescription& net, const ClassificationTask& task, std::int64_t iterations) {
  return lay_out_samples(net, task.layout, iterations * task.layout.group_size,
                         source_of(net, task, TrialSet::training));
}

TaskTiming lay_out_held_out(NetworkDescription& net, const ClassificationTask& task, std::int64_t samples) {
  SampleLayout layout = task.layout;
  layout.final_update_spike = false;  // learning is off: nothing pending to apply
  layout.group_size = held_out_group(samples);
  return lay_out_samples(net, layout, samples, source_of(net, task, TrialSet::held_out));
}

std::int64_t held_out_group(std::int64_t samples) {
  for (std::int64_t g = std::min(samples, kHeldOutGroupMax); g > 1; --g)
    if (samples % g == 0) return g;
  return 1;
}

std::int64_t training_split_size(const ClassificationTask& task) {
  if (task.kind != ClassificationKind::nmnist) return 0;
  return static_cast<std::int64_t>(
      NmnistSplit(task.data_dir, "Train", task.order, task.seed, folder_layout(task)).size());
}

}  // namespace eligo
