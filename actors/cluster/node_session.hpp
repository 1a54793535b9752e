#pragma once
// One coordinator's session on a node (node_daemon.hpp): the data plane opened at hello, the shards
// and actors built at setup, the links to the other nodes, and the results at the end. Destroying it
// stops every actor and closes every link.
#include <atomic>
#include <caf/actor.hpp>
#include <caf/fwd.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "actors/cluster/batch_router.hpp"
#include "actors/cluster/node_daemon.hpp"
#include "actors/cluster/remote_outlet.hpp"
#include "actors/messages.hpp"
#include "actors/shard_wiring.hpp"
#include "cluster.pb.h"

namespace eligo::transport {
class DataPlane;
}

namespace eligo::cluster {

class NodeSession {
 public:
  // Opens the data port; throws when it cannot.
  NodeSession(caf::actor_system& sys, const NodeOptions& options, const wire::NodeHello& hello, caf::actor coordinator);
  ~NodeSession();

  // Builds and links everything; returns a SessionReady message and, in `actors`, the shard actors
  // (which the coordinator monitors).
  std::string setup(const std::string& setup_bytes, std::vector<caf::actor>& actors);
  void go();
  std::string results();  // SessionResults

  const std::string& id() const { return id_; }
  std::uint32_t index() const { return index_; }
  const caf::actor& coordinator() const { return coordinator_; }
  const caf::actor& agent() const { return agent_; }
  std::uint16_t data_port() const { return data_port_; }
  // The middleman data path: where node `peer` (a lower-numbered one) wants its frames.
  void bind_peer(std::uint32_t peer, const caf::actor& receiver);

 private:
  void build(const wire::SessionSetup& s);
  void link(const wire::SessionSetup& s);

  caf::actor_system& sys_;
  NodeOptions options_;
  std::string id_;
  std::uint32_t index_ = 0;
  caf::actor coordinator_;
  std::shared_ptr<BatchRouter> router_;
  std::shared_ptr<transport::DataPlane> plane_;
  std::uint16_t data_port_ = 0;
  caf::actor agent_;
  bool set_up_ = false;
  actors::RunSpec spec_;
  std::map<std::uint32_t, caf::actor> shard_actors_;  // by shard id
  std::map<std::uint32_t, ShardRole> roles_;
  std::map<std::uint32_t, caf::actor> outlets_;     // by node index
  std::map<std::uint32_t, caf::actor> peer_nodes_;  // middleman data path: the peers' receivers
  std::vector<std::uint32_t> node_of_;              // node index of every shard
  actors::ShardTopology topology_;
  bool middleman_data_ = false;
  std::shared_ptr<OutletTraffic> traffic_ = std::make_shared<OutletTraffic>();
  std::shared_ptr<std::atomic<std::uint64_t>> middleman_bytes_ = std::make_shared<std::atomic<std::uint64_t>>(0);
};

}  // namespace eligo::cluster
