#include "runtime/archive/history_archive.hpp"

#include <algorithm>

namespace eligo {

HistoryArchive::HistoryArchive(std::size_t n_neurons, std::size_t fields)
    : n_(n_neurons), fields_(fields), row_size_(n_neurons * fields) {}

double* HistoryArchive::append(Step t) {
  if (rows_ == 0) {
    first_ = t;
    head_ = 0;
  } else if (t != end_step()) {
    throw std::logic_error("history: row " + std::to_string(t) + " appended after row " +
                           std::to_string(end_step() - 1));
  }
  if (rows_ == capacity_) grow();
  ++rows_;
  double* r = slot(t);
  std::fill(r, r + row_size_, 0.0);
  return r;
}

const double* HistoryArchive::row(Step t) const {
  if (!contains(t)) {
    throw MissingHistoryError("history: step " + std::to_string(t) + " is not archived (archive holds [" +
                              std::to_string(first_) + ", " + std::to_string(end_step()) + "))");
  }
  return slot(t);
}

void HistoryArchive::erase_before(Step t) {
  if (rows_ == 0 || t <= first_) return;
  const std::size_t drop = std::min(rows_, static_cast<std::size_t>(t - first_));
  head_ = (head_ + drop) % std::max<std::size_t>(capacity_, 1);
  rows_ -= drop;
  first_ += static_cast<Step>(drop);
}

void HistoryArchive::grow() {
  const std::size_t new_capacity = std::max<std::size_t>(16, capacity_ * 2);
  std::vector<double> next(new_capacity * row_size_);
  for (std::size_t i = 0; i < rows_; ++i) {
    const double* src = slot(first_ + static_cast<Step>(i));
    std::copy(src, src + row_size_, next.begin() + static_cast<std::ptrdiff_t>(i * row_size_));
  }
  buffer_ = std::move(next);
  capacity_ = new_capacity;
  head_ = 0;
}

}  // namespace eligo
