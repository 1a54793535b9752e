// The recurrent constants from NEST's parameters (docs/numerics.md §3–§5).
#include "runtime/models/recurrent_constants.hpp"

#include <cmath>

namespace eligo {

RecurrentConstants RecurrentConstants::from(RecurrentModel model, const RecurrentParams& p, double h) {
  RecurrentConstants c;
  c.model = model;
  c.h = h;
  c.tau_m = p.tau_m;
  c.P_v = std::exp(-h / p.tau_m);
  c.P_i = p.tau_m / p.C_m * (1.0 - c.P_v);
  c.I_e = p.I_e;
  c.V_th = p.V_th - p.E_L;
  c.V_min = relative_lower_bound(p.V_min, p.E_L);
  c.V_reset = p.V_reset - p.E_L;
  c.V_m_initial = p.V_m - p.E_L;
  c.refractory_input = p.refractory_input;
  c.n_ref = ms_to_steps(p.t_ref, h);
  c.kappa = p.kappa;
  c.kappa_reg = p.kappa_reg;
  c.c_reg = p.c_reg;
  c.f_target_per_ms = p.f_target / 1000.0;
  c.surrogate =
      SurrogateGradient{p.surrogate_gradient_function, p.surrogate_gradient_height, p.surrogate_gradient_width};
  c.cutoff = ms_to_steps(p.eprop_isi_trace_cutoff, h);
  c.flush_interval = ms_to_steps(p.flush_event_send_interval, h);
  if (c.adaptive()) {
    c.P_a = std::exp(-h / p.adapt_tau);
    c.beta = p.adapt_beta;
    c.adaptation_initial = p.adaptation;
  }
  return c;
}

}  // namespace eligo
