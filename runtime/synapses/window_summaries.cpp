#include "runtime/synapses/window_summaries.hpp"

#include <bit>
#include <stdexcept>

namespace eligo {
namespace {

int top_level_for(Step cutoff) {
  if (cutoff >= WindowSummaryTable::kLongestPiece) return WindowSummaryTable::kHighestLevel;
  const int covering = static_cast<int>(std::bit_width(static_cast<std::uint64_t>(std::max<Step>(cutoff - 1, 1))));
  return std::max(WindowSummaryTable::kLowestLevel + 1, covering);
}

}  // namespace

WindowSummaryTable::WindowSummaryTable(std::size_t neurons, std::size_t components, Step cutoff)
    : n_(neurons), comps_(components), m_(top_level_for(cutoff)), scratch_(neurons * components) {
  if (components == 0) throw std::invalid_argument("window summaries need at least one component");
}

void WindowSummaryTable::ensure_capacity(std::size_t steps) {
  if (steps <= capacity_) return;
  const std::size_t capacity = std::bit_ceil(std::max<std::size_t>(steps, 16));
  std::vector<double> next(tables() * capacity * n_ * comps_);
  const std::size_t row = n_ * comps_;
  for (std::uint32_t table = 0; table < tables(); ++table) {
    for (Step t = begin_; t < end_; ++t) {
      const double* from = at(table, t, 0);
      std::copy(from, from + row,
                next.data() + (table * capacity + (static_cast<std::size_t>(t) & (capacity - 1))) * row);
    }
  }
  data_ = std::move(next);
  capacity_ = capacity;
  mask_ = capacity - 1;
}

// Every piece lies inside [a, b], so a window never reads an entry whose own window starts before a: the
// entries cut short by begin_ (a prefix whose block started earlier) are never part of an answer.
bool WindowSummaryTable::decompose(Step a, Step b, std::vector<SummaryPiece>& out) const {
  if (b - a + 1 < kShortestWindow || a < begin_ || b >= end_) return false;
  const int level = static_cast<int>(std::bit_width(static_cast<std::uint64_t>(a ^ b))) - 1;
  if (level < kLowestLevel) return false;  // inside one aligned 2^kLowestLevel block: no level stores it
  if (level < m_) {
    // a in the left half of a 2^(level+1) block (its suffix), b in the right half (its prefix).
    const Step mid = b & ~((Step{1} << level) - 1);
    out.push_back({table_of_level(level), a, mid - a});
    out.push_back({table_of_level(level), b, b - mid + 1});
    return true;
  }
  const Step block_size = block();
  const Step a_last = a | (block_size - 1);
  const Step b_first = b & ~(block_size - 1);
  out.push_back({top_suffix(), a, a_last - a + 1});
  for (Step last = a_last + block_size; last < b_first; last += block_size) {
    out.push_back({top_prefix(), last, block_size});  // a whole block is the prefix at its last step
  }
  out.push_back({top_prefix(), b, b - b_first + 1});
  return true;
}

}  // namespace eligo
