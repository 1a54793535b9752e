#pragma once
// eprop_iaf_psc_delta: reset to V_reset, absolute refractoriness with a clamped membrane (docs/numerics.md §5.1).
//
//   if r = 0:  v ← P_i·(i_in + I_e) + P_v·v + x_t        (I_e enters here, not in i_in)
//              v ← v + refr_buf, refr_buf ← 0 if refractory_input and refr_buf ≠ 0
//              v ← max(v, V_min)
//   else:      refr_buf ← refr_buf + x_t·exp(−r·h/τ_m) if refractory_input   (r before the decrement)
//              r ← r − 1                                                   (otherwise x_t is lost)
//   ψ ← SG(r, v, V_th)
//   spike if v ≥ V_th (no r test):  r ← n_ref ;  v ← V_reset
//   i_in ← I_t
#include <algorithm>
#include <cmath>
#include <cstddef>

#include "runtime/models/recurrent_state.hpp"

namespace eligo {

// The membrane part shared with the adaptive variant; returns true when the neuron was not refractory.
inline bool psc_delta_integrate(std::size_t j, double x, const RecurrentConstants& c, RecurrentState& s) {
  if (s.r[j] == 0) {
    double v = c.P_i * (s.i_in[j] + c.I_e) + c.P_v * s.v[j] + x;
    if (c.refractory_input && s.refr_buf[j] != 0.0) {
      v += s.refr_buf[j];
      s.refr_buf[j] = 0.0;
    }
    s.v[j] = std::max(v, c.V_min);
    return true;
  }
  if (c.refractory_input) s.refr_buf[j] += x * std::exp(-s.r[j] * c.h / c.tau_m);
  --s.r[j];
  return false;
}

// Spike test against `threshold` (no refractoriness test) and reset to V_reset.
inline bool psc_delta_fire(std::size_t j, double threshold, const RecurrentConstants& c, RecurrentState& s) {
  const bool spike = s.v[j] >= threshold;
  if (spike) {
    s.r[j] = c.n_ref;
    s.v[j] = c.V_reset;
  }
  s.i_in[j] = 0.0;  // I_t only: I_e is added inside the integration
  return spike;
}

struct EpropIafPscDelta {
  static bool update(std::size_t j, double x, const RecurrentConstants& c, RecurrentState& s, double& psi) {
    psc_delta_integrate(j, x, c, s);
    psi = c.surrogate(s.r[j], s.v[j], c.V_th);
    return psc_delta_fire(j, c.V_th, c, s);
  }
};

}  // namespace eligo
