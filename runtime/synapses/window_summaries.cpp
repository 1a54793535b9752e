#include "runtime/synapses/window_summaries.hpp"

#include <bit>
#include <cstdint>
#include <stdexcept>

namespace eligo {
namespace {

constexpr std::size_t kDoublesPerCacheLine = 8;

std::size_t round_up(std::size_t x, std::size_t to) { return (x + to - 1) / to * to; }

// The first element of v at a cache-line boundary (v holds kDoublesPerCacheLine − 1 spare doubles).
double* line_aligned(std::vector<double>& v) {
  const auto address = reinterpret_cast<std::uintptr_t>(v.data());
  const std::uintptr_t line = kDoublesPerCacheLine * sizeof(double);
  return v.data() + (round_up(address, line) - address) / sizeof(double);
}

}  // namespace

WindowSummaryTable::WindowSummaryTable(std::size_t neurons, std::size_t components, std::size_t history_fields)
    : n_(neurons),
      comps_(components),
      fields_(history_fields),
      // One cache line per row when it fits (4 summary numbers and 3 fields do), else whole lines.
      row_(round_up(components + history_fields, kDoublesPerCacheLine)),
      scratch_(neurons * components),
      stage_(static_cast<std::size_t>(kBlock) * neurons * (components + history_fields)) {
  if (components == 0) throw std::invalid_argument("window summaries need at least one component");
}

void WindowSummaryTable::ensure_capacity(std::size_t steps) {
  if (steps <= capacity_) return;
  const std::size_t capacity = std::bit_ceil(std::max<std::size_t>(steps, 2 * kBlock));
  std::vector<double> suffix(n_ * capacity * row_ + kDoublesPerCacheLine - 1);
  double* suffix_base = line_aligned(suffix);
  std::vector<double> prefix(capacity * n_ * comps_);
  for (Step t = begin_; t < end_; ++t) {
    const std::size_t to = static_cast<std::size_t>(t) & (capacity - 1);
    for (std::size_t j = 0; j < n_; ++j) {
      std::copy(suffix_row(t, j), suffix_row(t, j) + row_, suffix_base + (j * capacity + to) * row_);
    }
    std::copy(prefix_entry(t, 0), prefix_entry(t, 0) + n_ * comps_, prefix.data() + to * n_ * comps_);
  }
  suffix_ = std::move(suffix);  // moving keeps the buffer, so suffix_base stays valid
  suffix_base_ = suffix_base;
  prefix_ = std::move(prefix);
  capacity_ = capacity;
  mask_ = capacity - 1;
}

// Every piece lies inside [a, b], so a window never reads an entry whose own window starts before a: the
// prefixes cut short by begin_ (whose block started earlier) are never part of an answer.
bool WindowSummaryTable::decompose(Step a, Step b, std::vector<SummaryPiece>& out) const {
  if (b - a + 1 < kShortestWindow || a < begin_ || b >= end_) return false;
  const Step a_last = a | (kBlock - 1);
  const Step b_first = b & ~(kBlock - 1);
  if (a_last >= b) return false;  // inside one block
  out.push_back({true, a, a_last - a + 1});
  for (Step last = a_last + kBlock; last < b_first; last += kBlock) {
    out.push_back({false, last, kBlock});  // a whole block is the prefix at its last step
  }
  out.push_back({false, b, b - b_first + 1});
  return true;
}

}  // namespace eligo
