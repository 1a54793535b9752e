#include "actors/cluster/cluster_coordinator.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <chrono>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "actors/cluster/cluster_messages.hpp"
#include "actors/cluster/control_codec.hpp"
#include "actors/cluster/middleman_setup.hpp"
#include "actors/cluster/placement.hpp"
#include "actors/run_ledger.hpp"
#include "actors/scheduler_config.hpp"

namespace eligo::cluster {
namespace {

using actors::RunFailed;
constexpr auto kSetupTimeout = std::chrono::minutes(10);  // building a large network takes a while
constexpr auto kResultsTimeout = std::chrono::minutes(5);
// A node still busy with the session of a coordinator that just went away ends it within a heartbeat
// timeout; until then (and a little longer) its hello is asked again.
constexpr auto kBusyRetry = std::chrono::milliseconds(250);
using Clock = std::chrono::steady_clock;

std::string new_session_id() {
  std::random_device rd;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%d-%08x", static_cast<int>(getpid()), rd());
  return buf;
}

const char* role_name(ShardRole r) {
  return r == ShardRole::input ? "input" : r == ShardRole::recurrent ? "recurrent" : "supervisor";
}

// What the coordinator knows about every node and shard, for reports.
struct Cluster {
  std::vector<NodeAddress> nodes;
  std::vector<caf::actor> node_actors;
  std::vector<std::uint32_t> node_of;  // by shard
  std::vector<ShardRole> roles;        // by shard
  std::map<caf::actor_addr, std::uint32_t> node_of_actor;

  std::string describe(std::uint32_t node) const {
    std::string shards;
    for (std::uint32_t s = 0; s < node_of.size(); ++s) {
      if (node_of[s] != node) continue;
      shards += (shards.empty() ? "" : ", ") + std::to_string(s) + " (" + role_name(roles[s]) + ")";
    }
    return "node " + nodes[node].name + " (" + nodes[node].endpoint() + "), shards " +
           (shards.empty() ? "none" : shards);
  }
};

std::vector<ShardRole> shard_roles(std::uint32_t input_shards, std::uint32_t recurrent_shards) {
  std::vector<ShardRole> roles(input_shards, ShardRole::input);
  roles.insert(roles.end(), recurrent_shards, ShardRole::recurrent);
  roles.push_back(ShardRole::readout);
  return roles;
}

caf::actor reach_node(caf::actor_system& sys, const NodeAddress& n, const ControlSecurity& security,
                      std::chrono::milliseconds timeout) {
  if (auto why = probe_tcp(n.host, n.port, timeout))
    throw RunFailed("node " + n.name + " (" + n.endpoint() + ") is unreachable: " + *why + " (connect timeout " +
                    std::to_string(timeout.count()) + " ms)");
  auto a = connect_actor(sys, n.host, n.port, security);
  if (!a) {
    std::string why = sys.render(a.error());
    if (!security.insecure && why.find("handshake") != std::string::npos)
      why +=
          ": the TLS handshake failed; does the node run with a certificate from this cluster's CA, and not "
          "--insecure?";
    throw RunFailed("node " + n.name + " (" + n.endpoint() + ") cannot be reached over the control plane: " + why);
  }
  return *a;
}

// One distributed run, step by step: join (hello to every node), set up (placement, every node builds
// and links), run (the nodes' events drive the same bookkeeping as the single-process coordinator;
// heartbeats both ways), gather (weights and counters). Any failure after the first node joined stops
// every node that joined. A failure that is a node's (unreachable, dead, silent, cut off) is NodesLost.
class ClusterRunner {
 public:
  ClusterRunner(caf::actor_system& sys, const ClusterRun& run, const ControlSecurity& security,
                const actors::RunOptions& options, const actors::Callbacks& callbacks)
      : sys_(sys),
        self_(sys),
        run_(run),
        security_(security),
        options_(options),
        roles_(shard_roles(options.input_shards, options.shards)),
        ledger_(roles_.size(), callbacks, /*keep_weights=*/true, options.keep_iterations) {
    file_index_ = active_nodes(run);
    for (std::size_t k : file_index_) c_.nodes.push_back(run.cluster.nodes.at(k));
    c_.roles = roles_;
  }

  actors::RunResult operator()(Step slice_steps, Step n_steps) {
    try {
      join();
      set_up(slice_steps, n_steps);
      run_to_end();
      gather();
    } catch (const RunFailed& e) {
      stop_nodes(std::string("the run failed: ") + e.what());
      throw;
    } catch (const std::exception& e) {  // e.g. a malformed control message
      stop_nodes(std::string("the run failed: ") + e.what());
      throw RunFailed(e.what());
    }
    stop_nodes("finished");
    return ledger_.finish();
  }

