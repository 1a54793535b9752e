#pragma once
// The weight optimizer of eprop_synapse (docs/numerics.md §10), for the synapses of one source in one shard.
//
// Those synapses see the same sequence of optimizer calls (docs/numerics.md §14.10), so everything that does not
// depend on a synapse's own numbers (the step counter k, η_cur, n_opt, Adam's β powers and step sizes
// α) is computed once per source: plan() advances that shared OptimizerClock and records, for a call
// that performs an optimization step, a trigger in an OptimizerSchedule. apply() then does the rest of
// OPT for one synapse. Splitting OPT this way lets a synapse run its whole interval in registers and
// gives bit-identical results to calling OPT synapse by synapse.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "runtime/core/time.hpp"
#include "runtime/network/network_description.hpp"

namespace eligo {

struct OptimizerClock {
  std::int64_t k = 1;           // optimization step; NEST starts at 1
  double eta_current = 1e-4;    // NEST's initial η_cur
  std::int64_t n_optimize = 0;  // completed optimizations
  double beta1_power = 1.0;     // Adam's β1^k
  double beta2_power = 1.0;     // Adam's β2^k
  bool operator==(const OptimizerClock&) const = default;
};

// One OPT call that performs a step: which call it was, the η it uses and (Adam) its step sizes α.
struct OptimizerTrigger {
  std::int64_t call = 0;
  double eta = 0.0;
  std::uint32_t alpha_begin = 0, alpha_end = 0;  // range in OptimizerSchedule::alphas
  // Then tail_steps more iterations with tail_alpha: once β1^k and β2^k are too small to change 1 − β^k,
  // α is the same for every further step, and a source silent for a long run (millions of catch-up
  // steps) must not list them one by one.
  std::int64_t tail_steps = 0;
  double tail_alpha = 0.0;
};

struct OptimizerSchedule {
  std::vector<OptimizerTrigger> triggers;
  std::vector<double> alphas;
  void clear() {
    triggers.clear();
    alphas.clear();
  }
};

// Views of the per-synapse arrays of one source, all of length n.
struct SynapseMoments {
  double* cum = nullptr;  // accumulated gradient
  double* m = nullptr;    // Adam first moment (null for gradient descent)
  double* v = nullptr;    // Adam second moment (null for gradient descent)
};

class WeightOptimizer {
 public:
  explicit WeightOptimizer(const OptimizerParams& params);

  const OptimizerParams& params() const { return params_; }
  bool uses_moments() const { return params_.type == OptimizerType::adam; }

  // The shared part of OPT(idx, ·, ·) for the call numbered `call`; returns true when it steps. idx ties
  // the step counter to absolute time: t+1 per integrated step, s−1 per spike.
  bool plan(Step idx, std::int64_t call, OptimizerClock& clock, OptimizerSchedule& schedule) const;

  // The per-synapse part of a stepping OPT call (after cum += g): average over the batch, STEP, clamp.
  void apply(const OptimizerTrigger& trigger, const OptimizerSchedule& schedule, double& w, double& cum, double* m,
             double* v) const {
    cum = cum / batch_;
    if (params_.type == OptimizerType::gradient_descent) {
      w = w - trigger.eta * cum;
      cum = 0.0;
    } else {
      const double b1 = params_.beta_1, b2 = params_.beta_2, eps = params_.epsilon;
      // Operand order as in NEST: ((1−β2)·cum)·cum and w − (α·m)/(√v + ε). Only the first iteration
      // sees the gradient; the catch-up iterations move w by momentum alone.
      const auto iterate = [&](double alpha) {
        *m = b1 * *m + (1.0 - b1) * cum;
        *v = b2 * *v + (1.0 - b2) * cum * cum;
        w = w - alpha * *m / (std::sqrt(*v) + eps);
        cum = 0.0;
      };
      for (std::uint32_t a = trigger.alpha_begin; a < trigger.alpha_end; ++a) iterate(schedule.alphas[a]);
      for (std::int64_t t = 0; t < trigger.tail_steps; ++t) iterate(trigger.tail_alpha);
    }
    w = std::min(std::max(w, params_.Wmin), params_.Wmax);  // docs/numerics.md §10: clamp once, after STEP
  }

  // OPT(idx, g, w) of docs/numerics.md §10 applied to n synapses at once.
  void optimize(Step idx, OptimizerClock& clock, const double* g, double* w, SynapseMoments moments,
                std::size_t n) const;

 private:
  OptimizerParams params_;
  double batch_;
  // NEST counts how often eta was set to a value other than its default; the first such value is used
  // for a synapse's first optimization (docs/numerics.md §10, "eta bookkeeping"). Setting eta once, as every
  // config does, makes both equal to eta.
  bool eta_changed_;
  double eta_first_change_;
};

}  // namespace eligo
