#include "runtime/archive/interval_history.hpp"

#include <string>

#include "runtime/checkpoint/state_stream.hpp"

namespace eligo {

IntervalHistory::IntervalHistory(std::size_t neurons, std::size_t fields, Step update_interval, Step shift)
    : neurons_(neurons),
      fields_(fields),
      interval_(update_interval),
      shift_(shift),
      row_length_(update_interval + shift) {}

IntervalHistory::Block& IntervalHistory::block(Step b) {
  auto it = blocks_.find(b);
  if (it == blocks_.end()) {
    Block fresh;
    fresh.steps.assign(fields_ * neurons_ * static_cast<std::size_t>(row_length_), 0.0);
    fresh.per_interval.assign(neurons_, 0.0);
    it = blocks_.emplace(b, std::move(fresh)).first;
  }
  return it->second;
}

double& IntervalHistory::at(std::size_t field, std::size_t neuron, Step t) {
  const Step b = block_of(t);
  Block& blk = block(b);
  return blk.steps[(field * neurons_ + neuron) * static_cast<std::size_t>(row_length_) +
                   static_cast<std::size_t>(t - block_start(b))];
}

double& IntervalHistory::per_interval(std::size_t neuron, Step b) { return block(b).per_interval[neuron]; }

const double* IntervalHistory::row(std::size_t field, std::size_t neuron, Step b, Step from) const {
  const auto it = blocks_.find(b);
  if (it == blocks_.end()) return nullptr;
  return it->second.steps.data() + (field * neurons_ + neuron) * static_cast<std::size_t>(row_length_) +
         static_cast<std::size_t>(from - block_start(b));
}

const double* IntervalHistory::per_interval_or_null(std::size_t neuron, Step b) const {
  const auto it = blocks_.find(b);
  return it == blocks_.end() ? nullptr : &it->second.per_interval[neuron];
}

void IntervalHistory::erase_unless(const std::function<bool(Step)>& keep) {
  for (auto it = blocks_.begin(); it != blocks_.end();) {
    it = keep(it->first) ? std::next(it) : blocks_.erase(it);
  }
}

std::size_t IntervalHistory::bytes() const {
  return blocks_.size() * (fields_ * neurons_ * static_cast<std::size_t>(row_length_) + neurons_) * sizeof(double);
}

void IntervalHistory::save_state(StateWriter& w) const {
  w.section("interval_history");
  w.u64(blocks_.size());
  for (const auto& [b, blk] : blocks_) {
    w.i64(b);
    w.vector(blk.steps);
    w.vector(blk.per_interval);
  }
}

void IntervalHistory::load_state(StateReader& r) {
  r.section("interval_history");
  const std::size_t step_values = fields_ * neurons_ * static_cast<std::size_t>(row_length_);
  const std::size_t n = r.count("blocks", 8 + 8 + 8, std::size_t{1} << 32);
  std::map<Step, Block> blocks;
  for (std::size_t i = 0; i < n; ++i) {
    const Step b = r.i64("block");
    if (b < 0 || blocks.count(b) != 0) r.fail("block", "index " + std::to_string(b) + " is negative or repeated");
    Block blk;
    blk.steps = r.vector_of_size<double>("steps", step_values);
    blk.per_interval = r.vector_of_size<double>("per_interval", neurons_);
    blocks.emplace(b, std::move(blk));
  }
  blocks_ = std::move(blocks);
}

}  // namespace eligo
