// The readout constants from NEST's parameters (docs/numerics.md §5.3).
#include "runtime/models/readout_constants.hpp"

#include <cmath>

namespace eligo {

ReadoutConstants ReadoutConstants::from(const ReadoutParams& p, double h) {
  ReadoutConstants c;
  c.P_v = std::exp(-h / p.tau_m);
  c.P_i = p.tau_m / p.C_m * (1.0 - c.P_v);
  c.E_L = p.E_L;
  c.I_e = p.I_e;
  c.V_min = relative_lower_bound(p.V_min, p.E_L);
  c.V_m_initial = p.V_m - p.E_L;
  c.cutoff = ms_to_steps(p.eprop_isi_trace_cutoff, h);
  return c;
}

}  // namespace eligo
