// Tests of the neuron models (runtime/models/*, docs/numerics.md §3–§6): one model update at a time, driven directly
// with hand-made constants and state. Expected values are written out from the spec's formulas in the
// spec's operand order, so they are compared exactly.
#include <catch2/catch.hpp>
#include <cfloat>
#include <cmath>
#include <cstdint>

#include "runtime/models/eprop_iaf.hpp"
#include "runtime/models/eprop_iaf_adapt.hpp"
#include "runtime/models/eprop_iaf_psc_delta.hpp"
#include "runtime/models/eprop_iaf_psc_delta_adapt.hpp"
#include "runtime/models/eprop_readout.hpp"
#include "runtime/models/readout_constants.hpp"
#include "runtime/models/recurrent_constants.hpp"
#include "runtime/models/recurrent_state.hpp"
#include "runtime/models/surrogate_gradient.hpp"

namespace {

using eligo::EpropIaf;
using eligo::EpropIafAdapt;
using eligo::EpropIafPscDelta;
using eligo::EpropIafPscDeltaAdapt;
using eligo::EpropReadout;
using eligo::ReadoutConstants;
using eligo::ReadoutParams;
using eligo::ReadoutState;
using eligo::RecurrentConstants;
using eligo::RecurrentModel;
using eligo::RecurrentParams;
using eligo::RecurrentState;
using eligo::SurrogateFunction;
using eligo::SurrogateGradient;

constexpr double h = 1.0;  // ms

// NEST defaults with E_L = -70 mV, so V_th = -55 mV is 15 mV above rest; no refractoriness unless a test
// sets it.
RecurrentParams params_without_refractoriness() {
  RecurrentParams p;
  p.t_ref = 0.0;
  return p;
}

// One neuron of model M, updated the way RecurrentShard does it: after each update the shard stores the
// spike in z, which the adaptive models read as z(t−1) in the next step.
template <class Model>
struct Neuron {
  RecurrentConstants c;
  RecurrentState s;
  double psi = -1.0;  // ψ of the last step (−1: not yet updated)

  Neuron(RecurrentModel model, const RecurrentParams& p) : c(RecurrentConstants::from(model, p, h)), s(1, c) {}