 private:
  std::chrono::milliseconds timeout() const { return run_.cluster.connect_timeout; }
  std::chrono::milliseconds heartbeat_timeout() const { return run_.cluster.heartbeat_timeout; }

  void stop_nodes(const std::string& reason) {
    for (const caf::actor& n : c_.node_actors) self_->send(n, stop_atom::value, reason);
  }

  // A failure of these session nodes: by cluster-file index, with the placement as it stands.
  [[noreturn]] void lost(const std::string& what, const std::set<std::uint32_t>& nodes) {
    std::vector<std::size_t> lost_nodes, placement;
    for (std::uint32_t i : nodes) lost_nodes.push_back(file_index_[i]);
    for (std::uint32_t n : c_.node_of) placement.push_back(file_index_[n]);
    throw NodesLost(what, std::move(lost_nodes), std::move(placement));
  }

  // One hello; false if the node is busy with another session (it may be ending it right now).
  bool hello(std::uint32_t i, const caf::actor& node) {
    const NodeAddress& n = c_.nodes[i];
    wire::NodeHello hello;
    hello.set_protocol_version(kClusterProtocolVersion);
    hello.set_config_digest(run_.config_digest);
    hello.set_coordinator(run_.cluster.name);
    hello.set_session(session_);
    hello.set_node_index(i);
    hello.set_heartbeat_timeout_ms(static_cast<std::uint32_t>(heartbeat_timeout().count()));
    std::string bytes, failure;
    self_->request(node, timeout(), hello_atom::value, hello.SerializeAsString(), caf::actor_cast<caf::actor>(self_))
        .receive([&](std::string& reply) { bytes = std::move(reply); },
                 [&](caf::error& e) { failure = sys_.render(e); });
    if (!failure.empty()) lost("node " + n.name + " (" + n.endpoint() + ") did not answer the hello: " + failure, {i});
    const auto reply = parse_control<wire::NodeHelloReply>(bytes, "hello reply");
    if (reply.busy()) return false;
    if (!reply.error().empty())
      throw RunFailed("node " + n.name + " (" + n.endpoint() + ") refused the run: " + reply.error());
    threads_.push_back(n.threads);
    data_ports_.push_back(reply.data_port());
    spdlog::info("cluster: node {} ({}) joined: {} thread(s), data port {}", n.name, n.endpoint(), reply.threads(),
                 reply.data_port());
    return true;
  }

  // Reaches every node and checks protocol version and config digest; the nodes open their data ports.
  // An unreachable node is lost; one busy with another session is asked again for a while.
  void join() {
    for (std::uint32_t i = 0; i < c_.nodes.size(); ++i) {
      const NodeAddress& n = c_.nodes[i];
      caf::actor node;
      try {
        node = reach_node(sys_, n, security_, timeout());
      } catch (const RunFailed& e) {
        lost(e.what(), {i});
      }
      const auto give_up = Clock::now() + 2 * heartbeat_timeout() + timeout();
      while (!hello(i, node)) {
        if (Clock::now() > give_up)
          throw RunFailed("node " + n.name + " (" + n.endpoint() + ") is busy with the session of another coordinator");
        std::this_thread::sleep_for(kBusyRetry);
      }
      self_->monitor(node);
      c_.node_actors.push_back(node);
      c_.node_of_actor[node.address()] = i;
    }
  }

  wire::SessionSetup common_setup(Step slice_steps, Step n_steps) const {
    wire::SessionSetup setup;
    setup.set_session(session_);
    setup.set_config_text(run_.config_text);
    setup.set_config_path(run_.config_path.string());
    setup.set_config_digest(run_.config_digest);
    if (run_.overrides.seed) setup.set_seed(*run_.overrides.seed);
    if (run_.overrides.iterations) setup.set_iterations(*run_.overrides.iterations);
    if (run_.overrides.data_dir) setup.set_data_dir(run_.overrides.data_dir->string());
    if (run_.overrides.order) setup.set_data_order(*run_.overrides.order);
    if (run_.overrides.eprop_mode) setup.set_eprop_mode(*run_.overrides.eprop_mode);
    if (run_.overrides.epochs) setup.set_epochs(*run_.overrides.epochs);
    setup.set_input_shards(options_.input_shards);
    setup.set_recurrent_shards(options_.shards);
    for (std::uint32_t n : c_.node_of) setup.add_shard_node(n);
    for (std::uint32_t i = 0; i < c_.nodes.size(); ++i) {
      wire::Peer* p = setup.add_peers();
      p->set_index(i);
      p->set_host(c_.nodes[i].host);
      p->set_data_port(data_ports_[i]);
      p->set_control_port(c_.nodes[i].port);
    }
    setup.set_middleman_data(run_.cluster.data_plane == DataPlaneKind::middleman);
    setup.set_slice_steps(slice_steps);
    setup.set_n_steps(n_steps);
    setup.set_history(static_cast<std::uint32_t>(options_.history));
    setup.set_connect_timeout_ms(static_cast<std::uint32_t>(timeout().count()));
    for (Step s : options_.checkpoint_slices) setup.add_checkpoint_slices(s);
    if (options_.resume) {
      const actors::ResumeFrom& from = *options_.resume;
      if (from.blobs.size() != c_.roles.size())
        throw RunFailed("the checkpoint has " + std::to_string(from.blobs.size()) + " shards, this run's network " +
                        std::to_string(c_.roles.size()));
      if (from.slice < 0) throw RunFailed("the checkpoint does not say after which slice it was taken");
      setup.set_start_slice(from.slice + 1);
    }
    return setup;
  }

