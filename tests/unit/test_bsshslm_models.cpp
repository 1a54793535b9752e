// Tests of the bsshslm_2020 models and synapse (runtime/models/eprop_*_bsshslm.hpp, runtime/synapses/bsshslm_*,
// docs/numerics.md §16), one update at a time with hand-made constants. The expected values are worked out by
// hand from the equations in the files' headers (chosen to be exact in binary), so they are compared exactly.
#include <catch2/catch.hpp>
#include <cfloat>
#include <cmath>
#include <vector>

#include "runtime/archive/interval_history.hpp"
#include "runtime/models/eprop_iaf_bsshslm.hpp"
#include "runtime/models/eprop_readout_bsshslm.hpp"
#include "runtime/synapses/bsshslm_synapses.hpp"
#include "runtime/synapses/bsshslm_targets.hpp"

namespace {

using eligo::Step;

eligo::BsshslmNeuronConstants simple_neuron() {
  eligo::BsshslmNeuronConstants c;
  c.P_v = 0.5;
  c.P_i = 1.0;
  c.P_z = 1.0;
  c.V_th = 1.0;
  c.V_min = -DBL_MAX;
  c.surrogate = eligo::SurrogateGradient{eligo::SurrogateFunction::piecewise_linear, 1.0, 1.0};
  c.c_reg = 2.0;
  c.f_target_per_step = 0.0625;
  return c;
}

}  // namespace

TEST_CASE("bsshslm neuron: membrane, reset by subtraction one step after the spike, interval reset",
          "[bsshslm][models]") {
  const eligo::BsshslmNeuronConstants c = simple_neuron();
  eligo::BsshslmNeuronState s({&c});
  s.v[0] = 0.75;  // reset away at the interval's first step
  // Interval step 0: v = 0, then v = 1.25 ≥ V_th: a spike; ψ = 1 − |1.25 − 1| = 0.75.
  auto r = eligo::EpropIafBsshslm::update(0, 1.25, 0, true, c, s);
  CHECK(s.v[0] == 1.25);
  CHECK(r.spike);
  CHECK(r.psi == 0.75);
  // Next step: the spike's V_th is subtracted now: 0.5·1.25 − 1 = −0.375; ψ = max(0, 1 − 1.375) = 0.
  r = eligo::EpropIafBsshslm::update(0, 0.0, 1, true, c, s);
  CHECK(s.v[0] == -0.375);
  CHECK_FALSE(r.spike);
  CHECK(r.psi == 0.0);
  r = eligo::EpropIafBsshslm::update(0, 0.5, 2, true, c, s);
  CHECK(s.v[0] == 0.3125);  // 0.5 + 0.5·(−0.375)
  // The interval's regularization: c_reg·(1 spike / 4 steps − 0.0625)/4 = 2·0.1875/4; the count restarts.
  CHECK(eligo::EpropIafBsshslm::close_interval(0, 4, c, s) == 0.09375);
  CHECK(s.n_spikes[0] == 0);
  // Without reset on update the membrane carries over into the next interval.
  eligo::EpropIafBsshslm::update(0, 0.0, 0, false, c, s);
  CHECK(s.v[0] == 0.15625);
  eligo::EpropIafBsshslm::update(0, 0.0, 0, true, c, s);
  CHECK(s.v[0] == 0.0);
}

TEST_CASE("bsshslm adaptive neuron: the threshold rises with the previous step's spike", "[bsshslm][models]") {
  eligo::BsshslmNeuronConstants c = simple_neuron();
  c.adaptive = true;
  c.P_a = 0.5;
  c.beta = 0.5;
  eligo::BsshslmNeuronState s({&c});
  CHECK(eligo::EpropIafBsshslm::update(0, 1.5, 5, false, c, s).spike);  // a = 0, threshold 1
  // a = 0.5·0 + 1 = 1, threshold 1.5; v = 0.75 − 1 + 1.5 = 1.25 < 1.5; ψ = 1 − 0.25.
  const auto r = eligo::EpropIafBsshslm::update(0, 1.5, 6, false, c, s);
  CHECK(s.a[0] == 1.0);
  CHECK(s.v[0] == 1.25);
  CHECK_FALSE(r.spike);
  CHECK(r.psi == 0.75);
}

