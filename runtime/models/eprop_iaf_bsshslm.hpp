#pragma once
// eprop_iaf_bsshslm_2020 and eprop_iaf_adapt_bsshslm_2020: the recurrent neurons of NEST's original e-prop
// (Bellec et al. 2020; docs/numerics.md §16). Per step t, with interval step i = (t − 2) mod T (C++ remainder, so
// negative in steps 0 and 1) and every voltage relative to E_L:
//
//   if i = 0 and reset_neurons_on_update:  v = 0, r = 0, z = 0 (adaptive: a = 0)
//   if r > 0: r −= 1
//   v = P_i·I_in + P_z·x(t) + P_v·v − V_th·z        (z: the spike of step t − 1: reset one step late)
//   v = max(v, V_min)
//   adaptive: a = P_a·a + z,  v_th = V_th + β·a      (else v_th = V_th)
//   ψ(t) = SG(r, v, v_th);  spike if v ≥ v_th and r = 0 (then z = 1, r = n_ref, n_spikes += 1)
//   if i = T − 1:  fr_reg(interval) = c_reg·(n_spikes/T − f_target·h)/T,  n_spikes = 0
//   I_in = I_e
//
// P_v = exp(−h/τ_m), P_i = τ_m/C_m·(1 − P_v), P_z = 1 if regular_spike_arrival else 1 − P_v. The synapse reads
// P_v, P_z (its z̄ filter), β and P_a (the adaptive eligibility) of its target from here.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "runtime/core/time.hpp"
#include "runtime/models/model_parameters.hpp"
#include "runtime/models/surrogate_gradient.hpp"

namespace eligo {

class StateReader;
class StateWriter;

struct BsshslmNeuronConstants {
  bool adaptive = false;
  double P_v = 0.0, P_i = 0.0, P_z = 1.0;
  double P_a = 0.0, beta = 0.0;  // adaptive only
  double I_e = 0.0;
  double V_th = 0.0, V_min = 0.0;  // relative to E_L
  double V_m_initial = 0.0, adaptation_initial = 0.0;
  std::int64_t n_ref = 0;
  double c_reg = 0.0;
  double f_target_per_step = 0.0;  // NEST stores f_target/1000 (spikes/ms) and multiplies by h
  SurrogateGradient surrogate;
  Step flush_interval = kInfiniteSteps;

  static BsshslmNeuronConstants from(RecurrentModel model, const RecurrentParams& p, double h);
};

// What one neuron's step produced.
struct BsshslmNeuronStep {
  double psi = 0.0;
  bool spike = false;
};

// The state of a range of neurons (structure of arrays).
struct BsshslmNeuronState {
  std::vector<double> v, i_in, a;
  std::vector<std::int64_t> r;
  std::vector<std::uint8_t> z;         // spike of the last updated step
  std::vector<std::int64_t> n_spikes;  // spikes in the current interval
  std::vector<Step> last_event;        // step of the last spike or flush (flush events, docs/numerics.md §9.5)

  BsshslmNeuronState() = default;
  explicit BsshslmNeuronState(const std::vector<const BsshslmNeuronConstants*>& c);
  std::size_t size() const { return v.size(); }

  void save_state(StateWriter& w) const;
  void load_state(StateReader& r);
};

struct EpropIafBsshslm {
  // One step of neuron j with summed spike input x; interval_step as in the header comment.
  static BsshslmNeuronStep update(std::size_t j, double x, Step interval_step, bool reset_on_update,
                                  const BsshslmNeuronConstants& c, BsshslmNeuronState& s) {
    if (interval_step == 0 && reset_on_update) {
      s.v[j] = 0.0;
      s.r[j] = 0;
      s.z[j] = 0;
      if (c.adaptive) s.a[j] = 0.0;
    }
    if (s.r[j] > 0) --s.r[j];
    const double z = s.z[j];
    double v = c.P_i * s.i_in[j] + c.P_z * x + c.P_v * s.v[j];
    v -= c.V_th * z;
    v = std::max(v, c.V_min);
    double v_th = c.V_th;
    if (c.adaptive) {
      s.a[j] = c.P_a * s.a[j] + z;
      v_th = c.V_th + c.beta * s.a[j];
    }
    s.v[j] = v;
    BsshslmNeuronStep out;
    out.psi = c.surrogate(s.r[j], v, v_th);
    out.spike = v >= v_th && s.r[j] == 0;
    s.z[j] = out.spike ? 1 : 0;
    if (out.spike) {
      s.r[j] = c.n_ref;
      ++s.n_spikes[j];
    }
    s.i_in[j] = c.I_e;
    return out;
  }

  // The interval's firing-rate regularization, with NEST's operand order; resets the spike count.
  static double close_interval(std::size_t j, Step update_interval, const BsshslmNeuronConstants& c,
                               BsshslmNeuronState& s) {
    const double T = static_cast<double>(update_interval);
    const double f_av = static_cast<double>(s.n_spikes[j]) / T;
    s.n_spikes[j] = 0;
    return c.c_reg * (f_av - c.f_target_per_step) / T;
  }
};

}  // namespace eligo