  // Places the shards; every node builds and links at once (its links wait for the others), then each
  // setup reply is read. The shard actors the nodes report are monitored from here on.
  void set_up(Step slice_steps, Step n_steps) {
    c_.node_of = placement();
    const wire::SessionSetup setup = common_setup(slice_steps, n_steps);
    using Handle = decltype(self_->request(c_.node_actors[0], kSetupTimeout, setup_atom::value, std::string{}));
    std::vector<Handle> pending;
    for (std::uint32_t i = 0; i < c_.nodes.size(); ++i) {
      wire::SessionSetup mine = setup;
      mine.set_node_index(i);
      for (std::uint32_t s = 0; options_.resume && s < c_.node_of.size(); ++s) {
        if (c_.node_of[s] != i) continue;
        wire::ShardResume* r = mine.add_resume();
        r->set_shard_id(s);
        r->set_blob(options_.resume->blobs[s]);
        r->set_actor_state(options_.resume->actor_states[s]);
      }
      pending.push_back(self_->request(c_.node_actors[i], kSetupTimeout, setup_atom::value, mine.SerializeAsString()));
    }
    std::string failure;
    std::set<std::uint32_t> silent;
    std::size_t n_actors = 0;
    for (std::uint32_t i = 0; i < pending.size(); ++i) {
      std::string bytes;
      pending[i].receive(
          [&](std::string& reply, const std::vector<caf::actor>& shard_actors) {
            bytes = std::move(reply);
            for (const caf::actor& a : shard_actors) {
              self_->monitor(a);
              c_.node_of_actor[a.address()] = i;
            }
            n_actors += shard_actors.size();
          },
          [&](caf::error& e) {
            if (failure.empty()) failure = c_.describe(i) + ": no setup reply: " + sys_.render(e);
            silent.insert(i);
          });
      if (bytes.empty()) continue;
      const auto ready = parse_control<wire::SessionReady>(bytes, "setup reply");
      if (!ready.error().empty() && failure.empty()) failure = c_.describe(i) + ": setup failed: " + ready.error();
    }
    if (failure.empty() && n_actors != c_.roles.size())
      failure = "the nodes run " + std::to_string(n_actors) + " shard actors, the network has " +
                std::to_string(c_.roles.size());
    if (!silent.empty()) lost(failure, silent);
    if (!failure.empty()) throw RunFailed(failure);
    for (std::uint32_t i = 0; i < c_.nodes.size(); ++i) spdlog::info("cluster: {}", c_.describe(i));
  }

  void on_checkpoint_part(std::uint32_t from, const actors::ShardCheckpointPtr& part) {
    if (!ledger_.on_checkpoint_part(part))
      ledger_.fail(c_.describe(from) + " sent a checkpoint of unknown shard " + std::to_string(part->shard_id));
  }

  void on_event(const wire::NodeEvent& e) {
    const std::uint32_t from = e.node_index() < c_.nodes.size() ? e.node_index() : 0;
    switch (e.kind_case()) {
      case wire::NodeEvent::kDoneShard:
        ledger_.on_shard_done();
        break;
      case wire::NodeEvent::kIteration:
        ledger_.on_iteration(from_wire(e.iteration()));
        break;
      case wire::NodeEvent::kCheckpoint:
        on_checkpoint_part(from, from_wire(e.checkpoint()));
        break;
      case wire::NodeEvent::kRecording:
        ledger_.on_recording(from_wire(e.recording()));
        break;
      case wire::NodeEvent::kLinkLost: {
        const std::uint32_t peer = e.peer_index() < c_.nodes.size() ? e.peer_index() : from;
        const std::string why = "its data link to node " + c_.nodes[from].name + " broke (" + e.link_lost() + ")";
        suspects_.emplace(peer, why);
        ledger_.fail("lost " + c_.describe(peer) + ": " + why);
        break;
      }
      case wire::NodeEvent::kActorFailed:
        ledger_.fail(c_.describe(from) + ": a shard actor failed: " + e.actor_failed());
        break;
      default:
        ledger_.fail(c_.describe(from) + " sent an unknown event");
        break;
    }
  }

