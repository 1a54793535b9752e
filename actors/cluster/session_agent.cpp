#include "actors/cluster/session_agent.hpp"

#include <spdlog/spdlog.h>

#include <caf/all.hpp>

#include "actors/cluster/cluster_messages.hpp"
#include "actors/cluster/control_codec.hpp"
#include "actors/messages.hpp"

namespace eligo::cluster {

SessionAgent::SessionAgent(caf::actor_config& cfg, caf::actor coordinator, std::uint32_t node_index,
                           std::shared_ptr<BatchRouter> router)
    : caf::event_based_actor(cfg),
      coordinator_(std::move(coordinator)),
      node_index_(node_index),
      router_(std::move(router)) {}

wire::NodeEvent SessionAgent::event() const {
  wire::NodeEvent e;
  e.set_node_index(node_index_);
  return e;
}

void SessionAgent::forward(const wire::NodeEvent& e) { send(coordinator_, event_atom::value, e.SerializeAsString()); }

caf::behavior SessionAgent::make_behavior() {
  set_down_handler([this](caf::down_msg& dm) {
    if (dm.reason == caf::exit_reason::user_shutdown || dm.reason == caf::exit_reason::normal) return;
    wire::NodeEvent e = event();
    e.set_actor_failed(system().render(dm.reason));
    forward(e);
  });
  return {
      [this](const caf::actor& watched) { monitor(watched); },
      [this](actors::done_atom, std::uint32_t shard) {
        wire::NodeEvent e = event();
        e.set_done_shard(shard);
        forward(e);
      },
      [this](actors::iteration_atom, const actors::IterationReport& r) {
        wire::NodeEvent e = event();
        *e.mutable_iteration() = to_wire(r);
        forward(e);
      },
      [this](actors::checkpoint_atom, const actors::ShardCheckpointPtr& c) {
        wire::NodeEvent e = event();
        *e.mutable_checkpoint() = to_wire(*c);
        forward(e);
      },
      [this](actors::recording_atom, const actors::Recording& r) {
        wire::NodeEvent e = event();
        *e.mutable_recording() = to_wire(r);
        forward(e);
      },
      [this](lost_atom, std::uint32_t peer, const std::string& why) {
        wire::NodeEvent e = event();
        e.set_peer_index(peer);
        e.set_link_lost(why);
        forward(e);
      },
      [this](frame_atom, std::uint32_t from, const std::string& frame) {
        // The middleman-only data path: the frame is validated like one from a socket.
        try {
          transport::FrameDecoder decoder;
          decoder.feed(frame);
          transport::Batch batch;
          while (decoder.next(batch)) {
            if (!router_->deliver(std::move(batch))) throw transport::FrameError("a batch nobody here listens to");
          }
          if (decoder.buffered() != 0) throw transport::FrameError("a truncated frame");
        } catch (const transport::FrameError& err) {
          spdlog::warn("node: dropped a frame from node {}: {}", from, err.what());
        }
      },
  };
}

}  // namespace eligo::cluster
