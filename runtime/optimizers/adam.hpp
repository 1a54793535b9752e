#pragma once
// Adam STEP of spec §10, with NEST's catch-up: the step counter follows absolute time, so one call may
// run several iterations; only the first sees the gradient, the others move w by momentum alone.
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "runtime/optimizers/weight_optimizer.hpp"

namespace eligo {

inline void adam_step(const OptimizerParams& p, double eta, std::int64_t target_k, OptimizerClock& clock,
                      double* w, SynapseMoments mo, std::size_t n) {
  const double b1 = p.beta_1, b2 = p.beta_2, eps = p.epsilon;
  while (clock.k < target_k) {
    clock.beta1_power *= b1;
    clock.beta2_power *= b2;
    const double alpha = eta * std::sqrt(1.0 - clock.beta2_power) / (1.0 - clock.beta1_power);
    for (std::size_t i = 0; i < n; ++i) {
      // Operand order as in NEST: ((1−β2)·cum)·cum, and w − (α·m)/(√v + ε).
      mo.m[i] = b1 * mo.m[i] + (1.0 - b1) * mo.cum[i];
      mo.v[i] = b2 * mo.v[i] + (1.0 - b2) * mo.cum[i] * mo.cum[i];
      w[i] = w[i] - alpha * mo.m[i] / (std::sqrt(mo.v[i]) + eps);
      mo.cum[i] = 0.0;
    }
    ++clock.k;
  }
}

}  // namespace eligo
