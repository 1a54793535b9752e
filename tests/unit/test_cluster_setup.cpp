// Cluster placement and cluster files: shards follow the nodes' thread counts, and a bad
// cluster file is refused with the field named.
#include <catch2/catch.hpp>
#include <fstream>

#include "actors/cluster/cluster_file.hpp"
#include "actors/cluster/placement.hpp"
#include "tests/support/temp_dir.hpp"

using namespace eligo::cluster;

namespace {

std::vector<std::uint32_t> recurrent_per_node(const std::vector<std::uint32_t>& node_of, std::uint32_t inputs,
                                              std::size_t nodes) {
  std::vector<std::uint32_t> count(nodes, 0);
  for (std::size_t s = inputs; s + 1 < node_of.size(); ++s) ++count.at(node_of[s]);
  return count;
}

ClusterSpec load(const eligo::test::TempDir& dir, const std::string& text) {
  const auto file = dir.path() / "cluster.yaml";
  std::ofstream(file) << text;
  return load_cluster_file(file);
}

}  // namespace

TEST_CASE("recurrent shards are placed in proportion to node threads", "[cluster]") {
  const auto node_of = place_shards(2, 8, {2, 1, 1});
  REQUIRE(node_of.size() == 2 + 8 + 1);
  CHECK(node_of[0] == 0);  // input shards round-robin
  CHECK(node_of[1] == 1);
  CHECK(node_of.back() == 0);  // the supervisor on the first node
  CHECK(recurrent_per_node(node_of, 2, 3) == std::vector<std::uint32_t>{4, 2, 2});
  // Contiguous ranges in node order.
  CHECK(std::is_sorted(node_of.begin() + 2, node_of.end() - 1));
}

TEST_CASE("placement gives every shard a node when shards and threads do not divide", "[cluster]") {
  for (std::uint32_t shards = 1; shards <= 12; ++shards) {
    const auto node_of = place_shards(1, shards, {3, 1, 2, 1});
    const auto count = recurrent_per_node(node_of, 1, 4);
    std::uint32_t total = 0;
    for (std::uint32_t c : count) total += c;
    CHECK(total == shards);
    // No node gets more than its share rounded up.
    CHECK(count[0] <= (shards * 3 + 6) / 7);
  }
  CHECK(place_shards(1, 4, {1}) == std::vector<std::uint32_t>{0, 0, 0, 0, 0, 0});
  CHECK_THROWS(place_shards(1, 4, {}));
}

TEST_CASE("a cluster file is read with defaults and relative certificate folders", "[cluster]") {
  eligo::test::TempDir dir;
  const ClusterSpec spec = load(dir,
                                "certs: certs\nnodes:\n  - {name: a, address: 10.0.0.1:7100, threads: 2}\n"
                                "  - {address: '[::1]:7200'}\n");
  CHECK(spec.certs == dir.path() / "certs");
  CHECK(spec.name == "coordinator");
  CHECK(spec.connect_timeout == std::chrono::milliseconds(5000));
  CHECK(spec.data_plane == DataPlaneKind::asio);
  REQUIRE(spec.nodes.size() == 2);
  CHECK(spec.nodes[0].host == "10.0.0.1");
  CHECK(spec.nodes[0].port == 7100);
  CHECK(spec.nodes[0].threads == 2);
  CHECK(spec.nodes[1].name == "node2");
  CHECK(spec.nodes[1].host == "::1");
  CHECK(spec.nodes[1].threads == 1);
}

TEST_CASE("a bad cluster file names what is wrong", "[cluster]") {
  eligo::test::TempDir dir;
  auto refused = [&](const std::string& text, const std::string& what) {
    INFO(text);
    CHECK_THROWS_WITH(load(dir, text), Catch::Contains(what));
  };
  refused("nodes: []\n", "'nodes' must list at least one node");
  refused("nodes:\n  - {address: host}\n", "is not HOST:PORT");
  refused("nodes:\n  - {address: 'host:99999'}\n", "port '99999'");
  refused("nodes:\n  - {address: 'host:0'}\n", "a port other than 0");
  refused("nodes:\n  - {address: 'h:1', threads: 0}\n", "threads must be from 1 to 1024");
  refused("nodes:\n  - {address: 'h:1'}\n  - {address: 'h:1'}\n", "listed twice");
  refused("nodes:\n  - {address: 'h:1', thread: 2}\n", "unknown field 'thread'");
  refused("data_plane: udp\nnodes:\n  - {address: 'h:1'}\n", "data_plane must be 'asio' or 'middleman'");
  refused("connect_timeout_s: -1\nnodes:\n  - {address: 'h:1'}\n", "connect_timeout_s");
  refused("nodes: [\n", "malformed YAML");
  CHECK_THROWS_WITH(load_cluster_file(dir.path() / "missing.yaml"), Catch::Contains("cannot be read"));
}
