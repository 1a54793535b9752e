#pragma once
// The parameters of the neuron models, with NEST's names, units and defaults (docs/numerics.md §13), and the
// one table per model that every reader of parameters uses: the config loader, the NEST case loader and the
// parameter checks. A parameter is added here once and all three know it.
//
// The defaults are the member initializers of the parameter structs; the tables name each member, give its
// unit and say which recurrent models take it.
#include <cfloat>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <variant>

#include "runtime/core/named_value.hpp"

namespace eligo {

// The last two are NEST's original variant (Bellec et al. 2020, docs/numerics.md §16): they learn in fixed update
// intervals and need the bsshslm_2020 shards (runtime/network/bsshslm_*_shard.hpp).
enum class RecurrentModel {
  eprop_iaf,
  eprop_iaf_adapt,
  eprop_iaf_psc_delta,
  eprop_iaf_psc_delta_adapt,
  eprop_iaf_bsshslm_2020,
  eprop_iaf_adapt_bsshslm_2020
};
// The loss of eprop_readout_bsshslm_2020 (eprop_readout has mean squared error only).
enum class ReadoutLoss { mean_squared_error, cross_entropy };
enum class SurrogateFunction { piecewise_linear, exponential, fast_sigmoid_derivative, arctan_derivative };

inline constexpr double kInf = std::numeric_limits<double>::infinity();

// Parameters of the recurrent models (units in kRecurrentParameters).
struct RecurrentParams {
  double C_m = 250.0;
  double E_L = -70.0;
  double I_e = 0.0;
  double t_ref = 2.0;
  double tau_m = 10.0;
  double V_th = -55.0;
  double V_min = -DBL_MAX;
  double V_m = -70.0;      // initial
  double V_reset = -70.0;  // psc_delta models only
  bool refractory_input = false;
  double adapt_beta = 1.0;
  double adapt_tau = 10.0;
  double adaptation = 0.0;
  double c_reg = 0.0;
  double f_target = 10.0;
  double kappa = 0.97;
  double kappa_reg = 0.97;
  SurrogateFunction surrogate_gradient_function = SurrogateFunction::piecewise_linear;
  double surrogate_gradient_height = 0.3;
  double surrogate_gradient_width = 1.0;
  double eprop_isi_trace_cutoff = kInf;
  double flush_event_send_interval = kInf;
  bool ignore_and_spike = false;
  double ignore_and_spike_offset = 1.0;
  double ignore_and_spike_interval = 100.0;
  bool regular_spike_arrival = true;  // bsshslm_2020 models only: P_z = 1, else 1 − exp(−h/τ_m)
};

// Parameters of eprop_readout (units in kReadoutParameters).
struct ReadoutParams {
  double C_m = 250.0;
  double E_L = 0.0;
  double I_e = 0.0;
  double tau_m = 10.0;
  double V_min = -DBL_MAX;
  double V_m = 0.0;
  double eprop_isi_trace_cutoff = kInf;
  // eprop_readout_bsshslm_2020 only (docs/numerics.md §16).
  bool regular_spike_arrival = true;
  ReadoutLoss loss = ReadoutLoss::mean_squared_error;
};

// NEST stores V_min relative to E_L; the lowest double (V_min's default) stays the lowest double.
constexpr double relative_lower_bound(double v_min, double e_l) { return v_min > -DBL_MAX ? v_min - e_l : v_min; }

// Input relays behave like NEST's parrot neurons (docs/numerics.md §5.4).
struct InputParams {
  double flush_event_send_interval = kInf;
};

inline constexpr NamedValue<RecurrentModel> kRecurrentModelNames[] = {
    {"eprop_iaf", RecurrentModel::eprop_iaf},
    {"eprop_iaf_adapt", RecurrentModel::eprop_iaf_adapt},
    {"eprop_iaf_psc_delta", RecurrentModel::eprop_iaf_psc_delta},
    {"eprop_iaf_psc_delta_adapt", RecurrentModel::eprop_iaf_psc_delta_adapt},
    {"eprop_iaf_bsshslm_2020", RecurrentModel::eprop_iaf_bsshslm_2020},
    {"eprop_iaf_adapt_bsshslm_2020", RecurrentModel::eprop_iaf_adapt_bsshslm_2020},
};
inline constexpr NamedValue<ReadoutLoss> kReadoutLossNames[] = {
    {"mean_squared_error", ReadoutLoss::mean_squared_error},
    {"cross_entropy", ReadoutLoss::cross_entropy},
};
inline constexpr NamedValue<SurrogateFunction> kSurrogateFunctionNames[] = {
    {"piecewise_linear", SurrogateFunction::piecewise_linear},
    {"exponential", SurrogateFunction::exponential},
    {"fast_sigmoid_derivative", SurrogateFunction::fast_sigmoid_derivative},
    {"arctan_derivative", SurrogateFunction::arctan_derivative},
};

const char* to_string(RecurrentModel m);
const char* to_string(SurrogateFunction f);
const char* to_string(ReadoutLoss l);

// Sets of recurrent models, one bit per model; kAnyModel: every model takes the parameter.
using ModelSet = unsigned;
constexpr ModelSet model_bit(RecurrentModel m) { return 1u << static_cast<unsigned>(m); }
inline constexpr ModelSet kAnyModel = 0;
inline constexpr ModelSet kAdaptive = model_bit(RecurrentModel::eprop_iaf_adapt) |
                                      model_bit(RecurrentModel::eprop_iaf_psc_delta_adapt) |
                                      model_bit(RecurrentModel::eprop_iaf_adapt_bsshslm_2020);
inline constexpr ModelSet kBsshslm =
    model_bit(RecurrentModel::eprop_iaf_bsshslm_2020) | model_bit(RecurrentModel::eprop_iaf_adapt_bsshslm_2020);
// The event-driven models (eprop_iaf family): the ones with an eligibility cutoff and κ on the neuron.
inline constexpr ModelSet kEventDriven =
    model_bit(RecurrentModel::eprop_iaf) | model_bit(RecurrentModel::eprop_iaf_adapt) |
    model_bit(RecurrentModel::eprop_iaf_psc_delta) | model_bit(RecurrentModel::eprop_iaf_psc_delta_adapt);
inline constexpr ModelSet kPscDelta =
    model_bit(RecurrentModel::eprop_iaf_psc_delta) | model_bit(RecurrentModel::eprop_iaf_psc_delta_adapt);

constexpr bool is_adaptive(RecurrentModel m) { return (kAdaptive & model_bit(m)) != 0; }
constexpr bool is_psc_delta(RecurrentModel m) { return (kPscDelta & model_bit(m)) != 0; }
constexpr bool is_bsshslm(RecurrentModel m) { return (kBsshslm & model_bit(m)) != 0; }

// One row of a model's parameter table.
template <class P>
struct ModelParameter {
  std::string_view name;  // NEST's name, as users write it
  std::string_view unit;  // NEST's unit; empty for pure numbers, flags and choices
  std::variant<double P::*, bool P::*, SurrogateFunction P::*> member;
  bool may_be_infinite = false;  // durations where "inf" means "never"
  ModelSet models = kAnyModel;   // the recurrent models that take it (NEST refuses a parameter its model lacks)