  bool step(double x) {
    const bool spike = Model::update(0, x, c, s, psi);
    s.z[0] = spike ? 1 : 0;
    return spike;
  }
  double v() const { return s.v[0]; }
};

// ---------------------------------------------------------------------------------------------------
// Constants

TEST_CASE("recurrent constants convert NEST parameters to relative voltages, steps and propagators", "[models]") {
  RecurrentParams p;
  p.E_L = -65.0;
  p.V_th = -50.0;
  p.V_min = -80.0;
  p.V_reset = -60.0;
  p.V_m = -64.0;
  p.t_ref = 3.0;
  p.f_target = 20.0;
  p.eprop_isi_trace_cutoff = 25.0;
  p.adapt_tau = 20.0;
  p.adapt_beta = 0.5;
  const double res = 0.5;
  const auto c = RecurrentConstants::from(RecurrentModel::eprop_iaf_adapt, p, res);
  CHECK(c.P_v == std::exp(-res / p.tau_m));
  CHECK(c.P_i == p.tau_m / p.C_m * (1.0 - c.P_v));
  CHECK(c.P_a == std::exp(-res / p.adapt_tau));
  CHECK(c.beta == 0.5);
  CHECK(c.V_th == 15.0);
  CHECK(c.V_min == -15.0);
  CHECK(c.V_reset == 5.0);
  CHECK(c.V_m_initial == 1.0);
  CHECK(c.n_ref == 6);    // 3 ms / 0.5 ms
  CHECK(c.cutoff == 50);  // 25 ms / 0.5 ms
  CHECK(c.f_target_per_ms == 20.0 / 1000.0);
  CHECK(c.flush_interval == eligo::kInfiniteSteps);  // +inf by default
  // V_min = −DBL_MAX stays the lowest double instead of becoming −DBL_MAX + 70.
  CHECK(RecurrentConstants::from(RecurrentModel::eprop_iaf, RecurrentParams{}, h).V_min == -DBL_MAX);
  // Non-adaptive models carry no adaptation, whatever adapt_beta says.
  CHECK(RecurrentConstants::from(RecurrentModel::eprop_iaf, p, res).beta == 0.0);
}

// ---------------------------------------------------------------------------------------------------
// eprop_iaf (docs/numerics.md §3)

TEST_CASE("eprop_iaf integrates the membrane as P_i*i_in + x + P_v*v", "[models]") {
  Neuron<EpropIaf> n(RecurrentModel::eprop_iaf, params_without_refractoriness());
  const double P_v = std::exp(-h / 10.0);
  const double P_i = 10.0 / 250.0 * (1.0 - P_v);
  REQUIRE(n.c.P_v == P_v);
  REQUIRE(n.c.P_i == P_i);
  CHECK(P_v == Approx(0.9048374180359595));
  n.s.v[0] = 3.0;
  n.s.i_in[0] = 100.0;
  CHECK_FALSE(n.step(2.0));
  CHECK(n.v() == P_i * 100.0 + 2.0 + P_v * 3.0);
  CHECK(n.v() == Approx(0.38065 + 2.0 + 2.71451).epsilon(1e-4));  // ≈ 5.095 mV, well below V_th = 15
  CHECK(n.s.i_in[0] == 0.0);  // I_e = 0 and no current input: nothing for the next step
}

TEST_CASE("eprop_iaf spikes at V_th and resets by subtracting V_th after computing the surrogate gradient",
          "[models]") {
  Neuron<EpropIaf> n(RecurrentModel::eprop_iaf, params_without_refractoriness());
  REQUIRE(n.c.V_th == 15.0);
  CHECK(n.step(15.5));
  // ψ saw v = 15.5, before the reset: 0.3 · (1 − |15.5 − 15|/1).
  CHECK(n.psi == 0.3 * 0.5);
  CHECK(n.v() == 0.5);
  CHECK(n.s.r[0] == 0);  // t_ref = 0
  // Exactly at threshold is a spike too (v ≥ V_th).
  n.s.v[0] = 0.0;
  CHECK(n.step(15.0));
  CHECK(n.v() == 0.0);
  CHECK(n.psi == 0.3);
}

TEST_CASE("eprop_iaf with t_ref = 2 ms is blocked in the step after a spike only, with psi = 0 there", "[models]") {
  auto p = params_without_refractoriness();
  p.t_ref = 2.0;
  Neuron<EpropIaf> n(RecurrentModel::eprop_iaf, p);
  REQUIRE(n.c.n_ref == 2);
  REQUIRE(n.step(15.5));  // step t
  CHECK(n.s.r[0] == 2);
  // Step t+1: r drops to 1, the membrane integrates the input but may not spike; ψ = 0.
  CHECK_FALSE(n.step(20.0));
  CHECK(n.s.r[0] == 1);
  CHECK(n.psi == 0.0);
  const double v1 = 20.0 + n.c.P_v * 0.5;
  CHECK(n.v() == v1);
  // Step t+2: r drops to 0 and the (still super-threshold) membrane spikes.
  CHECK(n.step(0.0));
  const double v2 = n.c.P_v * v1;
  CHECK(n.psi == 0.3 * std::max(0.0, 1.0 - std::fabs(v2 - 15.0)));
  CHECK(n.v() == v2 - 15.0);
}

TEST_CASE("eprop_iaf clamps the membrane at V_min", "[models]") {
  auto p = params_without_refractoriness();
  p.V_min = -75.0;  // 5 mV below E_L
  Neuron<EpropIaf> n(RecurrentModel::eprop_iaf, p);
  n.step(-100.0);
  CHECK(n.v() == -5.0);
  n.step(-1.0);  // −1 + P_v·(−5) < −5 again
  CHECK(n.v() == -5.0);
  n.step(2.0);  // above the clamp: ordinary integration
  CHECK(n.v() == 2.0 + n.c.P_v * -5.0);
}

TEST_CASE("eprop_iaf folds I_e into the input current of the next step", "[models]") {
  auto p = params_without_refractoriness();
  p.I_e = 500.0;
  Neuron<EpropIaf> n(RecurrentModel::eprop_iaf, p);
  n.step(0.0);
  CHECK(n.v() == 0.0);  // step 0 uses i_in = 0: I_e is not yet in it
  CHECK(n.s.i_in[0] == 500.0);
  n.step(0.0);
  CHECK(n.v() == n.c.P_i * 500.0 + 0.0 + n.c.P_v * 0.0);
  CHECK(n.v() > 0.0);
}

// ---------------------------------------------------------------------------------------------------
// eprop_iaf_adapt (docs/numerics.md §4)

TEST_CASE("eprop_iaf_adapt raises its threshold by beta*a with a = P_a*a + z(t-1) and resets by V_th", "[models]") {
  auto p = params_without_refractoriness();
  p.adapt_beta = 2.0;
  p.adapt_tau = 20.0;
  Neuron<EpropIafAdapt> n(RecurrentModel::eprop_iaf_adapt, p);
  const double P_a = std::exp(-h / 20.0);
  REQUIRE(n.c.P_a == P_a);

  // Step 0: a = 0, threshold 15: spike.
  CHECK(n.step(15.5));
  CHECK(n.s.a[0] == 0.0);
  CHECK(n.v() == 0.5);

  // Step 1: the spike of step 0 enters a; the threshold is now 15 + 2·1 = 17.
  CHECK_FALSE(n.step(0.0));
  CHECK(n.s.a[0] == 1.0);
  CHECK(n.s.v_th_adapt[0] == 17.0);
  const double v1 = n.c.P_v * 0.5;
  CHECK(n.v() == v1);

  // Step 2: a = P_a, threshold 15 + 2·P_a ≈ 16.90. v ≈ 17.41 crosses it: ψ uses the adaptive threshold,
  // and the reset subtracts V_th = 15, not V_th_adapt.
  CHECK(n.step(17.0));
  const double a2 = P_a * 1.0 + 0.0;
  const double th2 = 15.0 + 2.0 * a2;
  const double v2 = 17.0 + n.c.P_v * v1;
  CHECK(n.s.a[0] == a2);
  CHECK(n.s.v_th_adapt[0] == th2);
  CHECK(n.psi == 0.3 * std::max(0.0, 1.0 - std::fabs(v2 - th2)));
  CHECK(n.psi > 0.0);
  CHECK(n.v() == v2 - 15.0);

  // Step 3: the second spike enters a.
  n.step(0.0);
  CHECK(n.s.a[0] == P_a * a2 + 1.0);
}

TEST_CASE("eprop_iaf_adapt does not spike below its adaptive threshold even above V_th", "[models]") {
  auto p = params_without_refractoriness();
  p.adapt_beta = 2.0;
  p.adaptation = 1.0;  // a starts at 1, so the first step's threshold is 15 + 2·P_a ≈ 16.9
  Neuron<EpropIafAdapt> n(RecurrentModel::eprop_iaf_adapt, p);
  CHECK_FALSE(n.step(16.0));
  CHECK(n.s.v_th_adapt[0] == 15.0 + 2.0 * n.c.P_a);
  CHECK(n.v() == 16.0);
}

// ---------------------------------------------------------------------------------------------------
// eprop_iaf_psc_delta (docs/numerics.md §5.1)

RecurrentParams psc_delta_params() {
  auto p = params_without_refractoriness();
  p.V_reset = -65.0;  // 5 mV above E_L
  return p;
}

TEST_CASE("eprop_iaf_psc_delta integrates as P_i*(i_in + I_e) + P_v*v + x with I_e used in the same step", "[models]") {
  auto p = psc_delta_params();
  p.I_e = 300.0;
  Neuron<EpropIafPscDelta> n(RecurrentModel::eprop_iaf_psc_delta, p);
  n.s.v[0] = 2.0;
  n.s.i_in[0] = 50.0;
  CHECK_FALSE(n.step(1.0));
  CHECK(n.v() == n.c.P_i * (50.0 + 300.0) + n.c.P_v * 2.0 + 1.0);
  CHECK(n.s.i_in[0] == 0.0);  // I_e is not folded into i_in
  n.step(0.0);
  const double v1 = n.c.P_i * (50.0 + 300.0) + n.c.P_v * 2.0 + 1.0;
  CHECK(n.v() == n.c.P_i * (0.0 + 300.0) + n.c.P_v * v1 + 0.0);
}

TEST_CASE("eprop_iaf_psc_delta resets to V_reset and clamps the membrane for n_ref steps", "[models]") {
  auto p = psc_delta_params();
  p.t_ref = 2.0;
  Neuron<EpropIafPscDelta> n(RecurrentModel::eprop_iaf_psc_delta, p);
  REQUIRE(n.step(15.5));
  CHECK(n.psi == 0.3 * 0.5);  // ψ before the reset
  CHECK(n.v() == 5.0);
  CHECK(n.s.r[0] == 2);
  // Step t+1: refractory (r 2 → 1), input lost, v clamped, ψ = 0.
  CHECK_FALSE(n.step(30.0));
  CHECK(n.v() == 5.0);
  CHECK(n.s.r[0] == 1);
  CHECK(n.psi == 0.0);
  // Step t+2: still refractory at the start (r 1 → 0); v clamped, but ψ is evaluated with r = 0.
  CHECK_FALSE(n.step(30.0));
  CHECK(n.v() == 5.0);
  CHECK(n.s.r[0] == 0);
  CHECK(n.psi == 0.3 * std::max(0.0, 1.0 - std::fabs(5.0 - 15.0)));  // 0: 10 mV from threshold
  // Step t+3: integrates again.
  CHECK_FALSE(n.step(3.0));
  CHECK(n.v() == n.c.P_i * (0.0 + 0.0) + n.c.P_v * 5.0 + 3.0);
}

TEST_CASE("eprop_iaf_psc_delta evaluates psi on the clamped membrane in the step where r reaches 0", "[models]") {
  auto p = psc_delta_params();
  p.t_ref = 1.0;
  p.V_reset = -55.5;  // 0.5 mV below V_th, so ψ ≠ 0 on the clamped membrane
  Neuron<EpropIafPscDelta> n(RecurrentModel::eprop_iaf_psc_delta, p);
  REQUIRE(n.step(16.0));
  CHECK_FALSE(n.step(5.0));  // r 1 → 0: clamped, yet ψ = SG(0, V_reset, V_th)
  CHECK(n.v() == 14.5);
  CHECK(n.psi == 0.3 * 0.5);
}

TEST_CASE(
    "eprop_iaf_psc_delta with refractory_input buffers input as x*exp(-r*h/tau_m) and adds it in the "
    "first non-refractory step",
    "[models]") {
  auto p = psc_delta_params();
  p.t_ref = 2.0;
  p.refractory_input = true;
  Neuron<EpropIafPscDelta> n(RecurrentModel::eprop_iaf_psc_delta, p);
  REQUIRE(n.step(15.5));
  n.step(3.0);  // r = 2 before the decrement
  const double buf1 = 0.0 + 3.0 * std::exp(-2.0 * h / 10.0);
  CHECK(n.s.refr_buf[0] == buf1);
  CHECK(n.v() == 5.0);
  n.step(4.0);  // r = 1 before the decrement
  const double buf2 = buf1 + 4.0 * std::exp(-1.0 * h / 10.0);
  CHECK(n.s.refr_buf[0] == buf2);
  CHECK(n.v() == 5.0);
  n.step(1.0);  // first non-refractory step: normal integration, then the buffer
  CHECK(n.v() == (n.c.P_i * (0.0 + 0.0) + n.c.P_v * 5.0 + 1.0) + buf2);
  CHECK(n.s.refr_buf[0] == 0.0);
}

TEST_CASE("eprop_iaf_psc_delta without refractory_input loses the input that arrives while refractory", "[models]") {
  auto p = psc_delta_params();
  p.t_ref = 2.0;
  Neuron<EpropIafPscDelta> n(RecurrentModel::eprop_iaf_psc_delta, p);
  REQUIRE(n.step(15.5));
  n.step(3.0);
  n.step(4.0);
  CHECK(n.s.refr_buf[0] == 0.0);
  n.step(1.0);
  CHECK(n.v() == n.c.P_v * 5.0 + 1.0);
}

TEST_CASE("eprop_iaf_psc_delta clamps at V_min after adding the refractory buffer", "[models]") {
  auto p = psc_delta_params();
  p.t_ref = 1.0;
  p.refractory_input = true;
  p.V_min = -72.0;  // 2 mV below E_L
  Neuron<EpropIafPscDelta> n(RecurrentModel::eprop_iaf_psc_delta, p);
  REQUIRE(n.step(15.5));
  n.step(-50.0);  // buffered
  REQUIRE(n.s.refr_buf[0] < -40.0);
  n.step(0.0);
  CHECK(n.v() == -2.0);
}

// ---------------------------------------------------------------------------------------------------
// eprop_iaf_psc_delta_adapt (docs/numerics.md §5.2)

TEST_CASE("eprop_iaf_psc_delta_adapt with n_ref >= 1 never lets a spike enter the adaptation", "[models]") {
  auto p = psc_delta_params();
  p.t_ref = 1.0;
  p.adapt_beta = 3.0;
  Neuron<EpropIafPscDeltaAdapt> n(RecurrentModel::eprop_iaf_psc_delta_adapt, p);
  int spikes = 0;
  for (int t = 0; t < 20; ++t) {
    spikes += n.step(16.0) ? 1 : 0;
    CHECK(n.s.a[0] == 0.0);
    CHECK(n.s.v_th_adapt[0] == 15.0);
  }
  CHECK(spikes == 10);  // spike, refractory, spike, ... (the reset to 5 mV plus 16 crosses 15 at once)
}

TEST_CASE("eprop_iaf_psc_delta_adapt with t_ref = 0 drives the adaptation with its spikes", "[models]") {
  auto p = psc_delta_params();
  p.adapt_beta = 3.0;
  p.adapt_tau = 20.0;
  Neuron<EpropIafPscDeltaAdapt> n(RecurrentModel::eprop_iaf_psc_delta_adapt, p);
  REQUIRE(n.step(16.0));
  CHECK(n.v() == 5.0);  // reset to V_reset
  CHECK_FALSE(n.step(0.0));
  CHECK(n.s.a[0] == 1.0);
  CHECK(n.s.v_th_adapt[0] == 18.0);
  n.step(0.0);
  CHECK(n.s.a[0] == n.c.P_a * 1.0 + 0.0);
}

TEST_CASE("eprop_iaf_psc_delta_adapt freezes the adaptation while refractory", "[models]") {
  auto p = psc_delta_params();
  p.t_ref = 2.0;
  p.adapt_beta = 1.0;
  p.adaptation = 0.5;
  Neuron<EpropIafPscDeltaAdapt> n(RecurrentModel::eprop_iaf_psc_delta_adapt, p);
  REQUIRE(n.step(20.0));
  const double a0 = n.c.P_a * 0.5 + 0.0;
  CHECK(n.s.a[0] == a0);
  n.step(0.0);  // refractory
  n.step(0.0);  // refractory (r reaches 0)
  CHECK(n.s.a[0] == a0);
  CHECK(n.s.v_th_adapt[0] == 15.0 + 1.0 * a0);
  n.step(0.0);  // z was cleared in the refractory steps, so the spike is not added
  CHECK(n.s.a[0] == n.c.P_a * a0 + 0.0);
}

// ---------------------------------------------------------------------------------------------------
// Surrogate gradients (docs/numerics.md §6)

SurrogateGradient surrogate(SurrogateFunction f, double height, double width) { return {f, height, width}; }

TEST_CASE("piecewise_linear surrogate is height*(1 - |v - v_th|/width) inside the width and 0 outside", "[models]") {
  const auto sg = surrogate(SurrogateFunction::piecewise_linear, 0.3, 1.0);
  CHECK(sg(0, 15.25, 15.0) == 0.3 * 0.75);
  CHECK(sg(0, 15.25, 15.0) == Approx(0.225));
  CHECK(sg(0, 14.75, 15.0) == 0.3 * 0.75);  // symmetric
  CHECK(sg(0, 15.0, 15.0) == 0.3);
  CHECK(sg(0, 16.0, 15.0) == 0.0);  // exactly at the width
  CHECK(sg(0, 16.5, 15.0) == 0.0);
  CHECK(sg(0, 13.0, 15.0) == 0.0);
  const auto wide = surrogate(SurrogateFunction::piecewise_linear, 0.5, 4.0);
  CHECK(wide(0, 12.0, 15.0) == 0.5 * 0.25);  // |Δ| = 3 of 4
}

TEST_CASE("exponential surrogate is height*exp(-|v - v_th|/width)", "[models]") {
  const auto sg = surrogate(SurrogateFunction::exponential, 0.5, 2.0);
  CHECK(sg(0, 16.0, 15.0) == 0.5 * std::exp(-0.5));
  CHECK(sg(0, 16.0, 15.0) == Approx(0.3032653298563167));
  CHECK(sg(0, 14.0, 15.0) == 0.5 * std::exp(-0.5));
  CHECK(sg(0, 15.0, 15.0) == 0.5);
  CHECK(sg(0, 35.0, 15.0) == 0.5 * std::exp(-10.0));  // never exactly 0
}

TEST_CASE("fast_sigmoid_derivative surrogate is height*(1 + |v - v_th|/width)^-2", "[models]") {
  const auto sg = surrogate(SurrogateFunction::fast_sigmoid_derivative, 0.3, 1.0);
  CHECK(sg(0, 16.0, 15.0) == 0.3 * 0.25);
  CHECK(sg(0, 12.0, 15.0) == 0.3 * (1.0 / 16.0));
  CHECK(sg(0, 15.0, 15.0) == 0.3);
  const auto wide = surrogate(SurrogateFunction::fast_sigmoid_derivative, 1.0, 2.0);
  CHECK(wide(0, 15.5, 15.0) == std::pow(1.25, -2.0));
  CHECK(wide(0, 15.5, 15.0) == Approx(0.64));
}

TEST_CASE("arctan_derivative surrogate is height/(1 + ((v - v_th)/width)^2)", "[models]") {
  const auto sg = surrogate(SurrogateFunction::arctan_derivative, 0.3, 2.0);
  CHECK(sg(0, 17.0, 15.0) == 0.3 / 2.0);
  CHECK(sg(0, 11.0, 15.0) == 0.3 / 5.0);
  CHECK(sg(0, 11.0, 15.0) == Approx(0.06));
  CHECK(sg(0, 15.0, 15.0) == 0.3);
}

TEST_CASE("every surrogate gradient is 0 while the neuron is refractory", "[models]") {
  for (auto f : {SurrogateFunction::piecewise_linear, SurrogateFunction::exponential,
                 SurrogateFunction::fast_sigmoid_derivative, SurrogateFunction::arctan_derivative}) {
    INFO("surrogate " << eligo::to_string(f));
    const auto sg = surrogate(f, 0.3, 1.0);
    CHECK(sg(0, 15.0, 15.0) == 0.3);
    CHECK(sg(1, 15.0, 15.0) == 0.0);
    CHECK(sg(7, 15.0, 15.0) == 0.0);
  }
}

TEST_CASE("recurrent models use the surrogate function chosen in the parameters", "[models]") {
  auto p = params_without_refractoriness();
  p.surrogate_gradient_function = SurrogateFunction::arctan_derivative;
  p.surrogate_gradient_height = 0.4;
  p.surrogate_gradient_width = 2.0;
  Neuron<EpropIaf> n(RecurrentModel::eprop_iaf, p);
  n.step(11.0);  // Δ = −4
  CHECK(n.psi == 0.4 / 5.0);
}

// ---------------------------------------------------------------------------------------------------
// eprop_readout (docs/numerics.md §5.3)

struct Readout {
  ReadoutConstants c;
  ReadoutState s;
  explicit Readout(const ReadoutParams& p) : c(ReadoutConstants::from(p, h)), s(1, c) {}
  eligo::ReadoutStep step(double x) { return EpropReadout::update(0, x, c, s); }
};

ReadoutParams readout_params() {
  ReadoutParams p;
  p.E_L = 1.5;
  p.V_m = 1.5;  // at rest
  return p;
}

TEST_CASE("eprop_readout reports y = v + E_L and eps = (y - target) * learning_window", "[models]") {
  Readout r(readout_params());
  r.s.target[0] = 2.0;
  r.s.learning_window[0] = 1.0;
  auto out = r.step(4.0);
  CHECK(r.s.v[0] == 4.0);
  CHECK(out.y == 5.5);
  CHECK(out.eps == 3.5);

  r.s.learning_window[0] = 0.0;  // outside the learning window the error is 0, the readout is not
  out = r.step(0.0);
  CHECK(out.y == r.c.P_v * 4.0 + 1.5);
  CHECK(out.eps == 0.0);

  r.s.learning_window[0] = 0.5;
  r.s.target[0] = -1.0;
  out = r.step(0.0);
  const double y = r.c.P_v * (r.c.P_v * 4.0) + 1.5;
  CHECK(out.y == y);
  CHECK(out.eps == (y - -1.0) * 0.5);
}

TEST_CASE("eprop_readout integrates as P_i*i_in + x + P_v*v and uses I_e in the next step", "[models]") {
  auto p = readout_params();
  p.I_e = 250.0;
  Readout r(p);
  r.s.learning_window[0] = 1.0;
  r.step(1.0);
  CHECK(r.s.v[0] == 1.0);  // i_in was 0 in the first step
  CHECK(r.s.i_in[0] == 250.0);
  const auto out = r.step(2.0);
  const double v = r.c.P_i * 250.0 + 2.0 + r.c.P_v * 1.0;
  CHECK(r.s.v[0] == v);
  CHECK(out.y == v + 1.5);
}

TEST_CASE("eprop_readout clamps its membrane at V_min", "[models]") {
  auto p = readout_params();
  p.V_min = -0.5;  // 2 mV below E_L
  Readout r(p);
  const auto out = r.step(-10.0);
  CHECK(r.s.v[0] == -2.0);
  CHECK(out.y == -0.5);
}

}  // namespace
