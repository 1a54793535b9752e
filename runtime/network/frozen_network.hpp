#pragma once
// A trained network with learning switched off, for evaluation: the plastic blocks get the given
// weights (a checkpoint's, in canonical order) as explicit connection lists, and every synapse becomes
// static (no learning signal, no history), which is also the fastest way to run it. Static blocks keep
// their rules: their weights never changed, so they are generated again exactly as in training.
#include <stdexcept>
#include <vector>

#include "runtime/core/weight_record.hpp"
#include "runtime/network/network_description.hpp"

namespace eligo {

class FrozenNetworkError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// `weights` holds the plastic synapses of `net` (as RunResult::weights or a checkpoint has them); a
// weight that is not between two populations of a plastic block gives a FrozenNetworkError.
NetworkDescription freeze_with_weights(NetworkDescription net, const std::vector<WeightRecord>& weights);

}  // namespace eligo
