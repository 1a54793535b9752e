#pragma once
// A classification task as a config describes it (evidence accumulation or N-MNIST), and how its
// training run and its held-out evaluations are laid out on the network's time line.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "runtime/data/sources/labelled_folder_source.hpp"
#include "runtime/data/tasks/evidence_accumulation_task.hpp"
#include "runtime/data/tasks/task_timing.hpp"

namespace eligo {

enum class ClassificationKind { evidence_accumulation, nmnist };

struct ClassificationTask {
  ClassificationKind kind = ClassificationKind::evidence_accumulation;
  SampleLayout layout;
  std::uint64_t seed = 1;
  EvidenceAccumulationParams evidence;  // evidence_accumulation
  std::filesystem::path data_dir;       // nmnist, event_folder: the folder with Train/ and Test/
  // event_folder: files of any event-camera format in label folders 0 … labels − 1, mapped to the inputs
  // by `sensor`; unset for N-MNIST (34 × 34 .bin files in digit folders).
  std::optional<SensorMapping> sensor;
  std::uint32_t labels = 10;
  SampleOrder order = SampleOrder::shuffled;  // nmnist: the training split's order (held out: shuffled)
  std::int64_t test_samples = 0;              // per held-out evaluation
  bool streamed = false;  // nmnist, event_folder: the samples come from a stream, the folder is not read
};

// Training: samples 0 … iterations·group_size − 1 of the training set (N-MNIST: Train/, cycling),
// streamed (task_timing.hpp: lay_out_samples).
TaskTiming lay_out_training(NetworkDescription& net, const ClassificationTask& task, std::int64_t iterations);

// A held-out evaluation: `samples` samples of the held-out set (fresh trials; N-MNIST: Test/, cycling
// if it has fewer), laid out in iterations of held_out_group(samples), without the final-update spike.
TaskTiming lay_out_held_out(NetworkDescription& net, const ClassificationTask& task, std::int64_t samples);

// The samples of one held-out iteration: the largest divisor of `samples` up to kHeldOutGroupMax. The
// supervisor holds an iteration's readout signals until it ends, so an evaluation of any size holds at most
// this many samples' worth.
inline constexpr std::int64_t kHeldOutGroupMax = 100;
std::int64_t held_out_group(std::int64_t samples);

// Samples in one pass over the training split (N-MNIST: the files of Train/); 0 when trials are
// generated without end (evidence accumulation).
std::int64_t training_split_size(const ClassificationTask& task);

}  // namespace eligo
