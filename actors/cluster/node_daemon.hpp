#pragma once
// `eligo node --listen HOST:PORT`: a daemon that hosts shards for a remote coordinator (docs/architecture.md
// §6). It publishes one actor on the control port (CAF's middleman, mutual TLS unless --insecure) and
// serves one session at a time:
//   hello  — the coordinator's protocol version and config digest are checked; the data port opens;
//   setup  — the node builds the network from the coordinator's config, keeps the shards placed on it,
//            links to the other nodes (data plane) and restores a checkpoint if asked;
//   go     — its shard actors run; their reports go to the coordinator, their batches to the links;
//   results, stop — weights and counters go back, and the node is free for the next session.
// A session ends when the coordinator stops it or goes away; the node keeps serving.
#include <cstdint>
#include <optional>
#include <string>

#include "actors/cluster/middleman_setup.hpp"

namespace eligo::cluster {

struct NodeOptions {
  std::string name = "node";
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;       // control plane
  std::uint16_t data_port = 0;  // data plane; 0: port + 1
  std::uint32_t threads = 1;
  ControlSecurity security;
  std::optional<std::string> pinned_digest;  // --config: accept only this run
};

// Runs until SIGINT or SIGTERM; returns the process exit code.
int run_node(const NodeOptions& options);

}  // namespace eligo::cluster
