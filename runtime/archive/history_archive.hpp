#pragma once
// Archived history of one shard's neurons (spec §8, ARCHITECTURE.md §8).
//
// One row per step holds, for every neuron of the shard, `fields` values (recurrent: ψ, L, fr_reg;
// readout: ε), stored field-major so that a synapse loop reads contiguous arrays. The rows form a ring
// over the steps [first_step, end_step). Rows are dropped from the front once no pending e-prop update
// can read them (the shard decides when, see EpropSynapses::oldest_step_needed); that is the spec §11
// guarantee at shard granularity. A write to a dropped row is a no-op, as in NEST.
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "runtime/core/time.hpp"

namespace eligo {

class HistoryArchive {
 public:
  HistoryArchive(std::size_t n_neurons, std::size_t fields);

  std::size_t neurons() const { return n_; }
  std::size_t fields() const { return fields_; }
  Step first_step() const { return first_; }
  Step end_step() const { return first_ + static_cast<Step>(rows_); }
  std::size_t rows() const { return rows_; }
  // Entries in the sense of NEST's eprop_history_duration: one per neuron and stored step.
  std::size_t entries() const { return rows_ * n_; }
  std::size_t capacity_rows() const { return capacity_; }

  // Appends the row of step t, which must be end_step() (or any step when the archive is empty),
  // zero-filled; returns it for writing.
  double* append(Step t);

  bool contains(Step t) const { return t >= first_ && t < end_step(); }
  // The row of step t; the caller must know it is present (spec §9.3: "require H(t) exists").
  const double* row(Step t) const;
  // The row of step t, or nullptr when it was dropped or is not yet written.
  double* find_row(Step t) { return contains(t) ? slot(t) : nullptr; }

  // Drops every row before step t.
  void erase_before(Step t);

 private:
  double* slot(Step t) { return buffer_.data() + ((head_ + static_cast<std::size_t>(t - first_)) % capacity_) * row_size_; }
  const double* slot(Step t) const {
    return buffer_.data() + ((head_ + static_cast<std::size_t>(t - first_)) % capacity_) * row_size_;
  }
  void grow();

  std::size_t n_;
  std::size_t fields_;
  std::size_t row_size_;
  std::vector<double> buffer_;
  std::size_t capacity_ = 0;  // rows
  std::size_t head_ = 0;      // slot of first_
  std::size_t rows_ = 0;
  Step first_ = 0;
};

class MissingHistoryError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

}  // namespace eligo
