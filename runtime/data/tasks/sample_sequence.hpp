#pragma once
// Lays out a classification task: labelled samples presented one after another, each `sequence` steps
// long, as NEST's classification examples do (docs/numerics.md §15):
//
//   step 1 + s·S + r    input i receives the spikes of sample s at relative step r (0 ≤ r < S)
//   step 2 + s·S        every readout's target becomes target_value on the label's readout, 0 elsewhere;
//                       the learning window closes
//   step 2 + s·S + S−W  the learning window opens for the sample's last W steps
//   step task + 1       the final-update spike (optional); n_steps = 2 + task + 3
//
// Samples are added one at a time, so a task never holds more than one sample besides the network's
// input raster.
#include <cstdint>
#include <vector>

#include "runtime/data/tasks/task_timing.hpp"
#include "runtime/network/network_description.hpp"

namespace eligo {

struct InputSpike {
  Step step;            // relative to the sample's first step, 0 … sequence−1
  std::uint32_t input;  // input neuron
};

struct LabeledSample {
  std::vector<InputSpike> spikes;  // any order; repeated (step, input) pairs are several spikes
  std::uint32_t label = 0;         // readout index
};

struct SampleLayout {
  Step sequence = 0;         // steps per sample
  Step learning_window = 0;  // the sample's last steps whose error counts (1 … sequence)
  double target_value = 1.0;
  std::int64_t group_size = 1;  // samples per iteration
  bool final_update_spike = true;
};

class SampleSequence {
 public:
  // Clears net's input raster, targets, learning window and forced spikes; n_in and n_out must be set.
  SampleSequence(NetworkDescription& net, const SampleLayout& layout);

  // Appends the next sample. Throws std::invalid_argument for an input, step or label out of range.
  void add(const LabeledSample& sample);
  std::int64_t samples() const { return samples_; }

  // Ends the task (its sample count must be a whole number of groups) and returns its timing.
  TaskTiming finish();

 private:
  NetworkDescription& net_;
  SampleLayout layout_;
  std::int64_t samples_ = 0;
};

}  // namespace eligo
