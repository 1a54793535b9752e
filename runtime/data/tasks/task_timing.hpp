#pragma once
// What every task shares: the timing of NEST's examples (generators deliver from step 1, the readouts
// see the task from step 2, three extra steps at the end), how long the run is, which steps its loss
// and accuracy read (docs/numerics.md §15), and the final-update spike.
#include <cstdint>

#include "runtime/core/time.hpp"
#include "runtime/losses/loss_window.hpp"
#include "runtime/network/network_description.hpp"

namespace eligo {

inline constexpr Step kTaskOffsetGen = 1;    // generators deliver from step 1 on
inline constexpr Step kTaskTotalOffset = 2;  // offset_gen + the one-step delay input → rec
inline constexpr Step kTaskExtensionSteps = 3;

struct TaskTiming {
  Step n_steps = 0;  // steps 0 … n_steps−1 are simulated
  LossWindow loss;   // the iterations whose loss is reported
  // Classification: the prediction is the readout with the largest mean over the last
  // accuracy_window steps of each sequence. 0 for regression (no accuracy).
  Step accuracy_window = 0;
};

// NEST's examples send one strong spike to every parrot and recurrent neuron at step task + 1, so that
// every e-prop synapse runs its pending update before the weights are read.
ForcedSpikeGenerator final_update_spike(const NetworkDescription& net, Step task);

}  // namespace eligo