TEST_CASE("bsshslm readout: softmax over readouts, one-step lag, zero outside the learning window",
          "[bsshslm][models]") {
  eligo::BsshslmReadoutConstants c;
  c.loss = eligo::ReadoutLoss::cross_entropy;
  c.P_v = 0.5;
  c.P_i = 1.0;
  c.V_min = -DBL_MAX;
  eligo::BsshslmReadoutState s(2, c);
  s.unnormalized = {2.0, 6.0};  // u(t − 1) of both readouts
  s.target = {0.0, 1.0};
  s.v = {0.0, std::log(3.0)};
  const auto y0 = eligo::EpropReadoutBsshslm::signals(0, 6.0, true, c, s);
  const auto y1 = eligo::EpropReadoutBsshslm::signals(1, 2.0, true, c, s);
  CHECK(y0.y == 0.25);
  CHECK(y1.y == 0.75);
  CHECK(y0.eps == 0.25);
  CHECK(y1.eps == -0.25);
  CHECK(s.unnormalized[0] == 1.0);  // exp(v + E_L)
  const auto outside = eligo::EpropReadoutBsshslm::signals(1, 1.0, false, c, s);
  CHECK(outside.y == 0.0);
  CHECK(outside.eps == 0.0);
  CHECK(s.target[1] == 0.0);

  c.loss = eligo::ReadoutLoss::mean_squared_error;
  eligo::BsshslmReadoutState m(1, c);
  m.target = {0.5};
  eligo::EpropReadoutBsshslm::integrate(0, 2.0, 7, true, c, m);  // v = 2
  auto first = eligo::EpropReadoutBsshslm::signals(0, 0.0, true, c, m);
  CHECK(first.y == 0.0);  // the signal lags the membrane by one step
  CHECK(first.eps == -0.5);
  eligo::EpropReadoutBsshslm::integrate(0, 0.0, 8, true, c, m);
  CHECK(eligo::EpropReadoutBsshslm::signals(0, 0.0, true, c, m).y == 2.0);
  eligo::EpropReadoutBsshslm::integrate(0, 0.0, 0, true, c, m);  // interval start: v = 0
  CHECK(m.v[0] == 0.0);
}

namespace {

// A target whose interval gradient is the window's length, recording where each window started.
struct CountingTarget {
  mutable std::vector<Step> triggers;
  double gradient(std::uint32_t, double, Step t_trigger, const std::vector<Step>& isis, Step) const {
    triggers.push_back(t_trigger);
    double steps = 0.0;
    for (Step isi : isis) steps += static_cast<double>(isi);
    return steps;
  }
};

}  // namespace

TEST_CASE("bsshslm synapse: discarded first-step spikes, updates at boundaries, flush then spike",
          "[bsshslm][synapses]") {
  eligo::OptimizerParams gd;
  gd.eta = 1.0;
  // T = 10, rec targets (shift 2): interval 0 ends with stamp 11, stamp 12 is interval 1's first step.
  eligo::BsshslmSynapses syn(gd, 10, 2, /*target_is_recurrent=*/true, 4);
  syn.add(1, 0, 1.0, 0.5);
  syn.finalize();
  CountingTarget target;
  double x = 0.0;
  CHECK(syn.send(0, 5, false, 1, target, &x) == 1);  // first spike: transmitted, no update
  CHECK(syn.send(0, 8, false, 1, target, &x) == 1);
  CHECK(x == 2.0);
  CHECK(syn.send(0, 12, false, 1, target, &x) == 0);  // (12 − 2) mod 10 = 0: discarded
  CHECK(x == 2.0);
  CHECK(target.triggers.empty());
  // The first spike after the boundary: intervals 3 and min(15, 12) − 8 = 4, window from stamp 5; OPT with
  // idx 1 moves w by −η·7 before the spike is transmitted.
  syn.send(0, 15, false, 1, target, &x);
  REQUIRE(target.triggers.size() == 1);
  CHECK(target.triggers[0] == 5);
  CHECK(x == 2.0 - 6.0);
  CHECK(syn.source(0).t_previous_update == 10);
  // A flush computes interval 1's gradient (22 − 15 = 7) but does not apply it; a second flush is ignored.
  CHECK(syn.send(0, 25, true, 1, target, &x) == 0);
  CHECK(target.triggers.size() == 2);
  CHECK(syn.send(0, 27, true, 1, target, &x) == 0);
  CHECK(target.triggers.size() == 2);
  // The next spike restarts the markers at its stamp and applies the pending gradient: w = −6 − 7.
  x = 0.0;
  syn.send(0, 28, false, 1, target, &x);
  CHECK(x == -13.0);
  CHECK(syn.source(0).t_previous_trigger == 28);
  CHECK(syn.source(0).t_spike_previous == 28);
}

