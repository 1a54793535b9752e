#pragma once
// Window summaries of one shard's neurons for the closed-form e-prop interval (docs/numerics.md §19).
//
// An e-prop window [a, b] of a synapse reads only its target neuron's history over [a, b], and what the
// window does to the synapse (the gradient it adds, how it moves the traces) is linear in the synapse's
// state with coefficients that depend on the neuron alone: the window's summary. Summaries of adjacent
// windows compose exactly (a monoid), so the table stores, per neuron and step, the summaries of a
// disjoint sparse table: for each level j in [j0, m) one entry per step, the suffix of the step's aligned
// half-block when bit j of the step is 0 and the prefix from the block's middle when it is 1; at the top
// level m both the prefix and the suffix of the step's aligned 2^m block. Any window of at least 2^j0
// steps is then two stored pieces (one query composition), or, when it is longer than 2^m, a suffix,
// whole blocks and a prefix. Every entry is a sum of products of non-negative factors with one signed
// history value: no subtraction and no negative power, so the rounding error is of the loop's own size.
//
// What a summary holds and how two compose is the Algebra's business (summary_algebra.hpp); this
// class stores, fills and decomposes. Entries exist for the steps [begin(), end()): the neuron appends
// a step once its history values are final, and the stored steps follow the history's. Nothing here is
// saved in a checkpoint: an entry depends only on the history values of the window it covers, so a
// table refilled from a restored history gives the same numbers for every window a synapse can ask for.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "runtime/core/time.hpp"

namespace eligo {

// One stored piece of a window: the table, the step whose entry it is, and the steps it covers.
struct SummaryPiece {
  std::uint32_t table = 0;
  Step step = 0;
  Step length = 0;
};

class WindowSummaryTable {
 public:
  // Lowest stored level: windows inside one aligned block of 2^kLowestLevel steps run the loop, and so do
  // all windows shorter than kShortestWindow.
  static constexpr int kLowestLevel = 2;
  static constexpr Step kShortestWindow = Step{1} << kLowestLevel;
  // Highest top level: 2^7 = 128 steps cover NEST's usual cutoffs (100 ms at 1 ms) with one query
  // composition; longer or infinite cutoffs chain whole 128-step blocks, which bounds the memory. No
  // piece is longer than kLongestPiece.
  static constexpr int kHighestLevel = 7;
  static constexpr Step kLongestPiece = Step{1} << kHighestLevel;

  // components: numbers per summary. cutoff: the longest window a synapse integrates at once; the top
  // level covers it when it is at most 2^kHighestLevel, longer windows chain whole blocks.
  WindowSummaryTable(std::size_t neurons, std::size_t components, Step cutoff);

  std::size_t neurons() const { return n_; }
  std::size_t components() const { return comps_; }
  int top_level() const { return m_; }
  Step block() const { return Step{1} << m_; }
  Step begin() const { return begin_; }
  Step end() const { return end_; }
  std::size_t bytes() const {
    return (data_.capacity() + scratch_.capacity() + suffix_scratch_.capacity()) * sizeof(double);
  }

  // Appends, in order, the pieces whose composition is the window [a, b]. False (and nothing appended)
  // when the window is shorter than kShortestWindow, inside one aligned 2^kLowestLevel block, or not
  // inside the stored steps.
  bool decompose(Step a, Step b, std::vector<SummaryPiece>& out) const;
  const double* entry(const SummaryPiece& p, std::size_t neuron) const { return at(p.table, p.step, neuron); }

  // Appends every step in [end(), until) that the history holds (steps below history_first are gone).
  // Algebra: singles(t, out) writes the single-step summaries of all neurons at step t (neuron-major),
  // compose(s1, l1, s2, l2, out) the summary of a window of l1 steps followed by one of l2 steps.
  template <class Algebra>
  void fill_until(Step until, Step history_first, Step history_end, const Algebra& algebra);

  // Forgets every entry (after a checkpoint load); the next fill_until starts at the history's start.
  void reset() { begin_ = end_ = 0; }

