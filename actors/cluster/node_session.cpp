#include "actors/cluster/node_session.hpp"

#include <spdlog/spdlog.h>

#include <caf/all.hpp>
#include <set>

#include "actors/cluster/cluster_messages.hpp"
#include "actors/cluster/control_codec.hpp"
#include "actors/cluster/remote_outlet.hpp"
#include "actors/cluster/session_agent.hpp"
#include "actors/shard_wiring.hpp"
#include "actors/slice_actor.hpp"
#include "actors/training_plan.hpp"
#include "actors/transport/data_plane.hpp"
#include "runtime/checkpoint/shard_checkpoint.hpp"
#include "runtime/config/run_digest.hpp"
#include "runtime/network/network_builder.hpp"

namespace eligo::cluster {
namespace {

constexpr auto kResultsTimeout = std::chrono::seconds(120);

transport::LinkSecurity link_security(const ControlSecurity& s) {
  transport::LinkSecurity l;
  l.insecure = s.insecure;
  l.ca_file = s.files.ca_file;
  l.cert_file = s.files.cert_file;
  l.key_file = s.files.key_file;
  return l;
}

}  // namespace

NodeSession::NodeSession(caf::actor_system& sys, const NodeOptions& options, const wire::NodeHello& hello,
                         caf::actor coordinator)
    : sys_(sys),
      options_(options),
      id_(hello.session()),
      index_(hello.node_index()),
      coordinator_(std::move(coordinator)) {
  router_ = std::make_shared<BatchRouter>();
  agent_ = sys_.spawn<SessionAgent>(coordinator_, index_, router_);
  std::shared_ptr<BatchRouter> router = router_;
  caf::actor agent = agent_;
  const std::string name = options_.name;
  plane_ = std::make_shared<transport::DataPlane>(
      link_security(options_.security), index_, id_,
      [router, name](std::uint32_t peer, transport::Batch&& batch) {
        if (!router->deliver(std::move(batch)))
          spdlog::warn("node {}: node {} sent a batch that no shard here listens to", name, peer);
      },
      [agent](std::uint32_t peer, const std::string& why) { caf::anon_send(agent, lost_atom::value, peer, why); },
      hello.heartbeat_timeout_ms() > 0 ? std::chrono::milliseconds(hello.heartbeat_timeout_ms())
                                       : transport::kDefaultHeartbeatTimeout);
  data_port_ = plane_->listen(options_.host, options_.data_port);
}

NodeSession::~NodeSession() {
  auto stop = [](const caf::actor& a) {
    if (a) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  };
  for (const auto& [id, a] : shard_actors_) stop(a);
  for (const auto& [node, a] : outlets_) stop(a);
  stop(agent_);
  router_->clear();
  plane_->close();
}

std::string NodeSession::setup(const std::string& setup_bytes, std::vector<caf::actor>& actors) {
  wire::SessionReady ready;
  try {
    if (set_up_) throw std::runtime_error("session " + id_ + " is already set up");
    const auto s = parse_control<wire::SessionSetup>(setup_bytes, "session setup");
    if (s.session() != id_) throw std::runtime_error("setup for session " + s.session() + ", not " + id_);
    build(s);
    link(s);
    set_up_ = true;
    for (const auto& [id, a] : shard_actors_) {
      actors.push_back(a);
      ready.add_shards(id);
    }
    spdlog::info("node {}: session {} set up: {} shard(s), {} data links", options_.name, id_, shard_actors_.size(),
                 s.middleman_data()           ? "middleman"
                 : options_.security.insecure ? "plain TCP"
                                              : "TLS");
  } catch (const std::exception& e) {
    ready.set_error(e.what());
    spdlog::error("node {}: session {} setup failed: {}", options_.name, id_, e.what());
    actors.clear();
  }
  return ready.SerializeAsString();
}

void NodeSession::build(const wire::SessionSetup& s) {
  ConfigOverrides overrides;
  if (s.has_seed()) overrides.seed = s.seed();
  if (s.has_iterations()) overrides.iterations = s.iterations();
  if (s.has_data_dir()) overrides.data_dir = s.data_dir();
  if (s.has_data_order()) overrides.order = s.data_order();
  if (s.has_eprop_mode()) overrides.eprop_mode = s.eprop_mode();
  if (s.has_epochs()) overrides.epochs = s.epochs();
  const TrainingSetup setup = load_training_config_text(s.config_text(), s.config_path(), overrides);
  if (run_digest_of_text(s.config_text(), setup) != s.config_digest())
    throw std::runtime_error("the config's digest is not the one the coordinator announced");
  if (options_.pinned_digest && *options_.pinned_digest != s.config_digest())
    throw std::runtime_error("the config is not the one this node was started with");

  PartitionOptions partition;
  partition.input_shards = s.input_shards();
  partition.recurrent_shards = s.recurrent_shards();
  partition.history = static_cast<HistoryPolicy>(s.history());
  for (std::uint32_t node : s.shard_node()) partition.build_only.push_back(node == index_);
  BuiltNetwork built = build_network(setup.network, partition);
  if (static_cast<std::size_t>(s.shard_node_size()) != built.shards.size())
    throw std::runtime_error("the placement names " + std::to_string(s.shard_node_size()) +
                             " shards, the network has " + std::to_string(built.shards.size()));
  const actors::IterationPlan plan = actors::make_iteration_plan(setup);
  std::vector<ShardRole> roles;
  std::uint32_t n_inputs = 0, n_recurrent = 0;
  for (const ShardPlacement& p : built.placements) {
    roles.push_back(p.role);
    n_inputs += p.role == ShardRole::input;
    n_recurrent += p.role == ShardRole::recurrent;
  }
  std::map<std::uint32_t, const wire::ShardResume*> resume;
  for (const wire::ShardResume& r : s.resume()) resume[r.shard_id()] = &r;

  for (std::uint32_t i = 0; i < built.shards.size(); ++i) {
    if (s.shard_node(static_cast<int>(i)) != index_) continue;
    std::shared_ptr<Shard> shard(std::move(built.shards[i]));
    actors::ResumePtr restored;
    if (auto it = resume.find(i); it != resume.end()) {
      RestoredShard r = load_shard_checkpoint(*shard, it->second->blob());
      restored = std::make_shared<const actors::ResumeState>(
          actors::ResumeState{std::move(r.output), it->second->actor_state()});
    } else if (s.start_slice() > 0) {
      throw std::runtime_error("no checkpoint for shard " + std::to_string(i) + " in a resumed run");
    }
    caf::actor a = actors::spawn_shard_actor(sys_, shard, roles[i], n_inputs, n_recurrent, agent_, plan);
    caf::anon_send(agent_, a);  // monitor it
    if (restored) caf::anon_send(a, actors::resume_atom::value, restored);
    shard_actors_[i] = a;
    roles_[i] = roles[i];
  }
  spec_.slice_steps = s.slice_steps();
  spec_.n_steps = s.n_steps();
  spec_.start_slice = s.start_slice();
  spec_.checkpoint_slices.assign(s.checkpoint_slices().begin(), s.checkpoint_slices().end());

  // Batches from other nodes go to the local subscribers of their sender.
  const actors::ShardTopology topology = actors::shard_topology(roles);
  std::map<std::uint32_t, std::vector<caf::actor>> spike_routes;
  std::vector<caf::actor> error_route;
  for (std::uint32_t sender = 0; sender < roles.size(); ++sender) {
    if (s.shard_node(static_cast<int>(sender)) == index_) continue;
    for (std::uint32_t sub : topology.spike_subscribers[sender]) {
      if (auto it = shard_actors_.find(sub); it != shard_actors_.end()) spike_routes[sender].push_back(it->second);
    }
    for (std::uint32_t sub : topology.error_subscribers[sender]) {
      if (auto it = shard_actors_.find(sub); it != shard_actors_.end()) error_route.push_back(it->second);
    }
  }
  router_->set_routes(std::move(spike_routes), std::move(error_route));

  // Each local actor sends to its local subscribers directly and to one outlet per node that hosts
  // any of its remote subscribers (wired after link(), which creates the outlets).
  node_of_.assign(s.shard_node().begin(), s.shard_node().end());
  topology_ = topology;
}

void NodeSession::link(const wire::SessionSetup& s) {
  const std::chrono::milliseconds timeout(s.connect_timeout_ms() ? s.connect_timeout_ms() : 5000);
  std::vector<std::uint32_t> lower;
  for (const wire::Peer& p : s.peers()) {
    if (p.index() == index_) continue;
    if (s.middleman_data()) {
      if (p.index() < index_) continue;  // it connects to us and says where its frames go (bind_peer)
      auto a = connect_actor(sys_, p.host(), static_cast<std::uint16_t>(p.control_port()), options_.security);
      if (!a)
        throw std::runtime_error("cannot reach node " + std::to_string(p.index()) + " at " + p.host() + ":" +
                                 std::to_string(p.control_port()) + ": " + sys_.render(a.error()));
      peer_nodes_[p.index()] = *a;
      caf::anon_send(*a, peer_atom::value, index_, agent_);
    } else if (p.index() > index_) {
      plane_->connect(p.index(), p.host(), static_cast<std::uint16_t>(p.data_port()), timeout);
    } else {
      lower.push_back(p.index());
    }
  }
  if (!lower.empty()) plane_->wait_for(lower, timeout);

  auto outlet_for = [&](std::uint32_t node) {
    auto it = outlets_.find(node);
    if (it != outlets_.end()) return it->second;
    std::unique_ptr<FrameSink> sink =
        s.middleman_data() ? middleman_sink(peer_nodes_[node], index_, middleman_bytes_) : data_link_sink(plane_, node);
    caf::actor outlet = sys_.spawn<RemoteOutlet>(std::move(sink), traffic_);
    caf::anon_send(agent_, outlet);
    outlets_[node] = outlet;
    return outlet;
  };
  auto subscribers = [&](const std::vector<std::uint32_t>& shards) {
    std::vector<caf::actor> out;
    std::set<std::uint32_t> remote;
    for (std::uint32_t sub : shards) {
      if (node_of_[sub] == index_)
        out.push_back(shard_actors_.at(sub));
      else
        remote.insert(node_of_[sub]);
    }
    for (std::uint32_t node : remote) out.push_back(outlet_for(node));
    return out;
  };
  for (const auto& [id, a] : shard_actors_) {
    caf::anon_send(a, actors::wire_atom::value, subscribers(topology_.spike_subscribers[id]),
                   subscribers(topology_.error_subscribers[id]));
  }
  middleman_data_ = s.middleman_data();
}

void NodeSession::bind_peer(std::uint32_t peer, const caf::actor& receiver) {
  peer_nodes_[peer] = receiver;
  if (auto it = outlets_.find(peer); it != outlets_.end()) caf::anon_send(it->second, peer_atom::value, receiver);
}

void NodeSession::go() {
  for (const auto& [id, a] : shard_actors_) caf::anon_send(a, actors::run_atom::value, spec_);
}

std::string NodeSession::results() {
  wire::SessionResults r;
  caf::scoped_actor self{sys_};
  std::string failure;
  for (const auto& [id, a] : shard_actors_) {
    self->request(a, kResultsTimeout, actors::weights_atom::value)
        .receive([&](actors::WeightRecords& w) { to_wire(w, *r.mutable_weights()); },
                 [&](caf::error& e) { failure = sys_.render(e); });
    self->request(a, kResultsTimeout, actors::counters_atom::value)
        .receive(
            [&, id = id](const ShardCounters& k) {
              wire::ShardTotals* t = r.add_totals();
              t->set_shard_id(id);
              t->set_role(static_cast<std::uint32_t>(roles_.at(id)));
              t->set_spikes_emitted(k.spikes_emitted);
              t->set_synaptic_events(k.synaptic_events);
              t->set_history_entries_max(k.history_entries_max);
              t->set_synapse_bytes(k.synapse_bytes);
              t->set_history_bytes_max(k.history_bytes_max);
              t->set_closed_windows(k.closed_windows);
              t->set_loop_windows(k.loop_windows);
              t->set_clamp_fallbacks(k.clamp_fallbacks);
            },
            [&](caf::error& e) { failure = sys_.render(e); });
  }
  if (!failure.empty()) {
    spdlog::error("node {}: gathering results: {}", options_.name, failure);
    r.set_error(failure);
  }
  r.set_data_bytes_sent(middleman_data_ ? middleman_bytes_->load() : plane_->bytes_sent());
  r.set_data_frames_sent(middleman_data_ ? 0 : plane_->frames_sent());
  r.set_spike_frame_bytes(traffic_->spike_bytes.load());
  r.set_error_frame_bytes(traffic_->error_bytes.load());
  return r.SerializeAsString();
}

}  // namespace eligo::cluster