  // Until every shard is done, or a node, link or actor fails (reported at once: down messages and
  // lost links arrive as soon as a connection breaks; a silent node or link within a heartbeat
  // timeout).
  void run_to_end() {
    ledger_.start();
    for (const caf::actor& n : c_.node_actors) self_->send(n, go_atom::value);
    std::vector<Clock::time_point> heard(c_.nodes.size(), Clock::now());
    const auto interval = heartbeat_timeout() / 3;
    auto next_beat = Clock::now();
    // One message, or none within `wait`; false when none came. Any event of a node counts as hearing it.
    const auto receive_one = [&](std::chrono::milliseconds wait) {
      bool got = true;
      self_->receive(
          [&](event_atom, const std::string& bytes) {
            const wire::NodeEvent e = parse_control<wire::NodeEvent>(bytes, "node event");
            if (e.node_index() < heard.size()) heard[e.node_index()] = Clock::now();
            on_event(e);
          },
          [&](beat_atom, std::uint32_t node) {
            if (node < heard.size()) heard[node] = Clock::now();
          },
          [&](caf::down_msg& dm) { on_down(dm); }, caf::after(wait) >> [&] { got = false; });
      return got;
    };
    while (ledger_.running()) {
      if (Clock::now() >= next_beat) {
        for (const caf::actor& n : c_.node_actors) self_->send(n, beat_atom::value);
        next_beat = Clock::now() + interval;
      }
      receive_one(interval);
      const auto silent = [&](std::uint32_t i) { return Clock::now() - heard[i] > heartbeat_timeout(); };
      bool any_silent = false;
      for (std::uint32_t i = 0; i < heard.size(); ++i) any_silent = any_silent || silent(i);
      // This thread may itself have been held up (a slow disk under a checkpoint, a loaded machine):
      // what is queued already is read before a node counts as silent.
      if (any_silent)
        for (int k = 0; k < 10'000 && ledger_.running() && receive_one(std::chrono::milliseconds(0)); ++k) {
        }
      for (std::uint32_t i = 0; i < heard.size() && ledger_.running(); ++i) {
        if (!silent(i)) continue;
        const std::string why =
            "silent for more than " + std::to_string(heartbeat_timeout().count()) + " ms (no heartbeat)";
        suspects_.emplace(i, why);
        ledger_.fail("lost " + c_.describe(i) + ": " + why);
      }
    }
    ledger_.stop();
    if (!ledger_.failed()) return;
    if (suspects_.empty() && !lost_connection_) {
      spdlog::error("cluster: {}", ledger_.failure());
      throw RunFailed(ledger_.failure());
    }
    confirm_suspects();
    if (suspects_.empty()) {  // every node answers: a connection dropped, run again on the same nodes
      spdlog::error("cluster: {} (every node still answers)", ledger_.failure());
      lost(ledger_.failure(), {});
    }
    std::string what;
    std::set<std::uint32_t> nodes;
    for (const auto& [i, why] : suspects_) {
      what += (what.empty() ? "lost " : "; lost ") + c_.describe(i) + ": " + why;
      nodes.insert(i);
    }
    spdlog::error("cluster: {}", what);
    lost(what, nodes);
  }

  void on_down(const caf::down_msg& dm) {
    auto it = c_.node_of_actor.find(dm.source);
    // A connection that dropped, not an actor that failed: confirm_suspects finds out whose.
    if (dm.reason == caf::exit_reason::remote_link_unreachable) lost_connection_ = true;
    ledger_.fail("lost " + (it == c_.node_of_actor.end() ? "an unknown remote actor" : c_.describe(it->second)) + ": " +
                 sys_.render(dm.reason));
  }

