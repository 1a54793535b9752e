#include "runtime/optimizers/weight_optimizer.hpp"

#include <algorithm>

#include "runtime/optimizers/adam.hpp"
#include "runtime/optimizers/gradient_descent.hpp"

namespace eligo {

namespace {
constexpr double kNestDefaultEta = 1e-4;
}

WeightOptimizer::WeightOptimizer(const OptimizerParams& params)
    : params_(params), eta_changed_(params.eta != kNestDefaultEta), eta_first_change_(params.eta) {}

void WeightOptimizer::optimize(Step idx, OptimizerClock& clock, const double* g, double* w,
                               SynapseMoments mo, std::size_t n) const {
  if (eta_changed_ && clock.n_optimize == 0) clock.eta_current = eta_first_change_;
  for (std::size_t i = 0; i < n; ++i) mo.cum[i] += g[i];

  const std::int64_t target_k = 1 + idx / params_.batch_size;
  if (clock.k >= target_k) return;

  const double batch = static_cast<double>(params_.batch_size);
  for (std::size_t i = 0; i < n; ++i) mo.cum[i] = mo.cum[i] / batch;
  if (params_.type == OptimizerType::gradient_descent) {
    gradient_descent_step(clock.eta_current, w, mo.cum, n);
  } else {
    adam_step(params_, clock.eta_current, target_k, clock, w, mo, n);
  }
  // spec §10: clamp once, after STEP.
  for (std::size_t i = 0; i < n; ++i) w[i] = std::min(std::max(w[i], params_.Wmin), params_.Wmax);
  clock.eta_current = params_.eta;
  ++clock.n_optimize;
  clock.k = target_k;
}

}  // namespace eligo
