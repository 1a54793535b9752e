#pragma once
// Drives the shards of a built network slice by slice on the calling thread, in lock step: every shard
// advances slice k with the slice k−1 outputs of the shards that feed it. This is how the engine is
// tested without an actor system; the actors of actors/ reproduce exactly these numbers.
#include <vector>

#include "runtime/network/network_builder.hpp"

namespace eligo {

class SequentialDriver {
 public:
  explicit SequentialDriver(BuiltNetwork& network);

  // Advances every shard by one slice.
  void step();
  Step next_slice() const { return next_; }
  // The outputs of the slice that step() just ran, parallel to network.shards.
  const std::vector<SliceOutput>& outputs() const { return current_; }
  const SliceOutput& readout_output() const { return current_[network_.readout_shard]; }

 private:
  BuiltNetwork& network_;
  std::vector<SliceOutput> previous_, current_;
  Step next_ = 0;
};

}  // namespace eligo
