#pragma once
// The weight optimizer of eprop_synapse (spec §10), applied at once to every synapse of one source in
// one shard. Those synapses see the same sequence of optimizer calls (spec §14.10), so the step
// counter k, η_cur, n_opt and Adam's β powers live once per source (OptimizerClock); the accumulated
// gradient and Adam's moments are per synapse (OptimizerMoments).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "runtime/core/time.hpp"
#include "runtime/network/network_description.hpp"

namespace eligo {

struct OptimizerClock {
  std::int64_t k = 1;          // optimization step; NEST starts at 1
  double eta_current = 1e-4;   // NEST's initial η_cur
  std::int64_t n_optimize = 0; // completed optimizations
  double beta1_power = 1.0;    // Adam's β1^k
  double beta2_power = 1.0;    // Adam's β2^k
  bool operator==(const OptimizerClock&) const = default;
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

  // OPT(idx, g, w) of spec §10 for the n synapses of one source. idx ties the step counter to
  // absolute time: t+1 per integrated step, s−1 per spike.
  void optimize(Step idx, OptimizerClock& clock, const double* g, double* w, SynapseMoments moments,
                std::size_t n) const;

 private:
  OptimizerParams params_;
  // NEST counts how often eta was set to a value other than its default; the first such value is used
  // for a synapse's first optimization (spec §10, "eta bookkeeping"). Setting eta once, as every
  // config does, makes both equal to eta.
  bool eta_changed_;
  double eta_first_change_;
};

}  // namespace eligo
