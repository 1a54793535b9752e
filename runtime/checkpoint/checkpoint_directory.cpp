#include "runtime/checkpoint/checkpoint_directory.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "runtime/checkpoint/shard_checkpoint.hpp"
#include "runtime/checkpoint/state_stream.hpp"
#include "runtime/core/atomic_file.hpp"
#include "runtime/core/sha256.hpp"

namespace eligo {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

constexpr int kFormat = 1;
constexpr const char* kManifest = "manifest.json";

// "shard-0003.bin": zero-padded so the files list in shard order.
std::string shard_file(std::size_t i, const std::string& ext) {
  std::string number = std::to_string(i);
  if (number.size() < 4) number.insert(0, 4 - number.size(), '0');
  return "shard-" + number + "." + ext;
}

std::string encode_weights(const std::vector<WeightRecord>& weights) {
  StateWriter w;
  w.section("weights");
  w.u64(weights.size());
  for (const WeightRecord& r : weights) {
    w.u64(r.source_gid);
    w.u64(r.target_gid);
    w.f64(r.weight);
  }
  return seal_checkpoint(w.data());
}

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw CheckpointError(file, "", "cannot open for reading");
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Reads a file the manifest lists and checks its size and SHA-256.
std::string checked_file(const fs::path& dir, const json& entry, const std::string& field) {
  const fs::path file = dir / entry.at("file").get<std::string>();
  std::string bytes = read_file(file);
  if (bytes.size() != entry.at("bytes").get<std::uint64_t>())
    throw CheckpointError(file, "",
                          "has " + std::to_string(bytes.size()) + " bytes, the manifest says " +
                              std::to_string(entry.at("bytes").get<std::uint64_t>()) + " (" + field + ")");
  if (sha256_hex(bytes) != entry.at("sha256").get<std::string>())
    throw CheckpointError(file, "", "content does not match the manifest's SHA-256 (damaged or replaced)");
  return bytes;
}

std::vector<WeightRecord> decode_weights(const fs::path& file, const std::string& bytes) {
  try {
    StateReader r(unseal_checkpoint(bytes), file.string());
    r.section("weights");
    const std::size_t n = r.count("count", 24, std::size_t{1} << 40);
    std::vector<WeightRecord> out(n);
    for (WeightRecord& w : out) {
      w.source_gid = r.u64("source_gid");
      w.target_gid = r.u64("target_gid");
      w.weight = r.f64("weight");
    }
    r.expect_end();
    return out;
  } catch (const StateError& e) {
    throw CheckpointError(file, "", e.what());
  }
}

json file_entry(const fs::path& dir, const std::string& name, const std::string& bytes) {
  write_file_atomically(dir / name, bytes);
  return json{{"file", name}, {"bytes", bytes.size()}, {"sha256", sha256_hex(bytes)}};
}

std::int64_t iteration_of(const fs::path& dir) {
  const std::string name = dir.filename().string();
  const std::string digits = name.rfind("iteration-", 0) == 0 ? name.substr(10) : "";
  if (digits.empty() || digits.size() > 12 || !std::all_of(digits.begin(), digits.end(), ::isdigit)) return -1;
  return std::stoll(digits);  // "iteration-000010.partial" and other names are not checkpoints
}

json read_manifest(const fs::path& dir) {
  const fs::path file = dir / kManifest;
  std::error_code ec;
  if (!fs::exists(file, ec)) throw CheckpointError(dir, "", "no manifest.json: not a complete checkpoint");
  json m = json::parse(read_file(file), nullptr, false);
  if (m.is_discarded() || !m.is_object()) throw CheckpointError(file, "", "not valid JSON");
  if (m.value("format", 0) != kFormat)
    throw CheckpointError(file, "format", "unsupported checkpoint format (expected " + std::to_string(kFormat) + ")");
  return m;
}

CheckpointManifest manifest_of(const fs::path& file, const json& m) {
  try {
    CheckpointManifest c;
    c.name = m.at("name").get<std::string>();
    c.config_path = m.at("config_path").get<std::string>();
    c.config_digest = m.at("config_sha256").get<std::string>();
    c.seed = m.at("seed").get<std::uint64_t>();
    c.iterations = m.at("iterations").get<std::int64_t>();
    c.iteration = m.at("iteration").get<std::int64_t>();
    c.slice = m.at("slice").get<Step>();
    c.slice_steps = m.at("slice_steps").get<Step>();
    c.n_steps = m.at("n_steps").get<Step>();
    c.input_shards = m.at("input_shards").get<std::uint32_t>();
    c.recurrent_shards = m.at("recurrent_shards").get<std::uint32_t>();
    c.weights_digest = m.at("weights_digest").get<std::string>();
    return c;
  } catch (const json::exception& e) {
    throw CheckpointError(file, "", std::string("incomplete manifest: ") + e.what());
  }
}

CheckpointContents read(const fs::path& path, bool shards) {
  const fs::path dir = find_checkpoint(path);
  const json m = read_manifest(dir);
  const fs::path manifest_file = dir / kManifest;
  CheckpointContents c;
  c.manifest = manifest_of(manifest_file, m);
  try {
    c.weights = decode_weights(dir / "weights.bin", checked_file(dir, m.at("weights"), "weights"));
    if (shards) {
      for (const json& s : m.at("shards")) {
        c.blobs.push_back(checked_file(dir, s.at("state"), "shard state"));
        c.actor_states.push_back(s.contains("actor") ? checked_file(dir, s.at("actor"), "actor state") : "");
      }
    }
  } catch (const json::exception& e) {
    throw CheckpointError(manifest_file, "", std::string("incomplete manifest: ") + e.what());
  }
  return c;
}

}  // namespace

