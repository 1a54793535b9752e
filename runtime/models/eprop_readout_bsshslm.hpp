#pragma once
// eprop_readout_bsshslm_2020: the readout of NEST's original e-prop (docs/numerics.md §16). Per step t, with
// interval step i = (t − 3) mod T and signal step i_s = (t − 4) mod T (C++ remainders, negative before the first
// interval):
//
//   if i = 0 and reset_neurons_on_update:  v = 0
//   v = max(P_i·I_in + P_z·x(t) + P_v·v, V_min)
//   mean_squared_error:  y(t) = u(t−1);  u(t) = v + E_L                      (the signal lags v by one step)
//   cross_entropy:       y(t) = u(t−1) / (Σ_{k'≠k} w·u_k'(t−1) + u(t−1));  u(t) = exp(v + E_L)
//                        (the other readouts' u arrive over rate connections, in ascending k')
//   ε(t) = y(t) − y*(t)
//   if i_s < T − LW:  y = y* = ε = 0                                          (outside the learning window)
//   I_in = I_e
//
// ε(t) is the error the rec neurons' learning signals and the readout synapses' gradients read.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "runtime/core/time.hpp"
#include "runtime/models/model_parameters.hpp"

namespace eligo {

class StateReader;
class StateWriter;

struct BsshslmReadoutConstants {
  ReadoutLoss loss = ReadoutLoss::mean_squared_error;
  double P_v = 0.0, P_i = 0.0, P_z = 1.0;
  double E_L = 0.0, I_e = 0.0;
  double V_min = 0.0, V_m_initial = 0.0;  // relative to E_L

  static BsshslmReadoutConstants from(const ReadoutParams& p, double h);
};

struct BsshslmReadoutState {
  std::vector<double> v, i_in;
  std::vector<double> unnormalized;  // u(t−1): what the last step sent to the other readouts
  std::vector<double> target;        // y* of the current step (the generator's value, zeroed outside the window)

  BsshslmReadoutState() = default;
  BsshslmReadoutState(std::size_t n, const BsshslmReadoutConstants& c)
      : v(n, c.V_m_initial), i_in(n, 0.0), unnormalized(n, 0.0), target(n, 0.0) {}
  std::size_t size() const { return v.size(); }

  void save_state(StateWriter& w) const;
  void load_state(StateReader& r);
};

struct BsshslmReadoutStep {
  double y = 0.0;    // readout_signal
  double eps = 0.0;  // error signal
};

struct EpropReadoutBsshslm {
  // The membrane of readout k; the signals follow in signals() once every readout's membrane is known.
  static void integrate(std::size_t k, double x, Step interval_step, bool reset_on_update,
                        const BsshslmReadoutConstants& c, BsshslmReadoutState& s) {
    if (interval_step == 0 && reset_on_update) s.v[k] = 0.0;
    s.v[k] = std::max(c.P_i * s.i_in[k] + c.P_z * x + c.P_v * s.v[k], c.V_min);
    s.i_in[k] = c.I_e;
  }

  // Readout k's signals of the step. `others` is Σ_{k'≠k} w·u_k'(t−1) (cross-entropy only), `in_window` says
  // whether the signal step lies in the learning window. Updates u(t) for the next step.
  static BsshslmReadoutStep signals(std::size_t k, double others, bool in_window, const BsshslmReadoutConstants& c,
                                    BsshslmReadoutState& s) {
    BsshslmReadoutStep out;
    if (c.loss == ReadoutLoss::mean_squared_error) {
      out.y = s.unnormalized[k];
      s.unnormalized[k] = s.v[k] + c.E_L;
    } else {
      const double norm = others + s.unnormalized[k];
      out.y = s.unnormalized[k] / norm;
      s.unnormalized[k] = std::exp(s.v[k] + c.E_L);
    }
    out.eps = out.y - s.target[k];
    if (!in_window) {
      out.y = 0.0;
      out.eps = 0.0;
      s.target[k] = 0.0;
    }
    return out;
  }
};

}  // namespace eligo
