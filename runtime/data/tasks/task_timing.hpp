#pragma once
// What every task shares: the timing of NEST's examples (generators deliver from step 1, the readouts
// see the task from step 2, three extra steps at the end), how long the run is, which steps its loss
// and accuracy read (docs/numerics.md §15), and the final-update spike.
#include <cstdint>

#include "runtime/core/time.hpp"
#include "runtime/losses/loss_window.hpp"
#include "runtime/network/network_description.hpp"

namespace eligo {

inline constexpr Step kTaskExtensionSteps = 3;
inline constexpr double kFinalUpdateWeight = 1000.0;  // large enough to make every recurrent neuron spike

struct TaskTiming {
  Step n_steps = 0;  // steps 0 … n_steps−1 are simulated
  LossWindow loss;   // the iterations whose loss is reported
  // Classification: the prediction is the readout with the largest mean over the last
  // accuracy_window steps of each sequence. 0 for regression (no accuracy).
  Step accuracy_window = 0;
};

// Where a run of `samples` samples ends: steps 0 … n_steps − 1 are simulated, and the final-update
// spike (when the layout asks for it) comes at final_update_step, else −1. lay_out_samples builds this
// in; a stream's open-ended run (actors/stream/) learns it when the stream closes.
struct TaskEnd {
  Step n_steps = 0;
  Step final_update_step = -1;
};
TaskEnd task_end(const SampleLayout& layout, std::int64_t samples);

// NEST's examples send one strong spike to every parrot and recurrent neuron at step task + 1, so that
// every e-prop synapse runs its pending update before the weights are read.
ForcedSpikeGenerator final_update_spike(const NetworkDescription& net, Step task);

// Makes `samples` samples of a source the network's stimulus (docs/architecture.md §3.1): sets
// net.sample_stream (n_in, n_out from net), clears the explicit inputs, targets and forced spikes, adds
// the final-update spike when the layout asks for it, and returns the run's timing (samples come in
// iterations of group_size; the accuracy reads the learning window). Throws std::invalid_argument for
// a layout out of range or a sample count that is not a whole number of groups.
TaskTiming lay_out_samples(NetworkDescription& net, const SampleLayout& layout, std::int64_t samples,
                           DataSourceFactory source);

}  // namespace eligo
