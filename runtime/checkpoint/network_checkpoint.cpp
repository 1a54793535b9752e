#include "runtime/checkpoint/network_checkpoint.hpp"

#include <string>

#include "runtime/checkpoint/shard_checkpoint.hpp"

namespace eligo {

std::vector<std::string> save_network_checkpoint(const BuiltNetwork& network, const SequentialDriver& driver) {
  std::vector<std::string> blobs;
  const Step slice = driver.next_slice() - 1;
  for (std::size_t i = 0; i < network.shards.size(); ++i) {
    blobs.push_back(save_shard_checkpoint(*network.shards[i], slice, driver.outputs()[i]));
  }
  return blobs;
}

SequentialDriver resume_network(BuiltNetwork& network, Step n_steps, const std::vector<std::string>& blobs) {
  if (blobs.size() != network.shards.size()) {
    throw StateError("the checkpoint holds " + std::to_string(blobs.size()) + " shards, this network has " +
                     std::to_string(network.shards.size()));
  }
  const SliceClock clock{network.slice_steps, n_steps};
  std::vector<SliceOutput> outputs;
  Step slice = -1;
  for (std::size_t i = 0; i < blobs.size(); ++i) {
    RestoredShard r = load_shard_checkpoint(*network.shards[i], blobs[i]);
    const std::string which = "checkpoint of shard " + std::to_string(network.shards[i]->id());
    if (i == 0) {
      slice = r.slice;
    } else if (r.slice != slice) {
      throw StateError(which + " was taken after slice " + std::to_string(r.slice) + ", that of shard " +
                       std::to_string(network.shards[0]->id()) + " after slice " + std::to_string(slice));
    }
    if (slice >= clock.slices()) {
      throw StateError(which + " was taken after slice " + std::to_string(slice) + ", but this run has only " +
                       std::to_string(clock.slices()) + " slices");
    }
    if (slice >= 0) {
      const SpikeBatch& b = r.output.spikes;
      if (b.first_step != clock.first_step(slice) ||
          (network.shards[i]->role() == ShardRole::readout && r.output.errors.n_steps != clock.steps_in(slice))) {
        throw StateError(which + ": slice " + std::to_string(slice) + " began at step " + std::to_string(b.first_step) +
                         ", in this run it begins at step " + std::to_string(clock.first_step(slice)) +
                         " (another slice length: other delays?)");
      }
      if (b.sender_first_gid != network.placements[i].first_gid) {
        throw StateError(which + ": its last spikes were sent from global id " + std::to_string(b.sender_first_gid) +
                         " on, this shard's neurons start at " + std::to_string(network.placements[i].first_gid));
      }
    }
    outputs.push_back(std::move(r.output));
  }
  return SequentialDriver(network, n_steps, slice + 1, std::move(outputs));
}

}  // namespace eligo