fs::path write_checkpoint(const fs::path& run_dir, const CheckpointContents& c) {
  char name[32];
  std::snprintf(name, sizeof name, "iteration-%06lld", static_cast<long long>(c.manifest.iteration));
  fs::path final_dir = run_dir / "checkpoints" / name;
  const fs::path dir = final_dir.string() + ".partial";
  fs::remove_all(dir);
  fs::create_directories(dir);

  json shards = json::array();
  for (std::size_t i = 0; i < c.blobs.size(); ++i) {
    json s{{"state", file_entry(dir, shard_file(i, "bin"), c.blobs[i])}};
    if (i < c.actor_states.size() && !c.actor_states[i].empty())
      s["actor"] = file_entry(dir, shard_file(i, "actor"), c.actor_states[i]);
    shards.push_back(std::move(s));
  }
  const CheckpointManifest& m = c.manifest;
  json manifest{{"format", kFormat},
                {"name", m.name},
                {"config_path", m.config_path},
                {"config_sha256", m.config_digest},
                {"seed", m.seed},
                {"iterations", m.iterations},
                {"iteration", m.iteration},
                {"slice", m.slice},
                {"slice_steps", m.slice_steps},
                {"n_steps", m.n_steps},
                {"input_shards", m.input_shards},
                {"recurrent_shards", m.recurrent_shards},
                {"weights_digest", m.weights_digest},
                {"weights", file_entry(dir, "weights.bin", encode_weights(c.weights))},
                {"shards", std::move(shards)}};
  write_file_atomically(dir / kManifest, manifest.dump(2) + "\n");
  // The complete directory takes its final name in one step; an older one of the same iteration
  // goes only after that.
  const fs::path old = final_dir.string() + ".old";
  fs::remove_all(old);
  std::error_code ec;
  if (fs::exists(final_dir, ec)) fs::rename(final_dir, old);
  fs::rename(dir, final_dir);
  fs::remove_all(old);
  return final_dir;
}

fs::path find_checkpoint(const fs::path& path) {
  std::error_code ec;
  if (fs::exists(path / kManifest, ec)) return path;
  const fs::path root = fs::is_directory(path / "checkpoints", ec) ? path / "checkpoints" : path;
  if (!fs::is_directory(root, ec)) throw CheckpointError(path, "", "no such checkpoint or run directory");
  fs::path best;
  std::int64_t best_iteration = -1;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    const std::int64_t it = iteration_of(entry.path());
    if (it > best_iteration && fs::exists(entry.path() / kManifest, ec)) {
      best = entry.path();
      best_iteration = it;
    }
  }
  if (best.empty()) throw CheckpointError(path, "", "holds no complete checkpoint (no iteration-*/manifest.json)");
  return best;
}

CheckpointContents read_checkpoint(const fs::path& path) { return read(path, true); }

CheckpointContents read_checkpoint_weights(const fs::path& path) { return read(path, false); }

}  // namespace eligo
