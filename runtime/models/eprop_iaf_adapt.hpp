#pragma once
// eprop_iaf_adapt: eprop_iaf with an adaptive threshold (docs/numerics.md §4).
//
//   r ← r − 1 if r > 0
//   v ← P_i·i_in + x_t + P_v·v ;  v ← max(v, V_min)
//   a ← P_a·a + z(t−1) ;  V_th_adapt ← V_th + β·a
//   ψ ← SG(r, v, V_th_adapt)
//   spike if v ≥ V_th_adapt and r = 0:  v ← v − V_th (not V_th_adapt) ;  r ← n_ref
//   i_in ← I_t + I_e
#include <algorithm>
#include <cstddef>

#include "runtime/models/eprop_iaf.hpp"

namespace eligo {

struct EpropIafAdapt {
  static bool update(std::size_t j, double x, const RecurrentConstants& c, RecurrentState& s, double& psi) {
    const double v = iaf_integrate(j, x, c, s);
    s.a[j] = c.P_a * s.a[j] + static_cast<double>(s.z[j]);
    s.v_th_adapt[j] = c.V_th + c.beta * s.a[j];
    psi = c.surrogate(s.r[j], v, s.v_th_adapt[j]);
    return iaf_fire(j, v, s.v_th_adapt[j], c, s);  // resets by V_th, not V_th_adapt
  }
};

}  // namespace eligo
