#pragma once
// Slices (docs/architecture.md §2): actors advance and exchange messages once per slice of d_min steps,
// where d_min is the smallest delay in the network. Slice k covers steps [k·d, (k+1)·d), cut short at
// the end of the run.
#include <algorithm>

#include "runtime/core/time.hpp"

namespace eligo {

struct SliceClock {
  Step slice_steps = 1;  // d_min
  Step n_steps = 0;      // steps 0 … n_steps−1 are simulated

  Step slices() const { return (n_steps + slice_steps - 1) / slice_steps; }
  Step first_step(Step k) const { return k * slice_steps; }
  Step steps_in(Step k) const { return std::min(slice_steps, n_steps - first_step(k)); }
};

}  // namespace eligo
