#include "actors/cluster/node_daemon.hpp"

#include <spdlog/spdlog.h>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <thread>

#include "actors/cluster/cluster_messages.hpp"
#include "actors/cluster/node_session.hpp"
#include "actors/scheduler_config.hpp"
#include "actors/transport/data_plane.hpp"

namespace eligo::cluster {
namespace {

constexpr std::chrono::seconds kStopGrace{10};
using Clock = std::chrono::steady_clock;

// The published actor. Detached: building a network and linking to the other nodes block it, never a
// scheduler thread that shard actors need.
class NodeActor final : public caf::event_based_actor {
 public:
  NodeActor(caf::actor_config& cfg, NodeOptions options) : caf::event_based_actor(cfg), options_(std::move(options)) {}
  const char* name() const override { return "eligo.node"; }

  caf::behavior make_behavior() override {
    set_down_handler([this](caf::down_msg& dm) {
      if (session_ && dm.source == session_->coordinator().address()) {
        spdlog::warn("node {}: the coordinator of session {} went away ({}); ending the session", options_.name,
                     session_->id(), system().render(dm.reason));
        end_session();
      }
    });
    return {
        [this](hello_atom, const std::string& hello, const caf::actor& coordinator) {
          return on_hello(hello, coordinator);
        },
        [this](setup_atom, const std::string& setup) -> caf::message {
          if (!session_) return caf::make_message(ready_error("no session: hello first"), std::vector<caf::actor>{});
          std::vector<caf::actor> actors;
          std::string ready = session_->setup(setup, actors);
          return caf::make_message(std::move(ready), std::move(actors));
        },
        [this](go_atom) {
          if (!session_) return;
          session_->go();
          // From now on the coordinator beats; before, this actor was busy building and linking.
          expect_beats_ = true;
          last_beat_ = Clock::now();
          send(this, tick_atom::value, generation_);
        },
        [this](beat_atom) {
          if (!session_ || caf::actor_cast<caf::actor_addr>(current_sender()) != session_->coordinator().address())
            return;
          last_beat_ = Clock::now();
          send(session_->coordinator(), beat_atom::value, session_->index());
        },
        [this](tick_atom, std::uint64_t generation) {
          if (!session_ || generation != generation_ || !expect_beats_) return;
          if (Clock::now() - last_beat_ > heartbeat_timeout_) {
            spdlog::warn("node {}: the coordinator of session {} was silent for more than {} ms; ending the session",
                         options_.name, session_->id(), heartbeat_timeout_.count());
            return end_session();
          }
          delayed_send(this, heartbeat_timeout_ / 3, tick_atom::value, generation_);
        },
        [this](results_atom) -> std::string {
          if (!session_) return {};
          expect_beats_ = false;  // the run is over; the coordinator gathers, then stops the session
          return session_->results();
        },
        [this](stop_atom, const std::string& reason) {
          if (!session_) return;
          spdlog::info("node {}: session {} stopped by the coordinator ({})", options_.name, session_->id(), reason);
          end_session();
        },
        [this](peer_atom, std::uint32_t peer, const caf::actor& receiver) {
          if (session_) session_->bind_peer(peer, receiver);
        },
        [this](frame_atom, std::uint32_t from, std::string& frame) {
          if (session_) send(session_->agent(), frame_atom::value, from, std::move(frame));
        },
    };
  }

 private:
  static std::string ready_error(const std::string& error) {
    wire::SessionReady r;
    r.set_error(error);
    return r.SerializeAsString();
  }

