#pragma once
// eprop_iaf: leaky integrate-and-fire, delta synapses, reset by subtraction (docs/numerics.md §3).
//
//   r ← r − 1 if r > 0
//   v ← P_i·i_in + x_t + P_v·v ;  v ← max(v, V_min)
//   ψ ← SG(r, v, V_th)                           (r after the decrement, v before the reset)
//   spike if v ≥ V_th and r = 0:  v ← v − V_th ;  r ← n_ref
//   i_in ← I_t + I_e
#include <algorithm>
#include <cstddef>

#include "runtime/models/recurrent_state.hpp"

namespace eligo {

// The membrane part shared with the adaptive variant: refractory countdown and integration.
inline double iaf_integrate(std::size_t j, double x, const RecurrentConstants& c, RecurrentState& s) {
  if (s.r[j] > 0) --s.r[j];
  const double v = c.P_i * s.i_in[j] + x + c.P_v * s.v[j];  // exactly this operand order (docs/numerics.md §14.8)
  return std::max(v, c.V_min);
}

// Spike test against `threshold` and reset by subtracting V_th; stores v and the next step's current.
inline bool iaf_fire(std::size_t j, double v, double threshold, const RecurrentConstants& c, RecurrentState& s) {
  const bool spike = v >= threshold && s.r[j] == 0;
  if (spike) {
    v -= c.V_th;
    s.r[j] = c.n_ref;
  }
  s.v[j] = v;
  s.i_in[j] = c.I_e;
  return spike;
}

struct EpropIaf {
  // Updates neuron j for one step; returns true on a spike and stores ψ.
  static bool update(std::size_t j, double x, const RecurrentConstants& c, RecurrentState& s, double& psi) {
    const double v = iaf_integrate(j, x, c, s);
    psi = c.surrogate(s.r[j], v, c.V_th);
    return iaf_fire(j, v, c.V_th, c, s);
  }
};

}  // namespace eligo
