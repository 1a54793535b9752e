#pragma once
// The cluster file of `eligo train CONFIG --cluster CLUSTER.yaml`: which node daemons to use, how
// much work each gets (its thread count), and the coordinator's certificate.
//
//   certs: certs              # certificate folder (eligo certs), relative to this file
//   name: coordinator         # the coordinator's certificate name in that folder
//   connect_timeout_s: 5      # per node, for the control connection and the data links
//   data_plane: asio          # asio (TLS links between nodes) | middleman (CAF's middleman only)
//   heartbeat_timeout_s: 3    # a node, link or coordinator silent this long counts as lost
//   nodes:
//     - name: node1
//       address: 10.0.0.11:7100
//       threads: 2
//     - name: node9
//       address: 10.0.0.19:7100
//       spare: true           # no shards at the start; takes over a lost node's (train --restart)
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace eligo::cluster {

class ClusterFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct NodeAddress {
  std::string name;
  std::string host;
  std::uint16_t port = 0;
  std::uint32_t threads = 1;
  bool spare = false;  // joins only to replace a lost node (train --restart)
  std::string endpoint() const { return host + ":" + std::to_string(port); }
};

enum class DataPlaneKind { asio, middleman };

struct ClusterSpec {
  std::filesystem::path certs;  // absolute or relative to the working directory
  std::string name = "coordinator";
  std::chrono::milliseconds connect_timeout{5000};
  // Heartbeats go every third of it on both planes (docs/architecture.md §6, failure detection).
  std::chrono::milliseconds heartbeat_timeout{3000};
  DataPlaneKind data_plane = DataPlaneKind::asio;
  std::vector<NodeAddress> nodes;
};

// Splits "HOST:PORT" (HOST may be a name, an IPv4 address or a bracketed IPv6 address).
NodeAddress parse_endpoint(const std::string& text);

ClusterSpec load_cluster_file(const std::filesystem::path& file);

}  // namespace eligo::cluster
