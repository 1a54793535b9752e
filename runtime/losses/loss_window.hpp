#pragma once
// Which recorded steps a run's loss reads and how they split into iterations (docs/numerics.md §15): shared
// by the task layouts, the native config and the NEST reference cases.
#include <cstdint>

#include "runtime/core/time.hpp"

namespace eligo {

struct LossWindow {
  Step first_step = 0;  // recorded_steps_first_last[0]
  Step last_step = 0;   // recorded_steps_first_last[1], inclusive
  std::int64_t n_iter = 0;
  std::int64_t group_size = 1;
  std::int64_t sequence = 0;
};

}  // namespace eligo
