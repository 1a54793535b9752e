#include "runtime/network/sequential_driver.hpp"

#include <stdexcept>
#include <string>

namespace eligo {

SequentialDriver::SequentialDriver(BuiltNetwork& network, Step n_steps)
    : network_(network),
      clock_{network.slice_steps, n_steps},
      previous_(network.shards.size()),
      current_(network.shards.size()) {}

SequentialDriver::SequentialDriver(BuiltNetwork& network, Step n_steps, Step next_slice,
                                   std::vector<SliceOutput> last_outputs)
    : SequentialDriver(network, n_steps) {
  if (last_outputs.size() != network.shards.size()) {
    throw std::invalid_argument("resuming needs the last output of each of the " +
                                std::to_string(network.shards.size()) + " shards, got " +
                                std::to_string(last_outputs.size()));
  }
  if (next_slice < 0 || next_slice > clock_.slices()) {
    throw std::invalid_argument("cannot resume at slice " + std::to_string(next_slice) + " of a run of " +
                                std::to_string(clock_.slices()) + " slices");
  }
  current_ = std::move(last_outputs);  // step() makes them the previous slice's outputs
  next_ = next_slice;
}

bool SequentialDriver::step() {
  if (next_ >= clock_.slices()) return false;
  std::swap(previous_, current_);
  const ErrorBatch* errors = next_ > 0 ? &previous_[network_.readout_shard].errors : nullptr;
  for (std::size_t i = 0; i < network_.shards.size(); ++i) {
    Shard& shard = *network_.shards[i];
    SliceInput in;
    in.slice = next_;
    in.first_step = clock_.first_step(next_);
    in.steps = clock_.steps_in(next_);
    if (next_ > 0 && shard.role() != ShardRole::input) {
      // Recurrent shards hear inputs and recurrent shards; readouts hear recurrent shards.
      for (std::size_t j = 0; j < network_.shards.size(); ++j) {
        const ShardRole sender = network_.shards[j]->role();
        if (sender == ShardRole::recurrent || (sender == ShardRole::input && shard.role() == ShardRole::recurrent)) {
          in.spikes.push_back(&previous_[j].spikes);
        }
      }
      if (shard.role() == ShardRole::recurrent) in.errors = errors;
    }
    current_[i] = shard.advance(in);
  }
  ++next_;
  return true;
}

}  // namespace eligo
