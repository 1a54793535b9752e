#pragma once
// What one integrated history step contributes to the gradient of an e-prop synapse, by kind of
// postsynaptic neuron (docs/numerics.md §9.3, §9.4). Used as the Target policy of EpropSynapses::send: load() a
// synapse's traces, step() once per integrated history step, store() them back.
#include <cmath>

#include "runtime/archive/history_archive.hpp"
#include "runtime/models/readout_constants.hpp"
#include "runtime/models/recurrent_constants.hpp"
#include "runtime/synapses/eprop_synapses.hpp"

namespace eligo {

// History fields of a recurrent neuron.
enum RecurrentHistoryField : std::size_t { kPsi = 0, kLearningSignal = 1, kFiringRateReg = 2, kRecurrentFields = 3 };

// Recurrent targets (eprop_iaf family).
struct RecurrentTarget {
  const HistoryArchive& history;
  const RecurrentConstants& c;

  double P_v() const { return c.P_v; }
  Step cutoff() const { return c.cutoff; }

  struct Trace {
    const double* history;  // the target neuron's ring: ψ, L, fr_reg of each step side by side
    double e_bar, e_bar_reg, eps_a;
  };

  Trace load(const SynapseRun& syn, std::size_t i) const {
    return {history.neuron(syn.target[i]), syn.e_bar[i], syn.e_bar_reg[i], syn.eps_a ? syn.eps_a[i] : 0.0};
  }
  void store(const Trace& t, const SynapseRun& syn, std::size_t i) const {
    syn.e_bar[i] = t.e_bar;
    syn.e_bar_reg[i] = t.e_bar_reg;
    if (syn.eps_a) syn.eps_a[i] = t.eps_a;
  }

  // One history step (ring slot q) with presynaptic trace z_bar; returns Δg. Operand order is NEST's.
  double step(Trace& t, std::size_t q, double z_bar) const {
    const double* h = t.history + q * kRecurrentFields;
    double e;
    if (c.adaptive()) {
      e = h[kPsi] * (z_bar - c.beta * t.eps_a);
      t.eps_a = c.P_a * t.eps_a + e;  // ε_a is updated after e
    } else {
      e = h[kPsi] * z_bar;
    }
    t.e_bar = c.kappa * t.e_bar + e;  // docs/numerics.md §18: no (1 − κ) factor here
    t.e_bar_reg = c.kappa_reg * t.e_bar_reg + (1.0 - c.kappa_reg) * e;
    return h[kLearningSignal] * t.e_bar + h[kFiringRateReg] * t.e_bar_reg;
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

// Readout targets (eprop_readout). History field: ε. Only z̄ decays.
struct ReadoutTarget {
  const HistoryArchive& history;
  const ReadoutConstants& c;

  double P_v() const { return c.P_v; }
  Step cutoff() const { return c.cutoff; }

  struct Trace {
    const double* eps;
  };
  Trace load(const SynapseRun& syn, std::size_t i) const { return {history.neuron(syn.target[i])}; }
  void store(const Trace&, const SynapseRun&, std::size_t) const {}
  double step(Trace& t, std::size_t q, double z_bar) const { return t.eps[q] * z_bar; }
  void decay(Step, const SynapseRun&) const {}
};

}  // namespace eligo
