// runtime/checkpoint/checkpoint_directory.hpp: a checkpoint reads back as written; every kind of damage
// to any of its files (a flipped byte, a truncated file, a missing file) is refused by both readers
// (resume and evaluation) with an error that names the file; a write that fails part-way (a full disk)
// leaves no partial checkpoint and every earlier checkpoint as it was.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "runtime/checkpoint/checkpoint_directory.hpp"
#include "tests/support/error_text.hpp"
#include "tests/support/file_size_limit.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

using namespace eligo;
namespace fs = std::filesystem;
using Catch::Matchers::Contains;

std::string text_of(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void put(const fs::path& file, const std::string& bytes) { std::ofstream(file, std::ios::binary) << bytes; }

// Two shards, the second with an actor state; `blob_bytes` sets the size of the second shard's blob.
CheckpointContents contents(std::int64_t iteration, std::size_t blob_bytes = 300) {
  CheckpointContents c;
  c.manifest.name = "test";
  c.manifest.config_path = "/nowhere/test.yaml";
  c.manifest.config_digest = std::string(64, 'a');
  c.manifest.seed = 7;
  c.manifest.iterations = 10;
  c.manifest.iteration = iteration;
  c.manifest.slice = 100 * iteration - 1;
  c.manifest.n_steps = 1000;
  c.manifest.recurrent_shards = 1;
  c.manifest.weights_digest = std::string(64, 'b');
  c.blobs = {"shard zero, iteration " + std::to_string(iteration), std::string(blob_bytes, 'x')};
  c.actor_states = {"", "the supervisor's state"};
  c.weights = {{1, 2, 0.5}, {1, 3, -0.25 * static_cast<double>(iteration)}, {2, 3, 1e-300}};
  return c;
}

void check_same(const CheckpointContents& a, const CheckpointContents& b) {
  CHECK(a.manifest.iteration == b.manifest.iteration);
  CHECK(a.manifest.slice == b.manifest.slice);
  CHECK(a.manifest.seed == b.manifest.seed);
  CHECK(a.manifest.config_digest == b.manifest.config_digest);
  CHECK(a.blobs == b.blobs);
  CHECK(a.actor_states == b.actor_states);
  REQUIRE(a.weights.size() == b.weights.size());
  for (std::size_t i = 0; i < a.weights.size(); ++i) {
    CHECK(a.weights[i].source_gid == b.weights[i].source_gid);
    CHECK(a.weights[i].target_gid == b.weights[i].target_gid);
    CHECK(a.weights[i].weight == b.weights[i].weight);
  }
}

std::vector<std::string> entries(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::string resume_error(const fs::path& path) {
  return test::error_text<CheckpointError>([&] { read_checkpoint(path); });
}
std::string eval_error(const fs::path& path) {
  return test::error_text<CheckpointError>([&] { read_checkpoint_weights(path); });
}

}  // namespace

TEST_CASE("a checkpoint reads back as written, and its manifest is checksummed", "[checkpoint]") {
  const test::TempDir run("eligo_checkpoint");
  const CheckpointContents c = contents(3);
  const fs::path dir = write_checkpoint(run.path(), c);
  CHECK(dir == run.path() / "checkpoints" / "iteration-000003");
  CHECK(entries(dir) == std::vector<std::string>{"manifest.json", "shard-0000.bin", "shard-0001.actor",
                                                 "shard-0001.bin", "weights.bin"});
  CHECK(entries(run.path() / "checkpoints") == std::vector<std::string>{"iteration-000003"});
  check_same(read_checkpoint(run.path()), c);
  check_same(read_checkpoint(dir), c);
  const CheckpointContents w = read_checkpoint_weights(run.path());
  CHECK(w.blobs.empty());
  CHECK(w.weights.size() == 3);
  const std::string manifest = text_of(dir / "manifest.json");
  CHECK_THAT(manifest, Contains("\"format\": 2"));
  CHECK_THAT(manifest, Contains("\"manifest_sha256\": \""));
  CHECK_THAT(manifest, !Contains(std::string(64, '0')));
}

TEST_CASE("every kind of damage to every file of a checkpoint is refused, naming the file", "[checkpoint]") {
  const test::TempDir run("eligo_checkpoint_damage");
  const fs::path dir = write_checkpoint(run.path(), contents(4));
  const fs::path pristine = run.path() / "pristine";
  fs::copy(dir, pristine);
  const auto restore = [&] {
    fs::remove_all(dir);
    fs::copy(pristine, dir);
  };
  const std::vector<std::string> files{"shard-0000.bin", "shard-0001.bin", "shard-0001.actor", "weights.bin",
                                       "manifest.json"};
  for (const std::string& name : files) {
    const fs::path file = dir / name;
    const std::string bytes = text_of(file);
    REQUIRE(bytes.size() > 4);
    const bool is_manifest = name == "manifest.json";
    const auto check_refused = [&](const std::string& damage, const std::string& reason) {
      INFO(name << ": " << damage);
      CHECK_THAT(resume_error(run.path()), Contains(file.string() + ": ") && Contains(reason));
      CHECK_THAT(resume_error(dir), Contains(file.string() + ": ") && Contains(reason));
      CHECK_THAT(eval_error(run.path()), Contains(file.string() + ": ") && Contains(reason));
      restore();
    };
    // The manifest's reason depends on where the damage lands (JSON syntax or its own checksum).
    for (const std::size_t at : {std::size_t{0}, bytes.size() / 2, bytes.size() - 2}) {
      std::string flipped = bytes;
      flipped[at] = static_cast<char>(flipped[at] ^ 0x01);
      put(file, flipped);
      check_refused("byte " + std::to_string(at) + " flipped",
                    is_manifest ? "" : "does not match its SHA-256 in manifest.json");
    }
    for (const std::size_t keep : {std::size_t{0}, bytes.size() / 2, bytes.size() - 1}) {
      put(file, bytes.substr(0, keep));
      check_refused("cut to " + std::to_string(keep) + " bytes", is_manifest ? "" : "bytes, manifest.json says");
    }
    fs::remove(file);
    check_refused("removed", is_manifest ? "missing" : "No such file or directory");
  }
  check_same(read_checkpoint(run.path()), contents(4));  // the copy it was restored from was intact
}

TEST_CASE("a manifest whose numbers were changed, or of format 1, is refused", "[checkpoint]") {
  const test::TempDir run("eligo_checkpoint_manifest");
  const fs::path dir = write_checkpoint(run.path(), contents(5));
  const fs::path file = dir / "manifest.json";
  const std::string manifest = text_of(file);
  const auto with = [&](const std::string& from, const std::string& to) {
    std::string m = manifest;
    const std::size_t at = m.find(from);
    REQUIRE(at != std::string::npos);
    put(file, m.replace(at, from.size(), to));
  };
  // Still valid JSON with every field in place: only the manifest's own digest can tell.
  with("\"iteration\": 5", "\"iteration\": 7");
  CHECK(resume_error(run.path()) == file.string() + ": does not match its own manifest_sha256 (damaged or edited)");
  with("\"manifest_sha256\"", "\"manifest_sha257\"");
  CHECK(resume_error(run.path()) == file.string() + ": field manifest_sha256: missing (damaged)");
  with("\"format\": 2", "\"format\": 1");
  CHECK_THAT(resume_error(run.path()), Contains(file.string() + ": field format: unsupported checkpoint format 1"));
  CHECK_THAT(eval_error(run.path()), Contains("format 1, without a manifest checksum, was written by an older eligo"));
}

TEST_CASE("the latest checkpoint of a run is used, a damaged one is not passed over", "[checkpoint]") {
  const test::TempDir run("eligo_checkpoint_latest");
  write_checkpoint(run.path(), contents(2));
  write_checkpoint(run.path(), contents(10));
  // What a write in progress (or one that crashed) leaves beside them is not a checkpoint.
  fs::create_directories(run.path() / "checkpoints" / "iteration-000011.partial");
  fs::create_directories(run.path() / "checkpoints" / "iteration-000012.old");
  CHECK(find_checkpoint(run.path()) == run.path() / "checkpoints" / "iteration-000010");
  CHECK(read_checkpoint(run.path()).manifest.iteration == 10);
  CHECK(read_checkpoint(run.path() / "checkpoints").manifest.iteration == 10);
  CHECK(read_checkpoint(run.path() / "checkpoints" / "iteration-000002").manifest.iteration == 2);
  // A directory takes its name only when complete, so one without a manifest is damaged.
  fs::remove(run.path() / "checkpoints" / "iteration-000010" / "manifest.json");
  CHECK_THAT(resume_error(run.path()),
             Contains((run.path() / "checkpoints" / "iteration-000010" / "manifest.json").string() + ": missing"));
  fs::remove_all(run.path() / "checkpoints" / "iteration-000010");
  CHECK(read_checkpoint(run.path()).manifest.iteration == 2);
  CHECK_THAT(resume_error(run.path() / "nothing"), Contains("no such checkpoint or run directory"));
}

TEST_CASE("a checkpoint whose write fails leaves no partial directory and earlier checkpoints intact", "[checkpoint]") {
  const test::TempDir run("eligo_checkpoint_full");
  const fs::path checkpoints = run.path() / "checkpoints";
  write_checkpoint(run.path(), contents(1));
  write_checkpoint(run.path(), contents(2));
  {
    // Files may not grow past 64 KiB: the second shard's 100 KiB blob fails after the first shard's
    // file was written, as it would on a full disk.
    const test::FileSizeLimit limit(64 * 1024);
    const std::string e =
        test::error_text<CheckpointError>([&] { write_checkpoint(run.path(), contents(3, 100'000)); });
    CHECK_THAT(
        e, Contains((checkpoints / "iteration-000003").string() + ": cannot write this checkpoint: cannot write " +
                    (checkpoints / "iteration-000003.partial" / "shard-0001.bin.tmp").string() + ": File too large"));
    CHECK(entries(checkpoints) == std::vector<std::string>{"iteration-000001", "iteration-000002"});
    // Replacing a checkpoint of the same iteration fails the same way: the old one stays.
    CHECK_THAT(test::error_text<CheckpointError>([&] { write_checkpoint(run.path(), contents(2, 100'000)); }),
               Contains("iteration-000002: cannot write this checkpoint"));
    CHECK(entries(checkpoints) == std::vector<std::string>{"iteration-000001", "iteration-000002"});
  }
  check_same(read_checkpoint(run.path()), contents(2));
  check_same(read_checkpoint(checkpoints / "iteration-000001"), contents(1));
  // With room again, the same write succeeds and replaces the checkpoint of that iteration.
  write_checkpoint(run.path(), contents(2, 100'000));
  check_same(read_checkpoint(run.path()), contents(2, 100'000));
  CHECK(entries(checkpoints) == std::vector<std::string>{"iteration-000001", "iteration-000002"});
}
