#pragma once
// The native config format (schema: proto/eligo/config.proto; files in JSON or YAML) and its
// translation into the engine's NetworkDescription plus the run's timing.
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

#include "runtime/config/config_errors.hpp"
#include "runtime/config/memory_estimate.hpp"
#include "runtime/data/tasks/classification_task.hpp"
#include "runtime/losses/loss_window.hpp"
#include "runtime/network/network_description.hpp"

namespace eligo {

struct TrainingSetup {
  std::string name;
  std::filesystem::path path;
  std::uint64_t seed = 1;
  NetworkDescription network;
  NetworkDescription network_without_task;  // the same before the task's inputs and targets were laid out
  Step n_steps = 0;                         // steps 0 … n_steps−1 are simulated
  LossWindow loss;                          // the iterations: first step, sequence, group size, count
  std::string task;                         // the task kind: sine_wave, evidence_accumulation, nmnist
  Step accuracy_window = 0;                 // classification: the last steps of a sequence that decide; 0: regression
  std::optional<ClassificationTask> classification;  // classification tasks: how to make held-out sets
  std::int64_t checkpoint_every = 0;                 // iterations; 0: only the final checkpoint
  std::int64_t evaluate_every = 0;                   // iterations; 0: no held-out evaluation during training
  // What the memory estimate (memory_estimate.hpp) reads besides the network: the config fields behind
  // its sizes, and one sample of the task as the loader saw it before laying it out.
  SizeNames size_names;
  SampleSize sample;
  // The overrides that change the stimulus, as given (they enter the run digest).
  std::optional<std::filesystem::path> data_dir_override;
  std::optional<std::string> order_override;
  std::optional<std::string> eprop_mode_override;
};

struct ConfigOverrides {
  std::optional<std::uint64_t> seed;
  std::optional<std::int64_t> iterations;
  std::optional<std::filesystem::path> data_dir;  // replaces task.data_dir (relative: to the working folder)
  std::optional<std::string> order;               // replaces data.order: shuffled | sorted
  std::optional<std::string> eprop_mode;          // replaces eprop_mode: exact | closed_form | auto
  // Passes over the training split instead of training.iterations: iterations = ⌈epochs · split / group⌉.
  std::optional<std::int64_t> epochs;
  // The samples will come from a client's stream (`eligo serve`): a labelled folder's task does not
  // read its folder, and the layout's source must be replaced before the network is built.
  bool streamed = false;
  // Refuse a config whose memory estimate (memory_estimate.hpp) exceeds this, before its task is laid
  // out or anything is built; the error names the fields responsible. Unset: no estimate is checked
  // (the fixed bounds of config_limits.hpp still hold).
  std::optional<MemoryLimit> memory_limit;
};

// Every problem with the file is a ConfigError (config_errors.hpp) that names the file and the field.
TrainingSetup load_training_config(const std::filesystem::path& file, const ConfigOverrides& overrides = {});

// The same from a config's text, as if it had been read from `as_file` (whose name decides YAML or JSON
// and whose folder relative data paths start from): how a cluster node loads the coordinator's config.
TrainingSetup load_training_config_text(const std::string& text, const std::filesystem::path& as_file,
                                        const ConfigOverrides& overrides = {});

}  // namespace eligo
