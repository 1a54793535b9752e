#include "runtime/optimizers/weight_optimizer.hpp"

namespace eligo {

namespace {
constexpr double kNestDefaultEta = 1e-4;
}

WeightOptimizer::WeightOptimizer(const OptimizerParams& params)
    : params_(params),
      batch_(static_cast<double>(params.batch_size)),
      eta_changed_(params.eta != kNestDefaultEta),
      eta_first_change_(params.eta) {}

bool WeightOptimizer::plan(Step idx, std::int64_t call, OptimizerClock& clock, OptimizerSchedule& schedule) const {
  if (eta_changed_ && clock.n_optimize == 0) clock.eta_current = eta_first_change_;
  const std::int64_t target_k = 1 + idx / params_.batch_size;
  if (clock.k >= target_k) return false;
  OptimizerTrigger trigger;
  trigger.call = call;
  trigger.eta = clock.eta_current;
  if (params_.type == OptimizerType::adam) {
    // NEST's catch-up: one Adam iteration per step counter value from k to K − 1 (docs/numerics.md §10).
    trigger.alpha_begin = static_cast<std::uint32_t>(schedule.alphas.size());
    for (std::int64_t k = clock.k; k < target_k; ++k) {
      clock.beta1_power *= params_.beta_1;
      clock.beta2_power *= params_.beta_2;
      const double alpha = clock.eta_current * std::sqrt(1.0 - clock.beta2_power) / (1.0 - clock.beta1_power);
      // Settled: the powers no longer change 1 − β^k, so every further α is this one (they keep
      // shrinking, and the clock keeps them exact for the steps after this call).
      const bool settled = 1.0 - clock.beta1_power == 1.0 && 1.0 - clock.beta2_power == 1.0;
      if (settled && (trigger.tail_steps == 0 || alpha == trigger.tail_alpha)) {
        trigger.tail_alpha = alpha;
        ++trigger.tail_steps;
      } else {
        schedule.alphas.insert(schedule.alphas.end(), static_cast<std::size_t>(trigger.tail_steps), trigger.tail_alpha);
        trigger.tail_steps = 0;
        schedule.alphas.push_back(alpha);
      }
    }
    trigger.alpha_end = static_cast<std::uint32_t>(schedule.alphas.size());
  }
  schedule.triggers.push_back(trigger);
  clock.eta_current = params_.eta;
  ++clock.n_optimize;
  clock.k = target_k;
  return true;
}

void WeightOptimizer::optimize(Step idx, OptimizerClock& clock, const double* g, double* w, SynapseMoments mo,
                               std::size_t n) const {
  for (std::size_t i = 0; i < n; ++i) mo.cum[i] += g[i];
  OptimizerSchedule schedule;
  if (!plan(idx, 0, clock, schedule)) return;
  for (std::size_t i = 0; i < n; ++i) {
    apply(schedule.triggers[0], schedule, w[i], mo.cum[i], mo.m ? &mo.m[i] : nullptr, mo.v ? &mo.v[i] : nullptr);
  }
}

}  // namespace eligo
