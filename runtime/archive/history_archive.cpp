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
  for (std::size_t j = 0; j < n_; ++j) {
    for (std::size_t f = 0; f < fields_; ++f) at(f, j, s) = 0.0;
  }
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
  for (std::size_t j = 0; j < n_; ++j) {
    for (std::size_t i = 0; i < rows_; ++i) {
      for (std::size_t f = 0; f < fields_; ++f) {
        next[(j * new_capacity + i) * fields_ + f] = buffer_[(j * capacity_ + ((head_ + i) & (capacity_ - 1))) * fields_ + f];
      }
    }
  }
  buffer_ = std::move(next);
  capacity_ = new_capacity;
  head_ = 0;
}

}  // namespace eligo
