#pragma once
// Time on the global step grid (docs/architecture.md §2, docs/numerics.md §1). Inside the engine every time is an
// integer step; milliseconds appear only at the edges (configs, case files) and are converted here.
#include <cmath>
#include <cstdint>
#include <limits>

namespace eligo {

using Step = std::int64_t;

// "Infinitely many steps" (spec: +inf maps to an unbounded count). Large enough to never be reached,
// small enough that adding a run length to it cannot overflow.
inline constexpr Step kInfiniteSteps = std::numeric_limits<Step>::max() / 4;

// NEST's Time::ms(x).get_steps(): round(x / h); +inf gives kInfiniteSteps.
inline Step ms_to_steps(double ms, double resolution_ms) {
  if (std::isinf(ms) && ms > 0) return kInfiniteSteps;
  return static_cast<Step>(std::llround(ms / resolution_ms));
}

}  // namespace eligo
