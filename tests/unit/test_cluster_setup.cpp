// Cluster placement and cluster files: shards follow the nodes' thread counts, a lost node's shards
// go to a spare or to the least loaded survivors, and a bad cluster file is refused with the field
// named.
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
  refused("heartbeat_timeout_s: 0.1\nnodes:\n  - {address: 'h:1'}\n", "heartbeat_timeout_s must be in [0.3, 600]");
  refused("nodes:\n  - {address: 'h:1', spare: true}\n", "every node is a spare");
  refused("nodes: [\n", "malformed YAML");
  CHECK_THROWS_WITH(load_cluster_file(dir.path() / "missing.yaml"), Catch::Contains("cannot be read"));
}

TEST_CASE("spares and the heartbeat timeout are read from the cluster file", "[cluster]") {
  eligo::test::TempDir dir;
  const ClusterSpec spec = load(dir,
                                "heartbeat_timeout_s: 1.5\nnodes:\n  - {address: 'h:1'}\n"
                                "  - {address: 'h:2', spare: true}\n");
  CHECK(spec.heartbeat_timeout == std::chrono::milliseconds(1500));
  CHECK_FALSE(spec.nodes[0].spare);
  CHECK(spec.nodes[1].spare);
  CHECK(load(dir, "nodes:\n  - {address: 'h:1'}\n").heartbeat_timeout == std::chrono::milliseconds(3000));
}

namespace {

ClusterSpec nodes(const std::vector<std::pair<std::uint32_t, bool>>& threads_spare) {
  ClusterSpec c;
  for (const auto& [threads, spare] : threads_spare) {
    NodeAddress a;
    a.name = "n" + std::to_string(c.nodes.size());
    a.threads = threads;
    a.spare = spare;
    c.nodes.push_back(a);
  }
  return c;
}

}  // namespace

TEST_CASE("a lost node's shards go to a spare, which takes all of them", "[cluster][recovery]") {
  const ClusterSpec c = nodes({{1, false}, {1, false}, {1, false}, {2, true}});
  // Shards: 1 input, 3 recurrent, supervisor; node 1 holds recurrent shard 2.
  const std::vector<std::size_t> placement{0, 0, 1, 2, 0};
  const Replacement r = replace_lost(c, {0, 1, 2}, {1}, placement);
  CHECK(r.active == std::vector<std::size_t>{0, 3, 2});  // the spare in the lost node's place
  CHECK(r.placement == std::vector<std::size_t>{0, 0, 3, 2, 0});
  CHECK(r.moved_shards == std::vector<std::uint32_t>{2});
  CHECK(r.took_over == std::vector<std::size_t>{3});
}

TEST_CASE("without a spare, a lost node's shards go one by one to the least loaded survivors", "[cluster][recovery]") {
  // Node 0 has 2 threads: shards per thread decide, the lowest index among equals.
  const ClusterSpec c = nodes({{2, false}, {1, false}, {1, false}});
  const std::vector<std::size_t> placement{0, 1, 0, 0, 2, 2, 2, 0};
  const Replacement r = replace_lost(c, {0, 1, 2}, {2}, placement);
  CHECK(r.active == std::vector<std::size_t>{0, 1});
  // Before: node 0 holds 4 shards on 2 threads (2 per thread), node 1 one. Shard 4 goes to node 1
  // (1 < 2 per thread), shard 5 to node 0 (2 per thread each: the lower index), shard 6 to node 1.
  CHECK(r.placement == std::vector<std::size_t>{0, 1, 0, 0, 1, 0, 1, 0});
  CHECK(r.moved_shards == std::vector<std::uint32_t>{4, 5, 6});
  CHECK(r.took_over == std::vector<std::size_t>{1, 0});
  // Every shard that was not on the lost node stays where it was.
  for (std::size_t s = 0; s < placement.size(); ++s)
    if (placement[s] != 2) CHECK(r.placement[s] == placement[s]);
}

TEST_CASE("a spare that took over can itself be lost, and no node left is an error", "[cluster][recovery]") {
  const ClusterSpec c = nodes({{1, false}, {1, false}, {1, true}});
  const Replacement first = replace_lost(c, {0, 1}, {1}, {0, 1, 0});
  CHECK(first.active == std::vector<std::size_t>{0, 2});
  const Replacement second = replace_lost(c, first.active, {2}, first.placement);
  CHECK(second.active == std::vector<std::size_t>{0});
  CHECK(second.placement == std::vector<std::size_t>{0, 0, 0});
  // Node 0 goes too: the spare lost before does not come back, and no node is left.
  CHECK_THROWS_AS(replace_lost(c, second.active, {0}, second.placement, {1, 2}), std::invalid_argument);
  // Lost before any placement: the new node list is placed afresh.
  const Replacement early = replace_lost(c, {0, 1}, {0}, {});
  CHECK(early.active == std::vector<std::size_t>{2, 1});
  CHECK(early.placement.empty());
  CHECK(early.took_over == std::vector<std::size_t>{2});
}