  bool taken_by(ModelSet model) const { return models == kAnyModel || (models & model) != 0; }
};

inline constexpr bool kMayBeInfinite = true;
inline constexpr bool kFinite = false;

// The order is the order of the "known:" list in the config loader's messages.
inline const ModelParameter<RecurrentParams> kRecurrentParameters[] = {
    {"C_m", "pF", &RecurrentParams::C_m},
    {"E_L", "mV", &RecurrentParams::E_L},
    {"I_e", "pA", &RecurrentParams::I_e},
    {"t_ref", "ms", &RecurrentParams::t_ref},
    {"tau_m", "ms", &RecurrentParams::tau_m},
    {"V_th", "mV", &RecurrentParams::V_th},
    {"V_min", "mV", &RecurrentParams::V_min},
    {"V_m", "mV", &RecurrentParams::V_m},
    {"V_reset", "mV", &RecurrentParams::V_reset, kFinite, kPscDelta},
    {"refractory_input", "", &RecurrentParams::refractory_input, kFinite, kPscDelta},
    {"adapt_beta", "", &RecurrentParams::adapt_beta, kFinite, kAdaptive},
    {"adapt_tau", "ms", &RecurrentParams::adapt_tau, kFinite, kAdaptive},
    {"adaptation", "", &RecurrentParams::adaptation, kFinite, kAdaptive},
    {"c_reg", "", &RecurrentParams::c_reg},
    {"f_target", "Hz", &RecurrentParams::f_target},
    {"kappa", "", &RecurrentParams::kappa, kFinite, kEventDriven},
    {"kappa_reg", "", &RecurrentParams::kappa_reg, kFinite, kEventDriven},
    {"surrogate_gradient_function", "", &RecurrentParams::surrogate_gradient_function},
    {"surrogate_gradient_height", "", &RecurrentParams::surrogate_gradient_height},
    {"surrogate_gradient_width", "", &RecurrentParams::surrogate_gradient_width},
    {"eprop_isi_trace_cutoff", "ms", &RecurrentParams::eprop_isi_trace_cutoff, kMayBeInfinite, kEventDriven},
    {"flush_event_send_interval", "ms", &RecurrentParams::flush_event_send_interval, kMayBeInfinite},
    {"regular_spike_arrival", "", &RecurrentParams::regular_spike_arrival, kFinite, kBsshslm},
    {"ignore_and_spike", "", &RecurrentParams::ignore_and_spike},
    {"ignore_and_spike_offset", "ms", &RecurrentParams::ignore_and_spike_offset},
    {"ignore_and_spike_interval", "ms", &RecurrentParams::ignore_and_spike_interval, kMayBeInfinite},
};

inline const ModelParameter<ReadoutParams> kReadoutParameters[] = {
    {"C_m", "pF", &ReadoutParams::C_m},
    {"E_L", "mV", &ReadoutParams::E_L},
    {"I_e", "pA", &ReadoutParams::I_e},
    {"tau_m", "ms", &ReadoutParams::tau_m},
    {"V_min", "mV", &ReadoutParams::V_min},
    {"V_m", "mV", &ReadoutParams::V_m},
    {"eprop_isi_trace_cutoff", "ms", &ReadoutParams::eprop_isi_trace_cutoff, kMayBeInfinite},
    {"regular_spike_arrival", "", &ReadoutParams::regular_spike_arrival},  // eprop_readout_bsshslm_2020 only
};

inline const ModelParameter<InputParams> kInputParameters[] = {
    {"flush_event_send_interval", "ms", &InputParams::flush_event_send_interval, kMayBeInfinite},
};

// The row of `member` in `table`; every member of the parameter structs has one.
template <class P, class M, std::size_t N>
const ModelParameter<P>& parameter_of(const ModelParameter<P> (&table)[N], M P::*member) {
  for (const ModelParameter<P>& row : table) {
    const auto* m = std::get_if<M P::*>(&row.member);
    if (m != nullptr && *m == member) return row;
  }
  throw std::logic_error("a parameter member missing from its model's table");
}

}  // namespace eligo
