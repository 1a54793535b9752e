#pragma once
// Archived history of one shard's neurons (docs/numerics.md §8, docs/architecture.md §8).
//
// Every neuron keeps a ring of the steps [first_step, end_step), the same steps for all neurons of the
// shard, each step holding its fields (recurrent: ψ, L, fr_reg; readout: ε) side by side. A synapse
// reads one neuron's interval as one contiguous stream (at(field, j, (slot(t) + m) & mask) for
// consecutive m), which is what the e-prop update does for each synapse (docs/numerics.md §9.3). Steps are dropped from
// the front once no pending e-prop update can read them (the shard decides when, see
// EpropSynapses::oldest_step_needed): the guarantee of docs/numerics.md §11 at shard granularity. A write to a dropped
// step is a no-op, as in NEST.
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "runtime/core/time.hpp"

namespace eligo {

class StateReader;
class StateWriter;

class MissingHistoryError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

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
  std::size_t bytes() const { return buffer_.capacity() * sizeof(double); }

  // Appends step t, which must be end_step() (or any step when the archive is empty), zero-filled.
  void append(Step t);
  bool contains(Step t) const { return t >= first_ && t < end_step(); }

  // Ring access: at(field, j, (slot(t) + m) & mask()) is step t + m of neuron j; neuron(j)[q * fields() + field]
  // is the same value for a reader that walks the ring itself.
  double& at(std::size_t field, std::size_t j, std::size_t slot) {
    return buffer_[(j * capacity_ + slot) * fields_ + field];
  }
  const double* neuron(std::size_t j) const { return buffer_.data() + j * capacity_ * fields_; }
  std::size_t mask() const { return capacity_ - 1; }
  std::size_t slot(Step t) const { return (head_ + static_cast<std::size_t>(t - first_)) & (capacity_ - 1); }

  // Checks that steps [t, t + n) are all archived (docs/numerics.md §9.3: "require H(t) exists").
  void require(Step t, Step n) const {
    if (n > 0 && !(contains(t) && contains(t + n - 1))) throw_missing(t, n);
  }
  // The value of a field at step t, or nullptr when that step was dropped or not yet written.
  double* find(std::size_t field, std::size_t j, Step t) { return contains(t) ? &at(field, j, slot(t)) : nullptr; }

  // Drops every step before t.
  void erase_before(Step t);

  // Checkpoints (docs/architecture.md §7): the steps held and their values. The ring's capacity and head are
  // layout, not state (nothing reads a slot outside [first_step, end_step)), so they are not saved: a
  // restored archive holds the same steps in a ring sized for them and grows again as needed. Loading
  // checks the neuron and field counts against this archive's.
  void save_state(StateWriter& w) const;
  void load_state(StateReader& r);

 private:
  [[noreturn]] void throw_missing(Step t, Step n) const;
  void grow();

  std::size_t n_;
  std::size_t fields_;
  std::vector<double> buffer_;  // [neuron][slot][field]
  std::size_t capacity_ = 0;    // slots per ring, a power of two
  std::size_t head_ = 0;        // slot of first_
  std::size_t rows_ = 0;
  Step first_ = 0;
};

}  // namespace eligo