TEST_CASE("bsshslm interval gradient of a rec target, by hand", "[bsshslm][synapses]") {
  eligo::BsshslmNeuronConstants c = simple_neuron();
  c.P_z = 1.0;
  std::vector<const eligo::BsshslmNeuronConstants*> neurons{&c};
  eligo::IntervalHistory h(1, eligo::kBsshslmRecurrentFields, 10, 2);
  // ψ and L of stamps 5, 6, 7; the interval's regularization 0.5.
  const double psi[] = {1.0, 0.5, 0.25}, L[] = {2.0, 4.0, 8.0};
  for (int o = 0; o < 3; ++o) {
    h.at(eligo::kBsshslmPsi, 0, 5 + o) = psi[o];
    h.at(eligo::kBsshslmLearningSignal, 0, 5 + o) = L[o];
  }
  h.per_interval(0, 0) = 0.5;
  const eligo::BsshslmRecurrentTarget target{h, neurons, false, 4.0};
  // One spike at 5, the next at 7 (isis 2, 1), κ = 0.5:
  //   z̄ = 1, 0.5, 1.25;  e = 1, 0.25, 0.3125;  ē = 0.5, 0.375, 0.34375;  g = 1 + 1.5 + 2.75;  Σe = 1.5625
  //   g += 0.5·1.5625
  CHECK(target.gradient(0, 0.5, 5, {2, 1}, 0) == 5.25 + 0.78125);
  const eligo::BsshslmRecurrentTarget averaged{h, neurons, true, 4.0};
  CHECK(averaged.gradient(0, 0.5, 5, {2, 1}, 0) == (5.25 + 0.78125) / 4.0);
  // A window past its interval is a bug, not a number.
  CHECK_THROWS_AS(target.gradient(0, 0.5, 5, {20}, 0), std::logic_error);
}

TEST_CASE("bsshslm interval gradient of an adaptive rec target and of a readout, by hand", "[bsshslm][synapses]") {
  eligo::BsshslmNeuronConstants c = simple_neuron();
  c.adaptive = true;
  c.beta = 0.5;
  c.P_a = 0.5;
  std::vector<const eligo::BsshslmNeuronConstants*> neurons{&c};
  eligo::IntervalHistory h(1, eligo::kBsshslmRecurrentFields, 10, 2);
  h.at(eligo::kBsshslmPsi, 0, 5) = 1.0;
  h.at(eligo::kBsshslmPsi, 0, 6) = 0.5;
  h.at(eligo::kBsshslmLearningSignal, 0, 5) = 2.0;
  h.at(eligo::kBsshslmLearningSignal, 0, 6) = 4.0;
  h.per_interval(0, 0) = 0.0;
  const eligo::BsshslmRecurrentTarget rec{h, neurons, false, 2.0};
  // z̄ = 1, 0.5;  e = 1·(1 − 0.5·0) = 1, then 0.5·(0.5 − 0.5·1) = 0;  ε_a = 1, 0.5;  ē = 0.5, 0.25;
  // g = 2·0.5 + 4·0.25
  CHECK(rec.gradient(0, 0.5, 5, {2}, 0) == 2.0);

  eligo::BsshslmReadoutConstants out;
  out.P_v = 0.5;
  out.P_z = 0.5;
  eligo::IntervalHistory eps(1, 1, 10, 3);
  eps.at(0, 0, 5) = 1.0;
  eps.at(0, 0, 6) = 2.0;
  eps.at(0, 0, 7) = 4.0;
  // Spikes at 5 and 6 (isis 1, 2): z̄ = 0.5, 0.75, 0.375;  g = 1·0.5 + 2·0.75 + 4·0.375 = 3.5, averaged over LW = 2.
  const eligo::BsshslmReadoutTarget readout{eps, out, true, 2.0};
  CHECK(readout.gradient(0, 0.5, 5, {1, 2}, 0) == 1.75);
  // An empty window (a spike right after a flush) contributes nothing and reads no history.
  CHECK(readout.gradient(0, 0.5, 9, {0}, 0) == 0.0);
}
