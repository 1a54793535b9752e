#include "runtime/archive/history_archive.hpp"

#include <algorithm>
#include <bit>

#include "runtime/checkpoint/state_stream.hpp"

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
        next[(j * new_capacity + i) * fields_ + f] =
            buffer_[(j * capacity_ + ((head_ + i) & (capacity_ - 1))) * fields_ + f];
      }
    }
  }
  buffer_ = std::move(next);
  capacity_ = new_capacity;
  head_ = 0;
}

void HistoryArchive::save_state(StateWriter& w) const {
  w.section("history_archive");
  w.u64(n_);
  w.u64(fields_);
  w.i64(first_);
  w.u64(rows_);
  // [neuron][step][field], steps in time order from first_step.
  std::vector<double> values(rows_ * n_ * fields_);
  for (std::size_t j = 0; j < n_; ++j) {
    for (std::size_t i = 0; i < rows_; ++i) {
      const std::size_t s = (head_ + i) & (capacity_ - 1);
      for (std::size_t f = 0; f < fields_; ++f) {
        values[(j * rows_ + i) * fields_ + f] = buffer_[(j * capacity_ + s) * fields_ + f];
      }
    }
  }
  w.vector(values);
}

void HistoryArchive::load_state(StateReader& r) {
  r.section("history_archive");
  if (const std::uint64_t n = r.u64("neurons"); n != n_) {
    r.fail("neurons", "checkpoint has " + std::to_string(n) + " neurons, this archive " + std::to_string(n_));
  }
  if (const std::uint64_t f = r.u64("fields"); f != fields_) {
    r.fail("fields",
           "checkpoint has " + std::to_string(f) + " fields per step, this archive " + std::to_string(fields_));
  }
  const Step first = r.i64("first_step");
  const std::size_t row_bytes = n_ * fields_ * sizeof(double);
  const std::size_t rows = r.count("rows", row_bytes, std::size_t{1} << 40);
  const std::vector<double> values = r.vector_of_size<double>("values", rows * n_ * fields_);
  // The same capacities grow() would give (16, 32, …): the smallest that holds the rows.
  const std::size_t capacity = rows == 0 ? 0 : std::max<std::size_t>(16, std::bit_ceil(rows));
  std::vector<double> buffer(capacity * n_ * fields_, 0.0);
  for (std::size_t j = 0; j < n_; ++j) {
    for (std::size_t i = 0; i < rows; ++i) {
      for (std::size_t f = 0; f < fields_; ++f) {
        buffer[(j * capacity + i) * fields_ + f] = values[(j * rows + i) * fields_ + f];
      }
    }
  }
  buffer_ = std::move(buffer);
  capacity_ = capacity;
  head_ = 0;
  rows_ = rows;
  first_ = first;
}

}  // namespace eligo
