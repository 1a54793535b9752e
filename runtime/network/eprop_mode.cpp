#include "runtime/network/eprop_mode.hpp"

#include "runtime/models/model_parameters.hpp"

namespace eligo {
namespace {

// auto keeps the loop where no window can be long enough to gain from summaries.
constexpr double kAutoShortestCutoffSteps = 8.0;

// Why the optimizer rules the closed form out for every target, or empty.
std::string optimizer_reason(const OptimizerParams& o) {
  if (o.optimize_each_step && o.type == OptimizerType::adam) {
    return "Adam with optimize_each_step moves w by a nonlinear function of every step's gradient";
  }
  return {};
}

std::string cutoff_reason(EpropMode mode, double cutoff_ms, double resolution_ms) {
  if (mode == EpropMode::automatic && cutoff_ms / resolution_ms < kAutoShortestCutoffSteps) {
    return "auto: a cutoff under 8 steps leaves windows too short to gain";
  }
  return {};
}

}  // namespace

ClosedFormChoice choose_closed_form(const NetworkDescription& net) {
  ClosedFormChoice c;
  if (net.eprop_mode == EpropMode::exact) {
    c.recurrent_reason = c.readout_reason = "eprop_mode is exact";
    return c;
  }
  if (!net.plastic) {
    c.recurrent_reason = c.readout_reason = "no plasticity";
    return c;
  }
  if (net.variant == EpropVariant::bsshslm_2020) {
    c.recurrent_reason = c.readout_reason = "the bsshslm_2020 variant integrates its intervals by the loop";
    return c;
  }
  const std::string optimizer = optimizer_reason(net.optimizer);
  c.recurrent_reason = optimizer;
  if (c.recurrent_reason.empty() && is_adaptive(net.rec_model)) {
    c.recurrent_reason = "adaptive neurons (ε_a) use the loop";
  }
  if (c.recurrent_reason.empty()) {
    c.recurrent_reason = cutoff_reason(net.eprop_mode, net.rec.eprop_isi_trace_cutoff, net.resolution_ms);
  }
  c.readout_reason = optimizer;
  if (c.readout_reason.empty()) {
    c.readout_reason = cutoff_reason(net.eprop_mode, net.out.eprop_isi_trace_cutoff, net.resolution_ms);
  }
  c.recurrent = c.recurrent_reason.empty();
  c.readout = c.readout_reason.empty();
  return c;
}

}  // namespace eligo
