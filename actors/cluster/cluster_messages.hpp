#pragma once
// The control-plane messages between a coordinator and its node daemons (docs/architecture.md §6). Every
// payload is a protobuf message of proto/eligo/cluster.proto carried as std::string, so that CAF needs
// no type registration and a malformed payload is an error we report, not a crash.
#include <caf/atom.hpp>
#include <cstdint>

namespace eligo::cluster {

inline constexpr std::uint32_t kClusterProtocolVersion = 2;  // 2: heartbeats, spares

// coordinator → node: (hello_atom, NodeHello, caf::actor coordinator) → reply NodeHelloReply
using hello_atom = caf::atom_constant<caf::atom("hello")>;
// coordinator → node: (setup_atom, SessionSetup) → reply (SessionReady, std::vector<caf::actor> shard actors)
using setup_atom = caf::atom_constant<caf::atom("setup")>;
// coordinator → node: (go_atom): start the session's actors
using go_atom = caf::atom_constant<caf::atom("go")>;
// coordinator → node: (results_atom) → reply SessionResults
using results_atom = caf::atom_constant<caf::atom("results")>;
// coordinator → node: (stop_atom, reason): end the session, whatever state it is in
using stop_atom = caf::atom_constant<caf::atom("stop")>;
// coordinator → node: (beat_atom), every third of the heartbeat timeout while a run goes; the node
// answers (beat_atom, its node index). Either side that hears nothing for a whole timeout counts the
// other as lost (docs/architecture.md §6, failure detection).
using beat_atom = caf::atom_constant<caf::atom("beat")>;
// node → itself: (tick_atom, session generation): time to check that the coordinator still beats
using tick_atom = caf::atom_constant<caf::atom("tick")>;
// node → coordinator: (event_atom, NodeEvent)
using event_atom = caf::atom_constant<caf::atom("event")>;
// node → node on the middleman-only data path: (frame_atom, sender node index, data-plane frame)
using frame_atom = caf::atom_constant<caf::atom("frame")>;
// node → node on the middleman-only data path, once per pair: (peer_atom, node index, receiver), sent
// by the lower-numbered node over the connection it opened, so that both directions use that one
// connection (two connections between one pair of CAF nodes confuse the middleman's routing)
using peer_atom = caf::atom_constant<caf::atom("peer")>;
// data plane → session agent, in-process: (lost_atom, peer node index, reason)
using lost_atom = caf::atom_constant<caf::atom("lost")>;

}  // namespace eligo::cluster
