#include "runtime/network/parameter_checks.hpp"

#include <cmath>

namespace eligo {
namespace {

// Collects the first violation; later rules are not evaluated once one failed.
class Rules {
 public:
  // Write `ok` as the positive condition so that NaN fails it.
  Rules& expect(bool ok, const char* parameter, const std::string& expectation, double got) {
    if (!problem_ && !ok)
      problem_ = ParameterProblem{parameter, "must be " + expectation + " (got " + format_number(got) + ")"};
    return *this;
  }
  // A duration in ms that the engine turns into steps: +inf allowed, finite values within the step range.
  Rules& duration(double ms, const char* parameter, bool strictly_positive, double h) {
    expect(strictly_positive ? ms > 0.0 : ms >= 0.0, parameter, strictly_positive ? "> 0" : ">= 0", ms);
    return expect(std::isinf(ms) || ms / h <= kMaxFiniteSteps, parameter,
                  "\"inf\" or at most " + format_number(kMaxFiniteSteps) + " steps", ms);
  }
  Rules& refuse(bool bad, const char* parameter, const std::string& problem) {
    if (!problem_ && bad) problem_ = ParameterProblem{parameter, problem};
    return *this;
  }
  std::optional<ParameterProblem> result() const { return problem_; }

 private:
  std::optional<ParameterProblem> problem_;
};

bool is_adaptive(RecurrentModel m) {
  return m == RecurrentModel::eprop_iaf_adapt || m == RecurrentModel::eprop_iaf_psc_delta_adapt;
}
bool is_psc_delta(RecurrentModel m) {
  return m == RecurrentModel::eprop_iaf_psc_delta || m == RecurrentModel::eprop_iaf_psc_delta_adapt;
}

}  // namespace

std::optional<ParameterProblem> check_recurrent(const RecurrentParams& p, RecurrentModel model, double h) {
  Rules r;
  r.expect(p.C_m > 0.0, "C_m", "> 0", p.C_m)
      .expect(p.tau_m > 0.0, "tau_m", "> 0", p.tau_m)
      .duration(p.t_ref, "t_ref", false, h)
      .expect(p.V_th >= p.V_min, "V_th", ">= V_min = " + format_number(p.V_min), p.V_th)
      .expect(p.c_reg >= 0.0, "c_reg", ">= 0", p.c_reg)
      .expect(p.f_target >= 0.0, "f_target", ">= 0", p.f_target)
      .expect(p.kappa >= 0.0 && p.kappa <= 1.0, "kappa", "in [0, 1]", p.kappa)
      .expect(p.kappa_reg >= 0.0 && p.kappa_reg <= 1.0, "kappa_reg", "in [0, 1]", p.kappa_reg)
      .expect(p.surrogate_gradient_height > 0.0, "surrogate_gradient_height", "> 0", p.surrogate_gradient_height)
      .expect(p.surrogate_gradient_width > 0.0, "surrogate_gradient_width", "> 0", p.surrogate_gradient_width)
      .duration(p.eprop_isi_trace_cutoff, "eprop_isi_trace_cutoff", false, h)
      .duration(p.flush_event_send_interval, "flush_event_send_interval", true, h)
      .duration(p.ignore_and_spike_offset, "ignore_and_spike_offset", false, h)
      .duration(p.ignore_and_spike_interval, "ignore_and_spike_interval", true, h)
      .refuse(p.ignore_and_spike, "ignore_and_spike", "is not supported by the engine (a NEST benchmarking aid)");
  if (is_adaptive(model)) {
    r.expect(p.adapt_tau > 0.0, "adapt_tau", "> 0", p.adapt_tau)
        .expect(p.adapt_beta >= 0.0, "adapt_beta", ">= 0", p.adapt_beta);
  }
  if (is_psc_delta(model)) {
    r.expect(p.V_reset < p.V_th, "V_reset", "< V_th = " + format_number(p.V_th), p.V_reset)
        .expect(p.V_reset >= p.V_min, "V_reset", ">= V_min = " + format_number(p.V_min), p.V_reset);
  }
  return r.result();
}

std::optional<ParameterProblem> check_readout(const ReadoutParams& p, double h) {
  return Rules()
      .expect(p.C_m > 0.0, "C_m", "> 0", p.C_m)
      .expect(p.tau_m > 0.0, "tau_m", "> 0", p.tau_m)
      .duration(p.eprop_isi_trace_cutoff, "eprop_isi_trace_cutoff", false, h)
      .result();
}

std::optional<ParameterProblem> check_input(const InputParams& p, double h) {
  return Rules().duration(p.flush_event_send_interval, "flush_event_send_interval", true, h).result();
}

}  // namespace eligo
