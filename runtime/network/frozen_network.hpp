#pragma once
// A trained network with learning switched off, for evaluation: each block with weights among the
// given ones (a checkpoint's, in canonical order) gets them as an explicit connection list, and every
// synapse becomes static (no learning signal, no history), which is also the fastest way to run it.
// A block without weights there keeps its rule: it was static, so it is generated again as in training.
#include <optional>
#include <stdexcept>
#include <vector>

#include "runtime/core/weight_record.hpp"
#include "runtime/network/network_description.hpp"

namespace eligo {

class FrozenNetworkError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A weight that is not between the populations of a block (in → rec, rec → rec, rec → out) gives a
// FrozenNetworkError.
NetworkDescription freeze_with_weights(NetworkDescription net, const std::vector<WeightRecord>& weights);

// The same weights with learning left as the network has it: a saved network that goes on learning
// (a streaming session started from a checkpoint, actors/stream/).
NetworkDescription with_weights(NetworkDescription net, const std::vector<WeightRecord>& weights);

}  // namespace eligo
