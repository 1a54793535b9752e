#pragma once
// The receiving end of the data plane on a node: hands every spike batch that arrived from another
// node to the local actors that subscribe to its sender shard, and every error batch to the local
// actors that hear the supervisor. One batch from the network becomes one immutable batch shared by
// all its local receivers, exactly as if the sender ran in this process.
#include <caf/actor.hpp>
#include <cstdint>
#include <map>
#include <mutex>
#include <vector>

#include "actors/transport/frame_codec.hpp"

namespace eligo::cluster {

class BatchRouter {
 public:
  // Who on this node listens to each sender shard, and to the supervisor's errors.
  void set_routes(std::map<std::uint32_t, std::vector<caf::actor>> spike_routes, std::vector<caf::actor> error_route);
  void clear();
  // Delivers a batch; returns false (and delivers nothing) for a sender shard nobody here listens to.
  bool deliver(transport::Batch&& batch);

 private:
  std::mutex mutex_;
  std::map<std::uint32_t, std::vector<caf::actor>> spike_routes_;
  std::vector<caf::actor> error_route_;
};

}  // namespace eligo::cluster
