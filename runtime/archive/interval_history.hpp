#pragma once
// The archived history of a shard's neurons for NEST's original e-prop (docs/numerics.md §16), kept per update
// interval. A synapse of this variant integrates one interval at a time, from its first spike in the interval to
// the interval's end, so the history is stored in blocks of one interval: block b holds steps
// [b·T + shift, (b+1)·T + shift) of every neuron (block 0 also the steps before it), per-step fields (ψ and L of a
// rec neuron, ε of a readout) and one value per interval (a rec neuron's firing-rate regularization). Blocks no
// pending update can read are erased whole, as NEST erases the intervals no synapse refers to.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include "runtime/core/time.hpp"

namespace eligo {

class StateReader;
class StateWriter;

// The update interval (history block) of step t on a grid of `interval` steps shifted by `shift`; block 0 also
// holds the steps before the first interval.
inline Step interval_block(Step t, Step interval, Step shift) {
  return t < interval + shift ? 0 : (t - shift) / interval;
}

class IntervalHistory {
 public:
  IntervalHistory(std::size_t neurons, std::size_t fields, Step update_interval, Step shift);

  Step update_interval() const { return interval_; }
  Step block_of(Step t) const { return interval_block(t, interval_, shift_); }
  Step block_start(Step b) const { return b == 0 ? 0 : b * interval_ + shift_; }

  // Writing: the block is created on first use.
  double& at(std::size_t field, std::size_t neuron, Step t);
  double& per_interval(std::size_t neuron, Step block);
  // Reading: the neuron's row of `field` in block b from step `from` on, or null if the block is gone.
  const double* row(std::size_t field, std::size_t neuron, Step block, Step from) const;
  const double* per_interval_or_null(std::size_t neuron, Step block) const;
  // Steps of block b (from its start) that exist in the row: reads must stay below.
  Step block_end(Step b) const { return (b + 1) * interval_ + shift_; }

  // Erases every block for which keep(b) is false.
  void erase_unless(const std::function<bool(Step)>& keep);

  std::size_t entries() const { return blocks_.size() * static_cast<std::size_t>(row_length_) * neurons_; }
  std::size_t bytes() const;

  void save_state(StateWriter& w) const;
  void load_state(StateReader& r);

 private:
  struct Block {
    std::vector<double> steps;         // [field][neuron][step − block start]
    std::vector<double> per_interval;  // [neuron]
  };
  Block& block(Step b);

  std::size_t neurons_, fields_;
  Step interval_, shift_, row_length_;  // row_length_: T + shift, block 0's length (the others use T of it)
  std::map<Step, Block> blocks_;
};

}  // namespace eligo
