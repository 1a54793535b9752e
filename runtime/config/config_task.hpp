#pragma once
// Stage 3d of the config loader: the training length and the task (sine_wave, evidence_accumulation, nmnist),
// laid out into the network's inputs and targets, and the run's timing.
#include <config.pb.h>  // generated from proto/eligo/config.proto (eligo_proto)

#include <cstdint>
#include <functional>

#include "runtime/config/config_errors.hpp"
#include "runtime/config/memory_estimate.hpp"
#include "runtime/config/training_config.hpp"

namespace eligo::config_loading {

// training.iterations, or its override.
std::int64_t read_iterations(const Reporter& r, const ::eligo::config::TrainingConfig& c,
                             const ConfigOverrides& overrides);

// Reads the task (and its data settings and their overrides: data dir, order, epochs), lays it out into
// s.network as a sample stream and sets s.task, s.classification, s.n_steps, s.loss, s.accuracy_window
// and the stimulus overrides. s.seed and s.evaluate_every must be read already.
// check_memory sees the task's sample before anything is laid out or generated (memory_estimate.hpp).
void read_task(const Reporter& r, const ::eligo::config::TrainingConfig& c, std::int64_t iterations,
               const ConfigOverrides& overrides, TrainingSetup& s,
               const std::function<void(const SampleSize&)>& check_memory);

}  // namespace eligo::config_loading
