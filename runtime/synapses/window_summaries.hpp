#pragma once
// Window summaries of one shard's neurons for the closed-form e-prop interval (docs/numerics.md §19).
//
// An e-prop window [a, b] of a synapse reads only its target neuron's history over [a, b], and what the
// window does to the synapse (the gradient it adds, how it moves the traces) is linear in the synapse's
// state with coefficients that depend on the neuron alone: the window's summary. Summaries of adjacent
// windows compose exactly (a monoid). The table is the top level of a disjoint sparse table over
// aligned blocks of kBlock steps: for every step the suffix of its block (the summary from the step to
// the block's end) and the prefix (from the block's start to the step). A window that crosses a block
// boundary is then the suffix at a, the whole blocks in between (each the prefix at its last step) and
// the prefix at b; a window inside one block runs the loop. Every entry is a sum of products of
// non-negative factors with one signed history value: no subtraction and no negative power, so the
// rounding error is of the loop's own size (docs/numerics.md §19.3).
//
// Memory layout, chosen by measurement (docs/benchmark.md, "Exact and closed form"): at one step every source's
// window ends at the same b and crosses the same block ends, so prefixes are stored step-major and
// those rows stay in cache; the suffix at a differs per source, so suffixes are stored neuron-major,
// each beside the history values of step a − 1 that the interval's peel step reads: one cache line
// per synapse for everything that is not shared.
//
// What a summary holds and how two compose is the Algebra's business (summary_algebra.hpp). Entries exist
// for the steps [begin(), end()): the shard appends a step once its history values are final, and the
// stored steps follow the history's. Nothing here is saved in a checkpoint: an entry depends only on
// the history values of the window it covers, so a table refilled from a restored history gives the
// same numbers for every window a synapse can ask for.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "runtime/archive/history_archive.hpp"
#include "runtime/core/time.hpp"

// Fill loops: GCC would turn their short copy loops into memmove calls.
#define ELIGO_FILL_CODE __attribute__((optimize("no-tree-loop-distribute-patterns")))

namespace eligo {

// One stored piece of a window: a suffix or a prefix entry, the step whose entry it is, the steps it covers.
struct SummaryPiece {
  bool suffix = false;
  Step step = 0;
  Step length = 0;
};

class WindowSummaryTable {
 public:
  static constexpr Step kBlock = 16;
  static constexpr Step kLongestPiece = kBlock;
  static constexpr Step kShortestWindow = 2;  // a window must cross a block boundary to have pieces

  // components: numbers per summary; history fields are copied beside each suffix for the peel step.
  WindowSummaryTable(std::size_t neurons, std::size_t components, std::size_t history_fields);

  std::size_t neurons() const { return n_; }
  std::size_t components() const { return comps_; }
  Step begin() const { return begin_; }
  Step end() const { return end_; }
  std::size_t bytes() const {
    return (suffix_.capacity() + prefix_.capacity() + scratch_.capacity() + stage_.capacity()) * sizeof(double);
  }

  // Appends, in order, the pieces whose composition is the window [a, b]. False (and nothing appended)
  // when the window lies inside one block or outside the stored steps.
  bool decompose(Step a, Step b, std::vector<SummaryPiece>& out) const;
  const double* entry(const SummaryPiece& p, std::size_t neuron) const {
    return p.suffix ? suffix_row(p.step, neuron) : prefix_entry(p.step, neuron);
  }
  // The history fields of step a − 1, stored beside the suffix at a (valid when decompose(a, ·) held).
  const double* peel_fields(Step a, std::size_t neuron) const { return suffix_row(a, neuron) + comps_; }

  // Appends every step in [end(), until) that the history holds (steps before its first are gone).
  // Algebra: singles(t, out) writes the single-step summaries of all neurons at step t (neuron-major),
  // compose(s1, l1, s2, l2, out) the summary of a window of l1 steps followed by one of l2 steps.
  template <class Algebra>
  void fill_until(Step until, const HistoryArchive& history, const Algebra& algebra);

  // Forgets every entry (after a checkpoint load); the next fill_until starts at the history's start.
  void reset() { begin_ = end_ = 0; }

