#pragma once
// What a window summary holds, how two compose, and what applying one does to a synapse
// (docs/numerics.md §19.2, §19.3). One algebra per kind of target neuron; WindowSummaryTable stores them.
//
// Recurrent target (non-adaptive), window W = [a, b] of ℓ steps, z̄(t) = A·P_v^(t−a) on W:
//   Λ = Σ L(t)·κ^(t−a+1)         Φ = Σ fr(t)·κr^(t−a+1)
//   D = Σ ψ(u)·P_v^(u−a)·κ^(b−u)  Dr = the same with κr (equal to D when κ = κr, then stored once)
//   C = Σ_{u≤t} ψ(u)·P_v^(u−a)·[L(t)·κ^(t−u) + (1−κr)·fr(t)·κr^(t−u)]
// and a synapse entering W with traces ē, ē_reg gains G = ē·Λ + ē_reg·Φ + A·C and leaves it with
// ē·κ^ℓ + A·D and ē_reg·κr^ℓ + (1−κr)·A·Dr. Readout target: C = Σ ε(t)·P_v^(t−a), G = A·C.
// With bounds (per-step optimization, §19.4) a summary also carries Σ|L|, Σ|fr| and max ψ (readout:
// Σ|ε|), from which the largest partial sum of the window's gradient is bounded.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include "runtime/archive/history_archive.hpp"
#include "runtime/archive/recurrent_history_fields.hpp"
#include "runtime/core/time.hpp"

namespace eligo {

// x^ℓ for ℓ = 0 … max, each from std::pow so that every shard and every run sees the same numbers.
class PowerTable {
 public:
  PowerTable() = default;
  PowerTable(double x, Step max) : powers_(static_cast<std::size_t>(max) + 1) {
    for (std::size_t l = 0; l < powers_.size(); ++l) powers_[l] = std::pow(x, static_cast<double>(l));
  }
  double operator[](Step l) const { return powers_[static_cast<std::size_t>(l)]; }

 private:
  std::vector<double> powers_;
};

class RecurrentSummaryAlgebra {
 public:
  enum : std::size_t { kLambda = 0, kPhi = 1, kC = 2, kD = 3 };

  RecurrentSummaryAlgebra(const HistoryArchive& history, double P_v, double kappa, double kappa_reg, Step longest,
                          bool bounds)
      : history_(history),
        kappa_(kappa),
        kappa_reg_(kappa_reg),
        one_minus_kappa_reg_(1.0 - kappa_reg),
        shared_d_(kappa == kappa_reg),
        bounds_(bounds),
        dr_(shared_d_ ? kD : kD + 1),
        abs_(dr_ + 1),
        pv_(P_v, longest),
        kappa_pow_(kappa, longest),
        kappa_reg_pow_(kappa_reg, longest) {}

  std::size_t components() const { return abs_ + (bounds_ ? 3 : 0); }
  const PowerTable& kappa_pow() const { return kappa_pow_; }
  const PowerTable& kappa_reg_pow() const { return kappa_reg_pow_; }

  void singles(Step t, double* out) const {
    const std::size_t slot = history_.slot(t), comps = components();
    for (std::size_t j = 0; j < history_.neurons(); ++j, out += comps) {
      const double* h = history_.neuron(j) + slot * kRecurrentFields;
      const double psi = h[kPsi], L = h[kLearningSignal], fr = h[kFiringRateReg];
      out[kLambda] = kappa_ * L;
      out[kPhi] = kappa_reg_ * fr;
      out[kC] = psi * (L + one_minus_kappa_reg_ * fr);
      out[kD] = psi;
      out[dr_] = psi;
      if (bounds_) {
        out[abs_] = std::abs(L);
        out[abs_ + 1] = std::abs(fr);
        out[abs_ + 2] = std::abs(psi);
      }
    }
  }

