// NEST's range rules for each model parameter; the first violated rule is reported.
#include "runtime/models/parameter_checks.hpp"

#include <cmath>

#include "runtime/core/format_number.hpp"

namespace eligo {
namespace {

// Collects the first violation; later rules are not evaluated once one failed. A rule on a parameter that the
// model does not take (its row in the table names other models) is skipped.
template <class P, std::size_t N>
class Rules {
 public:
  Rules(const P& params, const ModelParameter<P> (&table)[N], ModelSet model = kAnyModel)
      : p_(params), table_(table), model_(model) {}

  Rules& positive(double P::*m) { return expect(m, p_.*m > 0.0, "> 0"); }
  Rules& non_negative(double P::*m) { return expect(m, p_.*m >= 0.0, ">= 0"); }
  Rules& unit_interval(double P::*m) { return expect(m, p_.*m >= 0.0 && p_.*m <= 1.0, "in [0, 1]"); }
  Rules& at_least(double P::*m, double P::*bound) { return expect(m, p_.*m >= p_.*bound, ">= " + bound_text(bound)); }
  Rules& below(double P::*m, double P::*bound) { return expect(m, p_.*m < p_.*bound, "< " + bound_text(bound)); }
  // A duration in ms that the engine turns into steps: +inf allowed, finite values within the step range.
  Rules& duration(double P::*m, bool strictly_positive, double h) {
    const double ms = p_.*m;
    expect(m, strictly_positive ? ms > 0.0 : ms >= 0.0, strictly_positive ? "> 0" : ">= 0");
    return expect(m, std::isinf(ms) || ms / h <= kMaxFiniteSteps,
                  "\"inf\" or at most " + format_number(kMaxFiniteSteps) + " steps");
  }
  // A flag that must stay off.
  Rules& refuse(bool P::*m, const std::string& problem) {
    const ModelParameter<P>& row = parameter_of(table_, m);
    if (!problem_ && row.taken_by(model_) && p_.*m) problem_ = ParameterProblem{std::string(row.name), problem};
    return *this;
  }
  std::optional<ParameterProblem> result() const { return problem_; }

 private:
  // Write `ok` as the positive condition so that NaN fails it.
  Rules& expect(double P::*m, bool ok, const std::string& expectation) {
    const ModelParameter<P>& row = parameter_of(table_, m);
    if (!problem_ && row.taken_by(model_) && !ok)
      problem_ =
          ParameterProblem{std::string(row.name), "must be " + expectation + " (got " + format_number(p_.*m) + ")"};
    return *this;
  }
  std::string bound_text(double P::*bound) const {
    return std::string(parameter_of(table_, bound).name) + " = " + format_number(p_.*bound);
  }

  const P& p_;
  const ModelParameter<P> (&table_)[N];
  ModelSet model_;
  std::optional<ParameterProblem> problem_;
};

}  // namespace

std::optional<ParameterProblem> check_recurrent(const RecurrentParams& p, RecurrentModel model, double h) {
  using R = RecurrentParams;
  return Rules(p, kRecurrentParameters, model_bit(model))
      .positive(&R::C_m)
      .positive(&R::tau_m)
      .duration(&R::t_ref, false, h)
      .at_least(&R::V_th, &R::V_min)
      .non_negative(&R::c_reg)
      .non_negative(&R::f_target)
      .unit_interval(&R::kappa)
      .unit_interval(&R::kappa_reg)
      .positive(&R::surrogate_gradient_height)
      .positive(&R::surrogate_gradient_width)
      .duration(&R::eprop_isi_trace_cutoff, false, h)
      .duration(&R::flush_event_send_interval, true, h)
      .duration(&R::ignore_and_spike_offset, false, h)
      .duration(&R::ignore_and_spike_interval, true, h)
      .refuse(&R::ignore_and_spike, "is not supported by the engine (a NEST benchmarking aid)")
      // Adaptive models only (the table says so).
      .positive(&R::adapt_tau)
      .non_negative(&R::adapt_beta)
      // psc_delta models only.
      .below(&R::V_reset, &R::V_th)
      .at_least(&R::V_reset, &R::V_min)
      .result();
}

std::optional<ParameterProblem> check_readout(const ReadoutParams& p, double h) {
  using R = ReadoutParams;
  return Rules(p, kReadoutParameters)
      .positive(&R::C_m)
      .positive(&R::tau_m)
      .duration(&R::eprop_isi_trace_cutoff, false, h)
      .result();
}

std::optional<ParameterProblem> check_input(const InputParams& p, double h) {
  return Rules(p, kInputParameters).duration(&InputParams::flush_event_send_interval, true, h).result();
}

}  // namespace eligo
