#pragma once
// The history fields of a recurrent neuron, side by side per step (docs/numerics.md §8).
#include <cstddef>

namespace eligo {

enum RecurrentHistoryField : std::size_t { kPsi = 0, kLearningSignal = 1, kFiringRateReg = 2, kRecurrentFields = 3 };

}  // namespace eligo
