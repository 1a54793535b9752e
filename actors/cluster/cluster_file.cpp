#include "actors/cluster/cluster_file.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace eligo::cluster {
namespace {

[[noreturn]] void fail(const std::filesystem::path& file, const std::string& what) {
  throw ClusterFileError("cluster file " + file.string() + ": " + what);
}

void refuse_unknown_keys(const YAML::Node& map, const std::set<std::string>& known, const std::filesystem::path& file,
                         const std::string& where) {
  for (const auto& entry : map) {
    // A key may be a list or a map in YAML ("? - a"); no field of ours is.
    if (!entry.first.IsScalar())
      fail(file, where + "a key that is not a name (line " + std::to_string(entry.first.Mark().line + 1) + ")");
    const std::string key = entry.first.Scalar();
    if (!known.count(key)) {
      std::string list;
      for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
      fail(file, where + "unknown field '" + key + "' (known: " + list + ")");
    }
  }
}

}  // namespace

NodeAddress parse_endpoint(const std::string& text) {
  NodeAddress a;
  std::size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size())
    throw ClusterFileError("'" + text + "' is not HOST:PORT");
  a.host = text.substr(0, colon);
  if (a.host.front() == '[' && a.host.back() == ']') a.host = a.host.substr(1, a.host.size() - 2);
  const std::string port = text.substr(colon + 1);
  if (port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5 || std::stoul(port) > 65535)
    throw ClusterFileError("'" + text + "': port '" + port + "' is not a number from 0 to 65535");
  a.port = static_cast<std::uint16_t>(std::stoul(port));
  return a;
}

ClusterSpec load_cluster_file(const std::filesystem::path& file) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(file.string());
  } catch (const YAML::BadFile&) {
    fail(file, "cannot be read");
  } catch (const YAML::Exception& e) {
    fail(file, "malformed YAML at line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  if (!root.IsMap()) fail(file, "expected a map with a 'nodes' list");
  refuse_unknown_keys(root, {"certs", "name", "connect_timeout_s", "heartbeat_timeout_s", "data_plane", "nodes"}, file,
                      "");
  ClusterSpec spec;
  try {
    if (root["certs"]) {
      const std::filesystem::path certs = root["certs"].as<std::string>();
      spec.certs = certs.is_absolute() ? certs : file.parent_path() / certs;
    }
    if (root["name"]) spec.name = root["name"].as<std::string>();
    if (root["connect_timeout_s"]) {
      const double s = root["connect_timeout_s"].as<double>();
      if (!(s > 0 && s <= 600)) fail(file, "connect_timeout_s must be in (0, 600] seconds");
      spec.connect_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(std::lround(s * 1000)));
    }
    if (root["heartbeat_timeout_s"]) {
      const double s = root["heartbeat_timeout_s"].as<double>();
      if (!(s >= 0.3 && s <= 600)) fail(file, "heartbeat_timeout_s must be in [0.3, 600] seconds");
      spec.heartbeat_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(std::lround(s * 1000)));
    }
    if (root["data_plane"]) {
      const std::string kind = root["data_plane"].as<std::string>();
      if (kind == "asio")
        spec.data_plane = DataPlaneKind::asio;
      else if (kind == "middleman")
        spec.data_plane = DataPlaneKind::middleman;
      else
        fail(file, "data_plane must be 'asio' or 'middleman', not '" + kind + "'");
    }
    const YAML::Node nodes = root["nodes"];
    if (!nodes || !nodes.IsSequence() || nodes.size() == 0) fail(file, "'nodes' must list at least one node");
    std::set<std::string> endpoints, names;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      const std::string where = "nodes[" + std::to_string(i) + "]: ";
      const YAML::Node n = nodes[i];
      if (!n.IsMap()) fail(file, where + "expected a map with name, address and threads");
      refuse_unknown_keys(n, {"name", "address", "threads", "spare"}, file, where);
      if (!n["address"]) fail(file, where + "missing 'address' (HOST:PORT of `eligo node --listen`)");
      NodeAddress a;
      try {
        a = parse_endpoint(n["address"].as<std::string>());
      } catch (const ClusterFileError& e) {
        fail(file, where + "address " + e.what());
      }
      if (a.port == 0) fail(file, where + "address needs a port other than 0");
      a.name = n["name"] ? n["name"].as<std::string>() : "node" + std::to_string(i + 1);
      const std::int64_t threads = n["threads"] ? n["threads"].as<std::int64_t>() : 1;
      if (threads < 1 || threads > 1024) fail(file, where + "threads must be from 1 to 1024");
      a.threads = static_cast<std::uint32_t>(threads);
      a.spare = n["spare"] && n["spare"].as<bool>();
      if (!endpoints.insert(a.endpoint()).second) fail(file, where + "address " + a.endpoint() + " is listed twice");
      if (!names.insert(a.name).second) fail(file, where + "name '" + a.name + "' is listed twice");
      spec.nodes.push_back(a);
    }
    if (std::all_of(spec.nodes.begin(), spec.nodes.end(), [](const NodeAddress& a) { return a.spare; }))
      fail(file, "every node is a spare: at least one must take shards at the start");
  } catch (const YAML::Exception& e) {
    fail(file, "line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  return spec;
}

}  // namespace eligo::cluster