 private:
  std::size_t slot(Step t) const { return static_cast<std::size_t>(t) & mask_; }
  double* suffix_row(Step t, std::size_t neuron) { return suffix_base_ + (neuron * capacity_ + slot(t)) * row_; }
  const double* suffix_row(Step t, std::size_t neuron) const {
    return suffix_base_ + (neuron * capacity_ + slot(t)) * row_;
  }
  double* prefix_entry(Step t, std::size_t neuron) { return prefix_.data() + (slot(t) * n_ + neuron) * comps_; }
  const double* prefix_entry(Step t, std::size_t neuron) const {
    return prefix_.data() + (slot(t) * n_ + neuron) * comps_;
  }
  void ensure_capacity(std::size_t steps);
  // A few doubles: an inline loop, where std::copy of a run-time length would call memmove (the
  // callers keep GCC from turning the loop back into that call: kFillCode; measured: 7 % of a run).
  __attribute__((always_inline)) static void copy_small(const double* from, std::size_t n, double* to) {
    for (std::size_t i = 0; i < n; ++i) to[i] = from[i];
  }
  template <class Algebra>
  void append(Step t, const HistoryArchive& history, const Algebra& algebra);
  template <class Algebra>
  void fill_suffixes(Step start, Step last, const Algebra& algebra);

  std::size_t n_;
  std::size_t comps_;
  std::size_t fields_;
  std::size_t row_;             // doubles per suffix row: the summary, the peel step's fields, padding
  std::vector<double> suffix_;  // [neuron][step ring][row], rows aligned to cache lines from suffix_base_
  double* suffix_base_ = nullptr;
  std::vector<double> prefix_;  // [step ring][neuron][component]
  std::size_t capacity_ = 0;    // steps per ring, a power of two
  std::size_t mask_ = 0;
  Step begin_ = 0, end_ = 0;
  std::vector<double> scratch_;  // single-step summaries of the appended step, [neuron][component]
  std::vector<double> stage_;    // the current block's single steps and peel fields, [step][neuron][·]
};

template <class Algebra>
void WindowSummaryTable::fill_until(Step until, const HistoryArchive& history, const Algebra& algebra) {
  if (history.rows() == 0) return;
  if (end_ < history.first_step()) begin_ = end_ = history.first_step();
  if (begin_ < history.first_step()) begin_ = history.first_step();
  until = std::min(until, history.end_step());
  for (; end_ < until; ++end_) append(end_, history, algebra);
}

template <class Algebra>
ELIGO_FILL_CODE void WindowSummaryTable::append(Step t, const HistoryArchive& history, const Algebra& algebra) {
  ensure_capacity(static_cast<std::size_t>(t - begin_ + 1));
  algebra.singles(t, scratch_.data());
  const Step start = t & ~(kBlock - 1);
  const double* single = scratch_.data();
  // Staged step-major (contiguous writes) until the block is complete: the single step t and the
  // history fields of t − 1 for the peel step.
  const std::size_t staged = comps_ + fields_;
  double* stage = stage_.data() + static_cast<std::size_t>(t - start) * n_ * staged;
  const bool has_peel = t - 1 >= begin_;
  const std::size_t peel_slot = has_peel ? history.slot(t - 1) : 0;
  for (std::size_t j = 0; j < n_; ++j, stage += staged) {
    copy_small(single + j * comps_, comps_, stage);
    if (has_peel) copy_small(history.neuron(j) + peel_slot * fields_, fields_, stage + comps_);
  }
  if (t == start || t - 1 < begin_) {                     // a prefix cut by begin_ is never read (see decompose)
    copy_small(single, n_ * comps_, prefix_entry(t, 0));  // the step's prefixes are contiguous
  } else {
    for (std::size_t j = 0; j < n_; ++j) {
      algebra.compose(prefix_entry(t - 1, j), t - start, single + j * comps_, 1, prefix_entry(t, j));
    }
  }
  if (t == start + kBlock - 1) fill_suffixes(start, t, algebra);
}

// The block's suffix rows, one neuron's contiguous rows at a time: for s = last down to start (or
// begin_), the staged single step s composed with the suffix of s + 1, and the staged peel fields.
template <class Algebra>
ELIGO_FILL_CODE void WindowSummaryTable::fill_suffixes(Step start, Step last, const Algebra& algebra) {
  const std::size_t staged = comps_ + fields_;
  const Step first = std::max(start, begin_);
  for (std::size_t j = 0; j < n_; ++j) {
    for (Step s = last; s >= first; --s) {
      const double* from = stage_.data() + (static_cast<std::size_t>(s - start) * n_ + j) * staged;
      double* row = suffix_row(s, j);
      if (s == last) {
        copy_small(from, comps_, row);
      } else {
        algebra.compose(from, 1, suffix_row(s + 1, j), last - s, row);
      }
      copy_small(from + comps_, fields_, row + comps_);
    }
  }
}

}  // namespace eligo

#undef ELIGO_FILL_CODE
