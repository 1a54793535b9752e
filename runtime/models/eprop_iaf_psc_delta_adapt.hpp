#pragma once
// eprop_iaf_psc_delta_adapt: eprop_iaf_psc_delta with an adaptive threshold (docs/numerics.md §5.2).
//
//   as eprop_iaf_psc_delta, and in the non-refractory branch after the clamp:
//       a ← P_a·a + z(t−1) ;  V_th_adapt ← V_th + β·a
//   ψ and the spike test use V_th_adapt (stale while refractory). z is cleared every step, so with
//   n_ref ≥ 1 a spike never enters a (the next step is refractory); docs/numerics.md §5.2 checks this against NEST.
#include <cstddef>

#include "runtime/models/eprop_iaf_psc_delta.hpp"

namespace eligo {

struct EpropIafPscDeltaAdapt {
  static bool update(std::size_t j, double x, const RecurrentConstants& c, RecurrentState& s, double& psi) {
    if (psc_delta_integrate(j, x, c, s)) {
      s.a[j] = c.P_a * s.a[j] + static_cast<double>(s.z[j]);
      s.v_th_adapt[j] = c.V_th + c.beta * s.a[j];
    }
    psi = c.surrogate(s.r[j], s.v[j], s.v_th_adapt[j]);
    return psc_delta_fire(j, s.v_th_adapt[j], c, s);
  }
};

}  // namespace eligo
