#pragma once
// The interval gradient of one eprop_synapse_bsshslm_2020, by kind of target (docs/numerics.md §16): the Target
// policies of BsshslmSynapses::send. The synapse integrates its stored inter-spike intervals from its first spike
// in the interval (t_trigger) on; every spike restarts z at 1, and z̄, ē (and ε_a) start from 0 each interval.
//
//   rec target j:   z̄ = P_v·z̄ + P_z·z;  e = ψ·z̄ (adaptive: e = ψ·(z̄ − β·ε_a), ε_a = P_a·ε_a + e)
//                   ē = κ·ē + (1 − κ)·e;  g += L·ē;  Σe += e;  finally g += fr_reg·Σe
//   readout k:      z̄ = P_v·z̄ + P_z·z;  g += ε·z̄
//   average_gradient: g /= LW
//
// P_v, P_z, β, P_a are the target neuron's; κ is the synapse's. Operand order is NEST's.
#include <stdexcept>
#include <string>
#include <vector>

#include "runtime/archive/interval_history.hpp"
#include "runtime/models/eprop_iaf_bsshslm.hpp"
#include "runtime/models/eprop_readout_bsshslm.hpp"

namespace eligo {

// Fields of a rec neuron's interval history.
inline constexpr std::size_t kBsshslmPsi = 0, kBsshslmLearningSignal = 1, kBsshslmRecurrentFields = 2;

// The window's length, checked to lie in t_trigger's interval (a synapse's window never leaves it).
inline Step checked_window(const IntervalHistory& history, Step t_trigger, const std::vector<Step>& isis) {
  Step steps = 0;
  for (Step isi : isis) steps += isi;
  const Step b = history.block_of(t_trigger);
  if (steps > 0 && t_trigger + steps > history.block_end(b)) {
    throw std::logic_error("bsshslm synapse: window of " + std::to_string(steps) + " steps from step " +
                           std::to_string(t_trigger) + " leaves its interval");
  }
  return steps;
}

struct BsshslmRecurrentTarget {
  const IntervalHistory& history;
  const std::vector<const BsshslmNeuronConstants*>& neurons;
  bool average_gradient;
  double learning_window;

  double gradient(std::uint32_t j, double kappa, Step t_trigger, const std::vector<Step>& isis,
                  Step t_previous_update) const {
    const BsshslmNeuronConstants& c = *neurons[j];
    const Step steps = checked_window(history, t_trigger, isis);
    double e_bar = 0.0, grad = 0.0, sum_e = 0.0, z_bar = 0.0, eps_a = 0.0;
    if (steps > 0) {
      const Step b = history.block_of(t_trigger);
      const double* psi = history.row(kBsshslmPsi, j, b, t_trigger);
      const double* L = history.row(kBsshslmLearningSignal, j, b, t_trigger);
      if (psi == nullptr) throw std::logic_error("bsshslm synapse: the history of its interval is gone");
      const double one_minus_kappa = 1.0 - kappa;
      std::size_t o = 0;
      for (Step isi : isis) {
        double z = 1.0;
        for (Step t = 0; t < isi; ++t, ++o) {
          z_bar = c.P_v * z_bar + c.P_z * z;
          double e;
          if (c.adaptive) {
            e = psi[o] * (z_bar - c.beta * eps_a);
            eps_a = c.P_a * eps_a + e;
          } else {
            e = psi[o] * z_bar;
          }
          e_bar = kappa * e_bar + one_minus_kappa * e;
          grad += L[o] * e_bar;
          sum_e += e;
          z = 0.0;
        }
      }
    }
    // The interval's regularization (NEST reads it even for an empty window, where it adds 0).
    const double* fr_reg = history.per_interval_or_null(j, t_previous_update / history.update_interval());
    if (fr_reg != nullptr) {
      grad += *fr_reg * sum_e;
    } else if (steps > 0) {
      throw std::logic_error("bsshslm synapse: the regularization of its interval is gone");
    }
    if (average_gradient) grad /= learning_window;
    return grad;
  }
};

struct BsshslmReadoutTarget {
  const IntervalHistory& history;  // one field: ε
  const BsshslmReadoutConstants& c;
  bool average_gradient;
  double learning_window;

  double gradient(std::uint32_t k, double /*kappa*/, Step t_trigger, const std::vector<Step>& isis,
                  Step /*t_previous_update*/) const {
    const Step steps = checked_window(history, t_trigger, isis);
    double grad = 0.0, z_bar = 0.0;
    if (steps > 0) {
      const double* eps = history.row(0, k, history.block_of(t_trigger), t_trigger);
      if (eps == nullptr) throw std::logic_error("bsshslm synapse: the history of its interval is gone");
      std::size_t o = 0;
      for (Step isi : isis) {
        double z = 1.0;
        for (Step t = 0; t < isi; ++t, ++o) {
          z_bar = c.P_v * z_bar + c.P_z * z;
          grad += eps[o] * z_bar;
          z = 0.0;
        }
      }
    }
    if (average_gradient) grad /= learning_window;
    return grad;
  }
};

}  // namespace eligo
