// The constants of the bsshslm_2020 models from NEST's parameters, and their state in checkpoints
// (docs/numerics.md §16, docs/architecture.md §7).
#include <cmath>

#include "runtime/checkpoint/state_stream.hpp"
#include "runtime/models/eprop_iaf_bsshslm.hpp"
#include "runtime/models/eprop_readout_bsshslm.hpp"

namespace eligo {

BsshslmNeuronConstants BsshslmNeuronConstants::from(RecurrentModel model, const RecurrentParams& p, double h) {
  BsshslmNeuronConstants c;
  c.adaptive = is_adaptive(model);
  c.P_v = std::exp(-h / p.tau_m);
  c.P_i = p.tau_m / p.C_m * (1.0 - c.P_v);
  c.P_z = p.regular_spike_arrival ? 1.0 : 1.0 - c.P_v;
  c.I_e = p.I_e;
  c.V_th = p.V_th - p.E_L;
  c.V_min = relative_lower_bound(p.V_min, p.E_L);
  c.V_m_initial = p.V_m - p.E_L;
  c.n_ref = ms_to_steps(p.t_ref, h);
  c.c_reg = p.c_reg;
  c.f_target_per_step = p.f_target / 1000.0 * h;
  c.surrogate =
      SurrogateGradient{p.surrogate_gradient_function, p.surrogate_gradient_height, p.surrogate_gradient_width};
  c.flush_interval = ms_to_steps(p.flush_event_send_interval, h);
  if (c.adaptive) {
    c.P_a = std::exp(-h / p.adapt_tau);
    c.beta = p.adapt_beta;
    c.adaptation_initial = p.adaptation;
  }
  return c;
}

BsshslmNeuronState::BsshslmNeuronState(const std::vector<const BsshslmNeuronConstants*>& c)
    : v(c.size()),
      i_in(c.size(), 0.0),
      a(c.size()),
      r(c.size(), 0),
      z(c.size(), 0),
      n_spikes(c.size(), 0),
      last_event(c.size(), 0) {
  for (std::size_t j = 0; j < c.size(); ++j) {
    v[j] = c[j]->V_m_initial;
    a[j] = c[j]->adaptation_initial;
  }
}

void BsshslmNeuronState::save_state(StateWriter& w) const {
  w.section("bsshslm_neurons");
  w.vector(v);
  w.vector(i_in);
  w.vector(a);
  w.vector(r);
  w.vector(z);
  w.vector(n_spikes);
  w.vector(last_event);
}

void BsshslmNeuronState::load_state(StateReader& in) {
  in.section("bsshslm_neurons");
  const std::size_t n = size();
  BsshslmNeuronState s;
  s.v = in.vector_of_size<double>("v", n);
  s.i_in = in.vector_of_size<double>("i_in", n);
  s.a = in.vector_of_size<double>("a", n);
  s.r = in.vector_of_size<std::int64_t>("r", n);
  s.z = in.vector_of_size<std::uint8_t>("z", n);
  s.n_spikes = in.vector_of_size<std::int64_t>("n_spikes", n);
  s.last_event = in.vector_of_size<Step>("last_event", n);
  *this = std::move(s);
}

BsshslmReadoutConstants BsshslmReadoutConstants::from(const ReadoutParams& p, double h) {
  BsshslmReadoutConstants c;
  c.loss = p.loss;
  c.P_v = std::exp(-h / p.tau_m);
  c.P_i = p.tau_m / p.C_m * (1.0 - c.P_v);
  c.P_z = p.regular_spike_arrival ? 1.0 : 1.0 - c.P_v;
  c.E_L = p.E_L;
  c.I_e = p.I_e;
  c.V_min = relative_lower_bound(p.V_min, p.E_L);
  c.V_m_initial = p.V_m - p.E_L;
  return c;
}

void BsshslmReadoutState::save_state(StateWriter& w) const {
  w.section("bsshslm_readouts");
  w.vector(v);
  w.vector(i_in);
  w.vector(unnormalized);
  w.vector(target);
}

void BsshslmReadoutState::load_state(StateReader& in) {
  in.section("bsshslm_readouts");
  const std::size_t n = size();
  BsshslmReadoutState s;
  s.v = in.vector_of_size<double>("v", n);
  s.i_in = in.vector_of_size<double>("i_in", n);
  s.unnormalized = in.vector_of_size<double>("unnormalized", n);
  s.target = in.vector_of_size<double>("target", n);
  *this = std::move(s);
}

}  // namespace eligo
