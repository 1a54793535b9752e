#pragma once
// Checkpoints of a whole network stepped on the calling thread (SequentialDriver): one shard checkpoint
// blob per shard (shard_checkpoint.hpp), parallel to network.shards. The actors write the same blobs,
// one per actor; this is how tests check that a resumed run equals the uninterrupted one to the bit.
#include <string>
#include <vector>

#include "runtime/network/network_builder.hpp"
#include "runtime/network/sequential_driver.hpp"

namespace eligo {

// Between two driver.step() calls: every shard's state and its output of the slice just run.
std::vector<std::string> save_network_checkpoint(const BuiltNetwork& network, const SequentialDriver& driver);

// Restores every shard of `network`, built afresh from the same description and partition, and returns
// a driver that continues with the slice after the checkpoint. Throws StateError when a blob is damaged,
// belongs to another shard or partition, or when the blobs were not all taken after the same slice or
// with this run's slice length.
SequentialDriver resume_network(BuiltNetwork& network, Step n_steps, const std::vector<std::string>& blobs);

}  // namespace eligo