  // out = S1 ∘ S2 (S1 of l1 steps first); out may not alias the inputs.
  void compose(const double* s1, Step l1, const double* s2, Step l2, double* out) const {
    const double pv1 = pv_[l1];
    out[kLambda] = s1[kLambda] + kappa_pow_[l1] * s2[kLambda];
    out[kPhi] = s1[kPhi] + kappa_reg_pow_[l1] * s2[kPhi];
    out[kC] = s1[kC] + s1[kD] * s2[kLambda] + one_minus_kappa_reg_ * s1[dr_] * s2[kPhi] + pv1 * s2[kC];
    out[kD] = kappa_pow_[l2] * s1[kD] + pv1 * s2[kD];
    if (!shared_d_) out[dr_] = kappa_reg_pow_[l2] * s1[dr_] + pv1 * s2[dr_];
    if (bounds_) {
      out[abs_] = s1[abs_] + s2[abs_];
      out[abs_ + 1] = s1[abs_ + 1] + s2[abs_ + 1];
      out[abs_ + 2] = std::max(s1[abs_ + 2], s2[abs_ + 2]);
    }
  }

  // A synapse with traces (e_bar, e_bar_reg) through one piece with amplitude A; returns the gradient.
  double apply(const double* s, double kappa_l, double kappa_reg_l, double A, double& e_bar, double& e_bar_reg) const {
    const double g = e_bar * s[kLambda] + e_bar_reg * s[kPhi] + A * s[kC];
    e_bar = kappa_l * e_bar + A * s[kD];
    e_bar_reg = kappa_reg_l * e_bar_reg + one_minus_kappa_reg_ * A * s[dr_];
    return g;
  }

  // Adds a piece's bound terms to acc = {Σ|L|, Σ|fr|, max ψ}.
  void add_bounds(const double* s, double* acc) const {
    acc[0] += s[abs_];
    acc[1] += s[abs_ + 1];
    acc[2] = std::max(acc[2], s[abs_ + 2]);
  }
  // A bound on every partial sum of the window's gradient for a synapse entering it with (e_bar,
  // e_bar_reg) and amplitude A: |ē(t)| ≤ |ē| + A·ψmax/(1−κ) and |ē_reg(t)| ≤ |ē_reg| + A·ψmax.
  double bound(const double* acc, double A, double e_bar, double e_bar_reg) const {
    return (std::abs(e_bar) + A * acc[2] / (1.0 - kappa_)) * acc[0] + (std::abs(e_bar_reg) + A * acc[2]) * acc[1];
  }

 private:
  const HistoryArchive& history_;
  double kappa_, kappa_reg_, one_minus_kappa_reg_;
  bool shared_d_, bounds_;
  std::size_t dr_, abs_;
  PowerTable pv_, kappa_pow_, kappa_reg_pow_;
};

class ReadoutSummaryAlgebra {
 public:
  enum : std::size_t { kC = 0, kAbs = 1 };

  ReadoutSummaryAlgebra(const HistoryArchive& history, double P_v, Step longest, bool bounds)
      : history_(history), bounds_(bounds), pv_(P_v, longest) {}

  std::size_t components() const { return bounds_ ? 2 : 1; }

  void singles(Step t, double* out) const {
    const std::size_t slot = history_.slot(t), comps = components();
    for (std::size_t k = 0; k < history_.neurons(); ++k, out += comps) {
      const double eps = history_.neuron(k)[slot];
      out[kC] = eps;
      if (bounds_) out[kAbs] = std::abs(eps);
    }
  }
  void compose(const double* s1, Step l1, const double* s2, Step, double* out) const {
    out[kC] = s1[kC] + pv_[l1] * s2[kC];
    if (bounds_) out[kAbs] = s1[kAbs] + s2[kAbs];
  }
  double apply(const double* s, double A) const { return A * s[kC]; }
  void add_bounds(const double* s, double* acc) const { acc[0] += s[kAbs]; }
  double bound(const double* acc, double A) const { return A * acc[0]; }  // z̄ ≤ A on the window

 private:
  const HistoryArchive& history_;
  bool bounds_;
  PowerTable pv_;
};

}  // namespace eligo
