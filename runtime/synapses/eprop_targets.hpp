#pragma once
// What one integrated history step contributes to the gradient of an e-prop synapse, by kind of
// postsynaptic neuron (docs/numerics.md §9.3, §9.4). Used as the Target policy of EpropSynapses::send: load() a
// synapse's traces, step() once per integrated history step, store() them back.
#include <cmath>

#include "runtime/archive/history_archive.hpp"
#include "runtime/archive/recurrent_history_fields.hpp"
#include "runtime/models/readout_constants.hpp"
#include "runtime/models/recurrent_constants.hpp"
#include "runtime/synapses/eprop_synapses.hpp"
#include "runtime/synapses/summary_algebra.hpp"

namespace eligo {

// Recurrent targets (eprop_iaf family).
struct RecurrentTarget {
  const HistoryArchive& history;
  const RecurrentConstants& c;
  // The closed form (docs/numerics.md §19): the shard's window summaries, or null for the exact loop.
  const WindowSummaryTable* table = nullptr;
  const RecurrentSummaryAlgebra* algebra = nullptr;

  double P_v() const { return c.P_v; }
  Step cutoff() const { return c.cutoff; }

  struct Trace {
    const double* history;  // the target neuron's ring: ψ, L, fr_reg of each step side by side
    double e_bar, e_bar_reg, eps_a;
    std::uint32_t neuron;
  };

  Trace load(const SynapseRun& syn, std::size_t i) const {
    return {history.neuron(syn.target[i]), syn.e_bar[i], syn.e_bar_reg[i], syn.eps_a ? syn.eps_a[i] : 0.0,
            syn.target[i]};
  }
  void store(const Trace& t, const SynapseRun& syn, std::size_t i) const {
    syn.e_bar[i] = t.e_bar;
    syn.e_bar_reg[i] = t.e_bar_reg;
    if (syn.eps_a) syn.eps_a[i] = t.eps_a;
  }

  // One history step (ring slot q) with presynaptic trace z_bar; returns Δg. Operand order is NEST's.
  double step(Trace& t, std::size_t q, double z_bar) const {
    return step_at(t, t.history + q * kRecurrentFields, z_bar);
  }
  // The same with the step's fields (ψ, L, fr_reg) at h.
  double step_at(Trace& t, const double* h, double z_bar) const {
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

  // Closed form: the shared factors of a piece of `steps` steps, the gradient of pieces [first, last)
  // (moving the traces), and a bound on its partial sums for traces as they enter and amplitude A.
  void piece_factors(Step steps, PlannedPiece& p) const {
    p.kappa_l = algebra->kappa_pow()[steps];
    p.kappa_reg_l = algebra->kappa_reg_pow()[steps];
  }
  double apply_pieces(Trace& t, const PlannedPiece* first, const PlannedPiece* last) const {
    double g = 0.0;
    for (const PlannedPiece* p = first; p != last; ++p) {
      g += algebra->apply(table->entry(p->piece, t.neuron), p->kappa_l, p->kappa_reg_l, p->amplitude, t.e_bar,
                          t.e_bar_reg);
    }
    return g;
  }
  double window_bound(const Trace& t, const PlannedPiece* first, const PlannedPiece* last, double A) const {
    double acc[3] = {0.0, 0.0, 0.0};
    for (const PlannedPiece* p = first; p != last; ++p) algebra->add_bounds(table->entry(p->piece, t.neuron), acc);
    return algebra->bound(acc, A, t.e_bar, t.e_bar_reg);
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
  const WindowSummaryTable* table = nullptr;  // closed form, or null for the exact loop
  const ReadoutSummaryAlgebra* algebra = nullptr;

  double P_v() const { return c.P_v; }
  Step cutoff() const { return c.cutoff; }

  struct Trace {
    const double* eps;
    std::uint32_t neuron;
  };
  Trace load(const SynapseRun& syn, std::size_t i) const { return {history.neuron(syn.target[i]), syn.target[i]}; }
  void store(const Trace&, const SynapseRun&, std::size_t) const {}
  double step(Trace& t, std::size_t q, double z_bar) const { return step_at(t, t.eps + q, z_bar); }
  double step_at(Trace&, const double* eps, double z_bar) const { return *eps * z_bar; }
  void piece_factors(Step, PlannedPiece&) const {}
  double apply_pieces(Trace& t, const PlannedPiece* first, const PlannedPiece* last) const {
    double g = 0.0;
    for (const PlannedPiece* p = first; p != last; ++p)
      g += algebra->apply(table->entry(p->piece, t.neuron), p->amplitude);
    return g;
  }
  double window_bound(const Trace& t, const PlannedPiece* first, const PlannedPiece* last, double A) const {
    double acc[1] = {0.0};
    for (const PlannedPiece* p = first; p != last; ++p) algebra->add_bounds(table->entry(p->piece, t.neuron), acc);
    return algebra->bound(acc, A);
  }
  void decay(Step, const SynapseRun&) const {}
};

}  // namespace eligo