  std::string on_hello(const std::string& bytes, const caf::actor& coordinator) {
    wire::NodeHelloReply reply;
    reply.set_node_name(options_.name);
    reply.set_threads(options_.threads);
    reply.set_protocol_version(kClusterProtocolVersion);
    wire::NodeHello hello;
    if (!hello.ParseFromString(bytes)) {
      reply.set_error("malformed hello");
    } else if (hello.protocol_version() != kClusterProtocolVersion) {
      reply.set_error("protocol version " + std::to_string(hello.protocol_version()) + " is not this node's " +
                      std::to_string(kClusterProtocolVersion) + " (run the same eligo version everywhere)");
    } else if (options_.pinned_digest && hello.config_digest() != *options_.pinned_digest) {
      reply.set_error("config digest " + hello.config_digest().substr(0, 12) +
                      "… is not the digest of the config this "
                      "node was started with (" +
                      options_.pinned_digest->substr(0, 12) + "…)");
    } else if (session_) {
      reply.set_error("busy with session " + session_->id() + " of another coordinator");
      reply.set_busy(true);
    } else {
      end_session();
      try {
        session_ = std::make_unique<NodeSession>(system(), options_, hello, coordinator);
        ++generation_;
        heartbeat_timeout_ = hello.heartbeat_timeout_ms() > 0 ? std::chrono::milliseconds(hello.heartbeat_timeout_ms())
                                                              : transport::kDefaultHeartbeatTimeout;
        monitor(coordinator);
        reply.set_data_port(session_->data_port());
        spdlog::info("node {}: session {} from {} (node index {}, config {}…)", options_.name, hello.session(),
                     hello.coordinator(), hello.node_index(), hello.config_digest().substr(0, 12));
      } catch (const std::exception& e) {
        session_.reset();
        reply.set_error(e.what());
      }
    }
    if (!reply.error().empty()) spdlog::warn("node {}: refused a coordinator: {}", options_.name, reply.error());
    return reply.SerializeAsString();
  }

  void end_session() {
    if (!session_) return;
    demonitor(session_->coordinator());
    expect_beats_ = false;
    session_.reset();  // stops the session's actors and closes its data port and links
  }

  NodeOptions options_;
  std::unique_ptr<NodeSession> session_;
  std::uint64_t generation_ = 0;  // of the session; a tick of an ended session is ignored
  bool expect_beats_ = false;
  Clock::time_point last_beat_;
  std::chrono::milliseconds heartbeat_timeout_ = transport::kDefaultHeartbeatTimeout;
};

}  // namespace

int run_node(const NodeOptions& o) {
  // Block the stop signals in every thread (CAF's threads inherit the mask) and wait for them here.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  caf::actor_system_config cfg;
  actors::configure_scheduler(cfg, o.threads);
  configure_middleman(cfg, o.security);
  caf::actor_system sys{cfg};
  NodeOptions options = o;
  if (options.data_port == 0) options.data_port = static_cast<std::uint16_t>(o.port + 1);
  caf::actor node = sys.spawn<NodeActor, caf::detached>(options);
  auto port = publish_actor(node, o.port, o.host, o.security);
  if (!port) {
    spdlog::error("node {}: cannot listen on {}:{}: {}", o.name, o.host, o.port, sys.render(port.error()));
    caf::anon_send_exit(node, caf::exit_reason::user_shutdown);
    return 1;
  }
  if (o.security.insecure)
    spdlog::warn(
        "node {}: INSECURE: plain TCP without authentication on both planes (--insecure); anyone who "
        "reaches {}:{} can control this node",
        o.name, o.host, *port);
  spdlog::info("node {}: listening on {}:{} (control, {}) and port {} (data), {} thread(s)", o.name, o.host, *port,
               o.security.insecure ? "plain TCP" : "mutual TLS", options.data_port, o.threads);
  int signal = 0;
  sigwait(&stop_signals, &signal);
  spdlog::info("node {}: stopping ({})", o.name, signal == SIGINT ? "SIGINT" : "SIGTERM");
  caf::anon_send_exit(node, caf::exit_reason::user_shutdown);
  // The actor system's destructor waits for every actor and connection. A daemon that was asked to
  // stop must stop: if that wait ever hangs (once seen after garbage on an insecure control port, not
  // reproduced since), give up after a grace period.
  std::thread([name = o.name] {
    std::this_thread::sleep_for(kStopGrace);
    spdlog::error("node {}: did not stop within {} s; exiting anyway", name, kStopGrace.count());
    std::_Exit(3);
  }).detach();
  return 0;
}

}  // namespace eligo::cluster
