#include "actors/cluster/cluster_coordinator.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <random>

#include "actors/cluster/cluster_messages.hpp"
#include "actors/cluster/control_codec.hpp"
#include "actors/cluster/middleman_setup.hpp"
#include "actors/cluster/placement.hpp"
#include "runtime/network/weights_digest.hpp"

namespace eligo::cluster {
namespace {

using Clock = std::chrono::steady_clock;
using actors::RunFailed;
constexpr auto kSetupTimeout = std::chrono::minutes(10);  // building a large network takes a while
constexpr auto kResultsTimeout = std::chrono::minutes(5);

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

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
    return "node " + nodes[node].name + " (" + nodes[node].endpoint() + "), shards " + (shards.empty() ? "none" : shards);
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
      why += ": the TLS handshake failed; does the node run with a certificate from this cluster's CA, and not "
             "--insecure?";
    throw RunFailed("node " + n.name + " (" + n.endpoint() + ") cannot be reached over the control plane: " + why);
  }
  return *a;
}

}  // namespace

actors::RunResult run_on_cluster(const ClusterRun& run, Step slice_steps, Step n_steps, const actors::RunOptions& options,
                                 const actors::Callbacks& callbacks) {
  ControlSecurity security;
  security.insecure = run.insecure;
  if (!run.insecure) security.files = tls_files(run.cluster.certs, run.cluster.name);
  caf::actor_system_config cfg;
  cfg.set("scheduler.max-threads", std::size_t{2});
  configure_middleman(cfg, security);
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  const caf::actor me = caf::actor_cast<caf::actor>(self);
  const std::string session = new_session_id();
  const auto timeout = run.cluster.connect_timeout;

  Cluster c;
  c.nodes = run.cluster.nodes;
  std::vector<std::uint32_t> threads;
  std::vector<std::uint32_t> data_ports;
  auto stop_nodes = [&](const std::string& reason) {
    for (const caf::actor& n : c.node_actors) self->send(n, stop_atom::value, reason);
  };
  // From here on a failure must stop the nodes already in the session.
  try {
    for (std::uint32_t i = 0; i < c.nodes.size(); ++i) {
      const NodeAddress& n = c.nodes[i];
      caf::actor node = reach_node(sys, n, security, timeout);
      wire::NodeHello hello;
      hello.set_protocol_version(kClusterProtocolVersion);
      hello.set_config_digest(run.config_digest);
      hello.set_coordinator(run.cluster.name);
      hello.set_session(session);
      hello.set_node_index(i);
      wire::NodeHelloReply reply;
      std::string failure;
      self->request(node, timeout, hello_atom::value, hello.SerializeAsString(), me)
          .receive([&](const std::string& bytes) { reply = parse_control<wire::NodeHelloReply>(bytes, "hello reply"); },
                   [&](caf::error& e) { failure = sys.render(e); });
      if (!failure.empty()) throw RunFailed("node " + n.name + " (" + n.endpoint() + ") did not answer the hello: " + failure);
      if (!reply.error().empty()) throw RunFailed("node " + n.name + " (" + n.endpoint() + ") refused the run: " + reply.error());
      self->monitor(node);
      c.node_actors.push_back(node);
      c.node_of_actor[node.address()] = i;
      threads.push_back(n.threads);
      data_ports.push_back(reply.data_port());
      spdlog::info("cluster: node {} ({}) joined: {} thread(s), data port {}", n.name, n.endpoint(), reply.threads(),
                   reply.data_port());
    }
  } catch (...) {
    stop_nodes("the coordinator could not start the run");
    throw;
  }

  c.roles = shard_roles(options.input_shards, options.shards);
  c.node_of = place_shards(options.input_shards, options.shards, threads);
  wire::SessionSetup setup;
  setup.set_session(session);
  setup.set_config_text(run.config_text);
  setup.set_config_path(run.config_path.string());
  setup.set_config_digest(run.config_digest);
  if (run.overrides.seed) setup.set_seed(*run.overrides.seed);
  if (run.overrides.iterations) setup.set_iterations(*run.overrides.iterations);
  setup.set_input_shards(options.input_shards);
  setup.set_recurrent_shards(options.shards);
  for (std::uint32_t n : c.node_of) setup.add_shard_node(n);
  for (std::uint32_t i = 0; i < c.nodes.size(); ++i) {
    wire::Peer* p = setup.add_peers();
    p->set_index(i);
    p->set_host(c.nodes[i].host);
    p->set_data_port(data_ports[i]);
    p->set_control_port(c.nodes[i].port);
  }
  setup.set_middleman_data(run.cluster.data_plane == DataPlaneKind::middleman);
  setup.set_slice_steps(slice_steps);
  setup.set_n_steps(n_steps);
  setup.set_history(static_cast<std::uint32_t>(options.history));
  setup.set_connect_timeout_ms(static_cast<std::uint32_t>(timeout.count()));
  for (Step s : options.checkpoint_slices) setup.add_checkpoint_slices(s);
  if (options.resume) {
    const actors::ResumeFrom& from = *options.resume;
    if (from.blobs.size() != c.roles.size())
      throw RunFailed("the checkpoint has " + std::to_string(from.blobs.size()) + " shards, this run's network " +
                      std::to_string(c.roles.size()));
    if (from.slice < 0) throw RunFailed("the checkpoint does not say after which slice it was taken");
    setup.set_start_slice(from.slice + 1);
  }

  // Every node builds and links at once (links wait for each other); then each gets its setup reply.
  using Handle = decltype(self->request(c.node_actors[0], kSetupTimeout, setup_atom::value, std::string{}));
  std::vector<Handle> pending;
  for (std::uint32_t i = 0; i < c.nodes.size(); ++i) {
    wire::SessionSetup mine = setup;
    if (options.resume) {
      for (std::uint32_t s = 0; s < c.node_of.size(); ++s) {
        if (c.node_of[s] != i) continue;
        wire::ShardResume* r = mine.add_resume();
        r->set_shard_id(s);
        r->set_blob(options.resume->blobs[s]);
        r->set_actor_state(options.resume->actor_states[s]);
      }
    }
    mine.set_node_index(i);
    pending.push_back(self->request(c.node_actors[i], kSetupTimeout, setup_atom::value, mine.SerializeAsString()));
  }
  std::string failure;
  std::size_t n_actors = 0;
  for (std::uint32_t i = 0; i < pending.size(); ++i) {
    pending[i].receive(
        [&](const std::string& bytes, const std::vector<caf::actor>& shard_actors) {
          const auto ready = parse_control<wire::SessionReady>(bytes, "setup reply");
          if (!ready.error().empty() && failure.empty()) failure = c.describe(i) + ": setup failed: " + ready.error();
          for (const caf::actor& a : shard_actors) {
            self->monitor(a);
            c.node_of_actor[a.address()] = i;
          }
          n_actors += shard_actors.size();
        },
        [&](caf::error& e) {
          if (failure.empty()) failure = c.describe(i) + ": no setup reply: " + sys.render(e);
        });
  }
  if (failure.empty() && n_actors != c.roles.size())
    failure = "the nodes run " + std::to_string(n_actors) + " shard actors, the network has " + std::to_string(c.roles.size());
  if (!failure.empty()) {
    stop_nodes("setup failed");
    throw RunFailed(failure);
  }
  for (std::uint32_t i = 0; i < c.nodes.size(); ++i) spdlog::info("cluster: {}", c.describe(i));

  // The run: the same bookkeeping as the single-process coordinator, fed by the nodes' events.
  actors::RunResult result;
  const auto sim_start = Clock::now();
  for (const caf::actor& n : c.node_actors) self->send(n, go_atom::value);
  std::size_t done = 0;
  std::map<Step, actors::CheckpointParts> checkpoints;
  auto guarded = [&](auto&& f) {
    try {
      f();
    } catch (const std::exception& e) {
      failure = e.what();
    }
  };
  auto on_event = [&](const wire::NodeEvent& e) {
    const std::uint32_t from = e.node_index() < c.nodes.size() ? e.node_index() : 0;
    switch (e.kind_case()) {
      case wire::NodeEvent::kDoneShard: ++done; break;
      case wire::NodeEvent::kIteration: {
        const actors::IterationReport r = from_wire(e.iteration());
        result.iterations.push_back(r);
        guarded([&] {
          if (callbacks.on_iteration) callbacks.on_iteration(r, seconds_since(sim_start));
        });
        break;
      }
      case wire::NodeEvent::kCheckpoint: {
        actors::ShardCheckpointPtr part = from_wire(e.checkpoint());
        if (part->shard_id >= c.roles.size()) {
          failure = c.describe(from) + " sent a checkpoint of unknown shard " + std::to_string(part->shard_id);
          break;
        }
        actors::CheckpointParts& cp = checkpoints[part->slice];
        cp.slice = part->slice;
        if (cp.shards.empty()) cp.shards.resize(c.roles.size());
        cp.shards[part->shard_id] = part;
        if (std::all_of(cp.shards.begin(), cp.shards.end(), [](const auto& p) { return p != nullptr; })) {
          actors::CheckpointParts complete = std::move(cp);
          checkpoints.erase(complete.slice);
          guarded([&] {
            if (callbacks.on_checkpoint) callbacks.on_checkpoint(std::move(complete));
          });
        }
        break;
      }
      case wire::NodeEvent::kRecording: result.recording = from_wire(e.recording()); break;
      case wire::NodeEvent::kLinkLost: {
        const std::uint32_t peer = e.peer_index() < c.nodes.size() ? e.peer_index() : from;
        failure = "lost " + c.describe(peer) + ": its data link to node " + c.nodes[from].name + " broke (" +
                  e.link_lost() + ")";
        break;
      }
      case wire::NodeEvent::kActorFailed:
        failure = c.describe(from) + ": a shard actor failed: " + e.actor_failed();
        break;
      default: failure = c.describe(from) + " sent an unknown event"; break;
    }
  };
  while (done < c.roles.size() && failure.empty()) {
    self->receive(
        [&](event_atom, const std::string& bytes) {
          try {
            on_event(parse_control<wire::NodeEvent>(bytes, "node event"));
          } catch (const ControlError& e) {
            failure = e.what();
          }
        },
        [&](caf::down_msg& dm) {
          auto it = c.node_of_actor.find(dm.source);
          const std::string who = it == c.node_of_actor.end() ? "an unknown remote actor" : c.describe(it->second);
          failure = "lost " + who + ": " + sys.render(dm.reason);
        });
  }
  result.simulate_seconds = seconds_since(sim_start);
  if (!failure.empty()) {
    spdlog::error("cluster: {}", failure);
    stop_nodes("the run failed: " + failure);
    throw RunFailed(failure);
  }

  for (std::uint32_t i = 0; i < c.nodes.size(); ++i) {
    self->request(c.node_actors[i], kResultsTimeout, results_atom::value)
        .receive(
            [&](const std::string& bytes) {
              const auto r = parse_control<wire::SessionResults>(bytes, "results");
              if (!r.error().empty()) failure = c.describe(i) + ": " + r.error();
              actors::WeightRecords w = from_wire(r.weights());
              result.weights.insert(result.weights.end(), w.begin(), w.end());
              for (const wire::ShardTotals& t : r.totals()) {
                result.synaptic_events += t.synaptic_events();
                result.history_entries_max += t.history_entries_max();
                result.synapse_bytes += t.synapse_bytes();
                const auto role = static_cast<ShardRole>(t.role());
                if (role == ShardRole::input) result.input_spikes += t.spikes_emitted();
                if (role == ShardRole::recurrent) result.rec_spikes += t.spikes_emitted();
              }
              result.data_bytes_sent += r.data_bytes_sent();
              result.spike_frame_bytes += r.spike_frame_bytes();
              result.error_frame_bytes += r.error_frame_bytes();
            },
            [&](caf::error& e) { failure = c.describe(i) + ": no results: " + sys.render(e); });
  }
  stop_nodes("finished");
  if (!failure.empty()) throw RunFailed("gathering results: " + failure);
  sort_canonically(result.weights);
  result.weights_digest = weights_digest(result.weights);
  return result;
}

}  // namespace eligo::cluster
