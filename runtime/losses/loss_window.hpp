#pragma once
// Which recorded steps a run's loss reads and how they split into iterations (docs/numerics.md §15): shared
// by the task layouts, the native config and the NEST reference cases.
#include <cstdint>

#include "runtime/core/time.hpp"
#include "runtime/models/model_parameters.hpp"

namespace eligo {

struct LossWindow {
  Step first_step = 0;  // recorded_steps_first_last[0]
  Step last_step = 0;   // recorded_steps_first_last[1], inclusive
  std::int64_t n_iter = 0;
  std::int64_t group_size = 1;
  std::int64_t sequence = 0;
  // The samples of each sequence that enter the loss, [first, last] (bsshslm_2020 cross-entropy: the learning
  // window at the sequence's end); last < 0 means the whole sequence.
  std::int64_t in_sequence_first = 0, in_sequence_last = -1;
  ReadoutLoss function = ReadoutLoss::mean_squared_error;
};

}  // namespace eligo
