#include "runtime/archive/history_archive.hpp"

#include <algorithm>

namespace eligo {

HistoryArchive::HistoryArchive(std::size_t n_neurons, std::size_t fields) : n_(n_neurons), fields_(fields) {}

void HistoryArchive::append(Step t) {
  if (rows_ == 0) {
    first_ = t;
  } else if (t != end_step()) {
    throw std::logic_error("history: step " + std::to_string(t) + " appended after step " +
                           std::to_string(end_step() - 1));
  }
  if (rows_ == capacity_) grow();
  ++rows_;
  const std::size_t s = slot(t);
  for (std::size_t r = 0; r < fields_ * n_; ++r) buffer_[r * capacity_ + s] = 0.0;
}

void HistoryArchive::throw_missing(Step t, Step n) const {
  throw MissingHistoryError("history: steps [" + std::to_string(t) + ", " + std::to_string(t + n) +
                            ") are needed but the archive holds [" + std::to_string(first_) + ", " +
                            std::to_string(end_step()) + ")");
}

void HistoryArchive::erase_before(Step t) {
  if (rows_ == 0 || t <= first_) return;
  const std::size_t drop = std::min(rows_, static_cast<std::size_t>(t - first_));
  head_ = (head_ + drop) & (capacity_ - 1);
  rows_ -= drop;
  first_ += static_cast<Step>(drop);
}

void HistoryArchive::grow() {
  const std::size_t new_capacity = std::max<std::size_t>(16, capacity_ * 2);
  std::vector<double> next(new_capacity * fields_ * n_);
  for (std::size_t r = 0; r < fields_ * n_; ++r) {
    for (std::size_t i = 0; i < rows_; ++i) {
      next[r * new_capacity + i] = buffer_[r * capacity_ + ((head_ + i) & (capacity_ - 1))];
    }
  }
  buffer_ = std::move(next);
  capacity_ = new_capacity;
  head_ = 0;
}

}  // namespace eligo
