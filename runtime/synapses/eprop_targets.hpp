#pragma once
// What one integrated history step contributes to the gradient of an e-prop synapse, by kind of
// postsynaptic neuron (spec §9.3, §9.4). Used as the Target policy of EpropSynapses::send.
#include <cmath>

#include "runtime/archive/history_archive.hpp"
#include "runtime/models/recurrent_constants.hpp"
#include "runtime/synapses/eprop_synapses.hpp"

namespace eligo {

// Recurrent targets (eprop_iaf family). History row fields: ψ, L, fr_reg.
struct RecurrentTarget {
  const HistoryArchive& history;
  const RecurrentConstants& c;

  double P_v() const { return c.P_v; }
  Step cutoff() const { return c.cutoff; }

  void integrate_step(Step t, double z_bar, const SynapseRun& syn, bool accumulate) const {
    const double* row = history.row(t);
    const std::size_t n = history.neurons();
    const double* psi = row;
    const double* L = row + n;
    const double* fr = row + 2 * n;
    const double one_minus_kappa_reg = 1.0 - c.kappa_reg;
    for (std::size_t i = 0; i < syn.n; ++i) {
      const std::uint32_t j = syn.target[i];
      double e;
      if (syn.eps_a) {
        e = psi[j] * (z_bar - c.beta * syn.eps_a[i]);
        syn.eps_a[i] = c.P_a * syn.eps_a[i] + e;  // ε_a is updated after e
      } else {
        e = psi[j] * z_bar;
      }
      syn.e_bar[i] = c.kappa * syn.e_bar[i] + e;  // spec §18: no (1 − κ) factor here
      syn.e_bar_reg[i] = c.kappa_reg * syn.e_bar_reg[i] + one_minus_kappa_reg * e;
      const double dg = L[j] * syn.e_bar[i] + fr[j] * syn.e_bar_reg[i];
      syn.g[i] = accumulate ? syn.g[i] + dg : dg;
    }
  }

  void decay(Step steps, const SynapseRun& syn) const {
    const double d = static_cast<double>(steps);
    const double k = std::pow(c.kappa, d), k_reg = std::pow(c.kappa_reg, d);
    for (std::size_t i = 0; i < syn.n; ++i) {
      syn.e_bar[i] *= k;
      syn.e_bar_reg[i] *= k_reg;
    }
    if (syn.eps_a) {
      const double a = std::pow(c.P_a, d);
      for (std::size_t i = 0; i < syn.n; ++i) syn.eps_a[i] *= a;
    }
  }
};

// Readout targets (eprop_readout). History row field: ε. Only z̄ decays.
struct ReadoutTarget {
  const HistoryArchive& history;
  const ReadoutConstants& c;

  double P_v() const { return c.P_v; }
  Step cutoff() const { return c.cutoff; }

  void integrate_step(Step t, double z_bar, const SynapseRun& syn, bool accumulate) const {
    const double* eps = history.row(t);
    for (std::size_t i = 0; i < syn.n; ++i) {
      const double dg = eps[syn.target[i]] * z_bar;
      syn.g[i] = accumulate ? syn.g[i] + dg : dg;
    }
  }

  void decay(Step, const SynapseRun&) const {}
};

}  // namespace eligo