 private:
  std::uint32_t table_of_level(int level) const { return static_cast<std::uint32_t>(level - kLowestLevel); }
  std::uint32_t top_prefix() const { return table_of_level(m_); }
  std::uint32_t top_suffix() const { return table_of_level(m_) + 1; }
  std::size_t tables() const { return static_cast<std::size_t>(m_ - kLowestLevel + 2); }
  double* at(std::uint32_t table, Step t, std::size_t neuron) {
    return data_.data() + ((table * capacity_ + (static_cast<std::size_t>(t) & mask_)) * n_ + neuron) * comps_;
  }
  const double* at(std::uint32_t table, Step t, std::size_t neuron) const {
    return data_.data() + ((table * capacity_ + (static_cast<std::size_t>(t) & mask_)) * n_ + neuron) * comps_;
  }
  void ensure_capacity(std::size_t steps);
  template <class Algebra>
  void append(Step t, const Algebra& algebra);
  template <class Algebra>
  void extend_prefix(std::uint32_t table, Step start, Step t, const Algebra& algebra);
  template <class Algebra>
  void fill_suffixes(std::uint32_t table, Step start, Step last, const Algebra& algebra);

  std::size_t n_;
  std::size_t comps_;
  int m_;
  std::vector<double> data_;  // [table][step ring][neuron][component]
  std::size_t capacity_ = 0;  // steps per ring, a power of two
  std::size_t mask_ = 0;
  Step begin_ = 0, end_ = 0;
  std::vector<double> scratch_;         // single-step summaries of the appended step, [neuron][component]
  std::vector<double> suffix_scratch_;  // the same for an earlier step, while suffixes are filled
};

template <class Algebra>
void WindowSummaryTable::fill_until(Step until, Step history_first, Step history_end, const Algebra& algebra) {
  if (end_ < history_first) begin_ = end_ = history_first;
  if (begin_ < history_first) begin_ = history_first;
  until = std::min(until, history_end);
  for (; end_ < until; ++end_) append(end_, algebra);
}

template <class Algebra>
void WindowSummaryTable::append(Step t, const Algebra& algebra) {
  ensure_capacity(static_cast<std::size_t>(t - begin_ + 1));
  algebra.singles(t, scratch_.data());
  for (int level = kLowestLevel; level <= m_; ++level) {
    const Step half = Step{1} << level;
    if (level == m_) {  // top level: prefix and suffix of the aligned 2^m block
      const Step start = t & ~(half - 1);
      extend_prefix(top_prefix(), start, t, algebra);
      if (t == start + half - 1) fill_suffixes(top_suffix(), start, t, algebra);
    } else if (t & half) {  // right half of a 2^(level+1) block: prefix from its middle
      extend_prefix(table_of_level(level), t & ~(half - 1), t, algebra);
    } else if ((t & (half - 1)) == half - 1) {  // last step of a left half: its suffixes, backwards
      fill_suffixes(table_of_level(level), t & ~(half - 1), t, algebra);
    }
  }
}

// Prefix of [start, t] from that of [start, t − 1] and the single step t (already in scratch_).
template <class Algebra>
void WindowSummaryTable::extend_prefix(std::uint32_t table, Step start, Step t, const Algebra& algebra) {
  double* out = at(table, t, 0);
  if (t == start || t - 1 < begin_) {  // a prefix cut by begin_ is never read (see decompose)
    std::copy(scratch_.begin(), scratch_.end(), out);
    return;
  }
  const double* previous = at(table, t - 1, 0);
  for (std::size_t j = 0; j < n_; ++j) {
    algebra.compose(previous + j * comps_, t - start, scratch_.data() + j * comps_, 1, out + j * comps_);
  }
}

// Suffixes of [s, last] for s = last down to start (or begin_), each the single step s composed with the
// suffix of s + 1. The singles of the earlier steps are recomputed from the history.
template <class Algebra>
void WindowSummaryTable::fill_suffixes(std::uint32_t table, Step start, Step last, const Algebra& algebra) {
  std::copy(scratch_.begin(), scratch_.end(), at(table, last, 0));
  std::vector<double>& single = suffix_scratch_;
  single.resize(scratch_.size());
  for (Step s = last - 1; s >= std::max(start, begin_); --s) {
    algebra.singles(s, single.data());
    const double* next = at(table, s + 1, 0);
    double* out = at(table, s, 0);
    for (std::size_t j = 0; j < n_; ++j) {
      algebra.compose(single.data() + j * comps_, 1, next + j * comps_, last - s, out + j * comps_);
    }
  }
}

}  // namespace eligo
