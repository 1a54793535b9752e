#pragma once
// A node's stand-in for the remote coordinator: local shard actors report to it exactly as they report
// to the coordinator in a single process (done, iterations, checkpoints, the recording), and it
// forwards each report over the control plane. It also monitors the node's shard actors and outlets,
// hears lost data links, and receives the frames of the middleman-only data path.
#include <caf/actor.hpp>
#include <caf/event_based_actor.hpp>
#include <cstdint>
#include <memory>

#include "actors/cluster/batch_router.hpp"
#include "cluster.pb.h"

namespace eligo::cluster {

class SessionAgent final : public caf::event_based_actor {
 public:
  SessionAgent(caf::actor_config& cfg, caf::actor coordinator, std::uint32_t node_index,
               std::shared_ptr<BatchRouter> router);
  const char* name() const override { return "eligo.session"; }
  caf::behavior make_behavior() override;

 private:
  wire::NodeEvent event() const;  // with this node's index
  void forward(const wire::NodeEvent& e);

  caf::actor coordinator_;
  std::uint32_t node_index_;
  std::shared_ptr<BatchRouter> router_;
};

}  // namespace eligo::cluster
