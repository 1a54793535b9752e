#pragma once
// Drives the shards of a built network slice by slice on the calling thread, in lock step: every shard
// advances slice k with the slice k−1 outputs of the shards that feed it. This is how the engine is
// tested without an actor system; the actors of actors/ reproduce exactly these numbers.
#include <vector>

#include "runtime/core/slice_clock.hpp"
#include "runtime/network/network_builder.hpp"

namespace eligo {

class SequentialDriver {
 public:
  // Steps 0 … n_steps−1, in slices of network.slice_steps.
  SequentialDriver(BuiltNetwork& network, Step n_steps);
  // Resumes a run whose shards have been restored after slice next_slice − 1 (checkpoints,
  // runtime/checkpoint/network_checkpoint.hpp): last_outputs are the shards' outputs of that slice,
  // parallel to network.shards, and become the inputs of slice next_slice.
  SequentialDriver(BuiltNetwork& network, Step n_steps, Step next_slice, std::vector<SliceOutput> last_outputs);

  // Advances every shard by one slice; false (and nothing done) when the run is over.
  bool step();
  Step next_slice() const { return next_; }
  const SliceClock& clock() const { return clock_; }
  // The outputs of the slice that step() just ran, parallel to network.shards.
  const std::vector<SliceOutput>& outputs() const { return current_; }
  const SliceOutput& readout_output() const { return current_[network_.readout_shard]; }

 private:
  BuiltNetwork& network_;
  SliceClock clock_;
  std::vector<SliceOutput> previous_, current_;
  Step next_ = 0;
};

}  // namespace eligo
