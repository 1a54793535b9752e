#pragma once
// The constants a recurrent population computes once before a run (docs/numerics.md §3–§5, §12, §13), with every
// voltage relative to E_L and every time in steps.
#include <cstdint>

#include "runtime/core/time.hpp"
#include "runtime/models/model_parameters.hpp"
#include "runtime/models/surrogate_gradient.hpp"

namespace eligo {

struct RecurrentConstants {
  RecurrentModel model = RecurrentModel::eprop_iaf;
  double h = 1.0;       // resolution, ms
  double tau_m = 10.0;  // ms (refractory-input decay, docs/numerics.md §5.1)
  double P_v = 0.0;     // exp(−h/τ_m)
  double P_i = 0.0;     // (τ_m/C_m)(1 − P_v)
  double P_a = 0.0;     // exp(−h/τ_a), adaptive models
  double beta = 0.0;    // adapt_beta, adaptive models (0 otherwise)
  double I_e = 0.0;
  double V_th = 0.0;     // relative to E_L
  double V_min = 0.0;    // relative to E_L
  double V_reset = 0.0;  // relative to E_L, psc_delta models
  double V_m_initial = 0.0;
  double adaptation_initial = 0.0;
  bool refractory_input = false;
  std::int64_t n_ref = 0;  // refractory steps
  double kappa = 0.97;
  double kappa_reg = 0.97;
  double c_reg = 0.0;
  double f_target_per_ms = 0.01;  // f_target / 1000 (docs/numerics.md §3: the unit subtlety is kept literally)
  SurrogateGradient surrogate;
  Step cutoff = kInfiniteSteps;          // eprop_isi_trace_cutoff in steps (docs/numerics.md §9.3)
  Step flush_interval = kInfiniteSteps;  // flush_event_send_interval in steps (docs/numerics.md §9.5)

  bool adaptive() const { return is_adaptive(model); }
  static RecurrentConstants from(RecurrentModel model, const RecurrentParams& p, double resolution_ms);
};

}  // namespace eligo