  // After the first failure: which nodes are gone? When one node's connection drops, CAF 0.17 reports
  // every remote actor as unreachable (remote_link_unreachable), those of the nodes still alive too,
  // and the old connections are of no use any more. So every node not yet known to be lost (silent,
  // or cut off from a peer) is asked by a fresh TCP connection to its control port instead: one that
  // refuses (a dead process) or does not answer within a heartbeat timeout (a partition) is lost.
  // A process killed a moment ago may still hold its listening socket while its connections are
  // already gone: while every node answers, they are asked again, for up to a heartbeat timeout.
  void confirm_suspects() {
    const auto deadline = std::chrono::steady_clock::now() + heartbeat_timeout();
    for (;;) {
      for (std::uint32_t i = 0; i < c_.nodes.size(); ++i) {
        if (suspects_.count(i)) continue;
        const NodeAddress& n = c_.nodes[i];
        if (auto why = probe_tcp(n.host, n.port, heartbeat_timeout()))
          suspects_.emplace(i, "its control port does not answer (" + *why + ")");
      }
      if (!suspects_.empty() || std::chrono::steady_clock::now() >= deadline) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  // Where each shard goes: as the caller said (cluster-file indices), or by thread counts.
  std::vector<std::uint32_t> placement() const {
    if (run_.placement.empty()) return place_shards(options_.input_shards, options_.shards, threads_);
    if (run_.placement.size() != roles_.size())
      throw RunFailed("the placement names " + std::to_string(run_.placement.size()) + " shards, the network has " +
                      std::to_string(roles_.size()));
    std::vector<std::uint32_t> node_of;
    for (std::size_t k : run_.placement) {
      auto it = std::find(file_index_.begin(), file_index_.end(), k);
      if (it == file_index_.end()) throw RunFailed("the placement names a node that does not take part");
      node_of.push_back(static_cast<std::uint32_t>(it - file_index_.begin()));
    }
    return node_of;
  }

  void add_results(const wire::SessionResults& r) {
    ledger_.add_weights(from_wire(r.weights()));
    for (const wire::ShardTotals& t : r.totals()) {
      ShardCounters k;
      k.synaptic_events = t.synaptic_events();
      k.history_entries_max = t.history_entries_max();
      k.synapse_bytes = t.synapse_bytes();
      k.history_bytes_max = t.history_bytes_max();
      k.closed_windows = t.closed_windows();
      k.loop_windows = t.loop_windows();
      k.clamp_fallbacks = t.clamp_fallbacks();
      k.spikes_emitted = t.spikes_emitted();
      ledger_.add_counters(static_cast<ShardRole>(t.role()), k);
    }
    ledger_.add_data_plane_bytes(r.data_bytes_sent(), r.spike_frame_bytes(), r.error_frame_bytes());
  }

  void gather() {
    for (std::uint32_t i = 0; i < c_.nodes.size(); ++i) {
      std::string bytes, failure;
      self_->request(c_.node_actors[i], kResultsTimeout, results_atom::value)
          .receive([&](std::string& reply) { bytes = std::move(reply); },
                   [&](caf::error& e) { failure = sys_.render(e); });
      if (!failure.empty()) lost("gathering results: " + c_.describe(i) + ": no results: " + failure, {i});
      const auto r = parse_control<wire::SessionResults>(bytes, "results");
      if (!r.error().empty()) throw RunFailed("gathering results: " + c_.describe(i) + ": " + r.error());
      add_results(r);
    }
  }

  caf::actor_system& sys_;
  caf::scoped_actor self_;
  const ClusterRun& run_;
  const ControlSecurity& security_;
  const actors::RunOptions& options_;
  const std::vector<ShardRole> roles_;
  const std::string session_ = new_session_id();
  Cluster c_;
  std::vector<std::size_t> file_index_;            // cluster-file index of each session node
  std::map<std::uint32_t, std::string> suspects_;  // session nodes lost (silent, cut off, gone), and why
  bool lost_connection_ = false;                   // a remote actor became unreachable
  std::vector<std::uint32_t> threads_, data_ports_;
  actors::RunLedger ledger_;
};

}  // namespace

std::vector<std::size_t> active_nodes(const ClusterRun& run) {
  if (!run.active.empty()) return run.active;
  std::vector<std::size_t> active;
  for (std::size_t i = 0; i < run.cluster.nodes.size(); ++i)
    if (!run.cluster.nodes[i].spare) active.push_back(i);
  return active;
}

actors::RunResult run_on_cluster(const ClusterRun& run, Step slice_steps, Step n_steps,
                                 const actors::RunOptions& options, const actors::Callbacks& callbacks) {
  ControlSecurity security;
  security.insecure = run.insecure;
  if (!run.insecure) security.files = tls_files(run.cluster.certs, run.cluster.name);
  caf::actor_system_config cfg;
  actors::configure_scheduler(cfg, 2);
  configure_middleman(cfg, security);
  caf::actor_system sys{cfg};
  ClusterRunner runner(sys, run, security, options, callbacks);
  return runner(slice_steps, n_steps);
}

}  // namespace eligo::cluster
