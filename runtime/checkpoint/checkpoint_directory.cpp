#include "runtime/checkpoint/checkpoint_directory.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "runtime/checkpoint/shard_checkpoint.hpp"
#include "runtime/checkpoint/state_stream.hpp"
#include "runtime/core/atomic_file.hpp"
#include "runtime/core/sha256.hpp"

namespace eligo {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

// 2: the manifest carries its own SHA-256 (manifest_sha256). Format 1 had none, so a damaged number in
// it could pass unnoticed; it is refused.
constexpr int kFormat = 2;
constexpr const char* kManifest = "manifest.json";
constexpr const char* kManifestDigest = "manifest_sha256";
const std::string kDigestPlaceholder(64, '0');
constexpr const char* kPartial = ".partial";  // the directory a checkpoint is written in
constexpr const char* kOld = ".old";          // a checkpoint of the same iteration being replaced

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

// `what` says what the file is when it cannot be opened.
std::string read_file(const fs::path& file, const std::string& what) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw CheckpointError(file, "", "cannot open " + what + ": " + std::strerror(errno));
  std::string bytes;
  std::vector<char> chunk(std::size_t{1} << 20);
  while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0)
    bytes.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
  if (in.bad()) throw CheckpointError(file, "", "cannot read " + what + ": " + std::strerror(errno));
  return bytes;
}

// Reads a file the manifest lists and checks its size and SHA-256.
std::string checked_file(const fs::path& dir, const json& entry, const std::string& what) {
  const fs::path file = dir / entry.at("file").get<std::string>();
  std::string bytes = read_file(file, what + " listed in " + kManifest + " (the checkpoint is damaged)");
  const std::uint64_t expected = entry.at("bytes").get<std::uint64_t>();
  if (bytes.size() != expected)
    throw CheckpointError(file, "",
                          what + " has " + std::to_string(bytes.size()) + " bytes, " + kManifest + " says " +
                              std::to_string(expected) + " (truncated or damaged)");
  if (sha256_hex(bytes) != entry.at("sha256").get<std::string>())
    throw CheckpointError(file, "", what + " does not match its SHA-256 in " + kManifest + " (damaged or replaced)");
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
  return std::stoll(digits);  // "iteration-000010.partial", ".old" and other names are not checkpoints
}

// The manifest's text with its own digest as the placeholder: what manifest_sha256 is the SHA-256 of.
// Empty when the text has no such field.
std::string with_placeholder(const std::string& text, const std::string& digest) {
  const std::string field = std::string("\"") + kManifestDigest + "\": \"" + digest + "\"";
  const std::size_t at = text.find(field);
  if (at == std::string::npos) return {};
  std::string out = text;
  out.replace(at + field.size() - 1 - digest.size(), digest.size(), kDigestPlaceholder);
  return out;
}

json read_manifest(const fs::path& dir) {
  const fs::path file = dir / kManifest;
  std::error_code ec;
  if (!fs::exists(file, ec))
    throw CheckpointError(file, "",
                          "missing: " + dir.string() +
                              " is not a complete checkpoint (a checkpoint directory gets its name only once "
                              "complete, so this one is damaged; remove it to use an earlier one)");
  const std::string text = read_file(file, "the manifest");
  json m = json::parse(text, nullptr, false);
  if (m.is_discarded() || !m.is_object()) throw CheckpointError(file, "", "not valid JSON (truncated or damaged)");
  const json format = m.value("format", json());
  if (format != kFormat)
    throw CheckpointError(
        file, "format",
        "unsupported checkpoint format " + format.dump() + " (this eligo reads format " + std::to_string(kFormat) +
            "; format 1, without a manifest checksum, was written by an older eligo, which still reads it)");
  const json digest = m.value(kManifestDigest, json());
  const std::string body = digest.is_string() ? with_placeholder(text, digest.get<std::string>()) : "";
  if (body.empty()) throw CheckpointError(file, kManifestDigest, "missing (damaged)");
  if (sha256_hex(body) != digest.get<std::string>())
    throw CheckpointError(file, "", std::string("does not match its own ") + kManifestDigest + " (damaged or edited)");
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

// Every file is checked against the manifest; without shards, the shard files are checked, not kept.
CheckpointContents read(const fs::path& path, bool shards) {
  const fs::path dir = find_checkpoint(path);
  const json m = read_manifest(dir);
  const fs::path manifest_file = dir / kManifest;
  CheckpointContents c;
  c.manifest = manifest_of(manifest_file, m);
  try {
    c.weights = decode_weights(dir / "weights.bin", checked_file(dir, m.at("weights"), "the weights file"));
    for (const json& s : m.at("shards")) {
      std::string blob = checked_file(dir, s.at("state"), "the shard state");
      std::string actor = s.contains("actor") ? checked_file(dir, s.at("actor"), "the actor state") : "";
      if (!shards) continue;
      c.blobs.push_back(std::move(blob));
      c.actor_states.push_back(std::move(actor));
    }
  } catch (const json::exception& e) {
    throw CheckpointError(manifest_file, "", std::string("incomplete manifest: ") + e.what());
  }
  return c;
}

// Writes the checkpoint's files and manifest into dir.
void write_files(const fs::path& dir, const CheckpointContents& c) {
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
                {"shards", std::move(shards)},
                {kManifestDigest, kDigestPlaceholder}};
  // The digest covers the manifest's text with the placeholder where the digest goes.
  std::string text = manifest.dump(2) + "\n";
  const std::string digest = sha256_hex(text);
  text.replace(text.rfind(kDigestPlaceholder), kDigestPlaceholder.size(), digest);
  write_file_atomically(dir / kManifest, text);
  sync_directory(dir);
}

}  // namespace

fs::path write_checkpoint(const fs::path& run_dir, const CheckpointContents& c) {
  char name[32];
  std::snprintf(name, sizeof name, "iteration-%06lld", static_cast<long long>(c.manifest.iteration));
  const fs::path parent = run_dir / "checkpoints";
  const fs::path final_dir = parent / name;
  const fs::path dir = final_dir.string() + kPartial;
  const fs::path old = final_dir.string() + kOld;
  std::error_code ignored;
  try {
    fs::remove_all(dir);  // left by a run that crashed while writing it
    fs::create_directories(dir);
    write_files(dir, c);
    // The complete directory takes its final name in one step, so no reader ever sees part of it; an
    // older one of the same iteration goes only after that.
    fs::remove_all(old);
    if (fs::exists(final_dir)) fs::rename(final_dir, old);
    fs::rename(dir, final_dir);
    sync_directory(parent);
  } catch (const std::exception& e) {
    fs::remove_all(dir, ignored);  // frees the space the partial checkpoint took
    if (!fs::exists(final_dir, ignored) && fs::exists(old, ignored)) fs::rename(old, final_dir, ignored);
    throw CheckpointError(final_dir, "", std::string("cannot write this checkpoint: ") + e.what());
  }
  fs::remove_all(old, ignored);
  return final_dir;
}

fs::path find_checkpoint(const fs::path& path) {
  std::error_code ec;
  if (fs::exists(path / kManifest, ec)) return path;
  if (iteration_of(path) >= 0 && fs::is_directory(path, ec)) return path;  // read_manifest names what is missing
  const fs::path root = fs::is_directory(path / "checkpoints", ec) ? path / "checkpoints" : path;
  if (!fs::is_directory(root, ec)) throw CheckpointError(path, "", "no such checkpoint or run directory");
  // The latest checkpoint, complete or not: a directory of that name is complete once it exists
  // (write_checkpoint), so one without a manifest is damaged and read_manifest says so.
  fs::path best;
  std::int64_t best_iteration = -1;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    const std::int64_t it = iteration_of(entry.path());
    if (it > best_iteration && entry.is_directory(ec)) {
      best = entry.path();
      best_iteration = it;
    }
  }
  if (best.empty()) throw CheckpointError(path, "", "holds no checkpoint (no iteration-NNNNNN directory)");
  return best;
}

CheckpointContents read_checkpoint(const fs::path& path) { return read(path, true); }

CheckpointContents read_checkpoint_weights(const fs::path& path) { return read(path, false); }

}  // namespace eligo
