// actors/session/run_directory.hpp: what the writer of `eligo train` puts into a run directory reads
// back through the reader of `eligo plot`, line for line, and a resumed run keeps exactly the lines up
// to its checkpoint, and a line that cannot be written (a full disk) is an error naming the file, which
// keeps only whole lines. Also actors/run_ledger.hpp: a checkpoint is handed on once every shard's part
// is in.
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "actors/run_ledger.hpp"
#include "actors/session/run_directory.hpp"
#include "actors/session/training_schedule.hpp"
#include "tests/support/error_text.hpp"
#include "tests/support/file_size_limit.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

using namespace eligo;
using namespace eligo::session;

std::string text_of(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

IterationMetrics metrics_line(std::int64_t iteration, double loss) {
  return {iteration, loss, std::nullopt, 10 * iteration, 1.5, 0.25};
}

}  // namespace

TEST_CASE("the run directory's writer and reader agree on every field", "[run_directory]") {
  const test::TempDir dir("eligo_run_directory");
  {
    RunDirectoryWriter w(dir.path(), -1);
    w.append(metrics_line(1, 2.5));
    w.append(IterationMetrics{2, NAN, 0.75, 20, 1.5, 0.5});
    w.append(HeldOutEvaluation{2, 0.5, 1.25, 40});
  }
  CHECK(text_of(dir.path() / files::kMetrics) ==
        "{\"iteration\":1,\"loss\":2.5,\"spikes\":10,\"rate_hz\":1.5,\"wall_seconds\":0.25}\n"
        "{\"iteration\":2,\"loss\":null,\"accuracy\":0.75,\"spikes\":20,\"rate_hz\":1.5,\"wall_seconds\":0.5}\n");
  CHECK(text_of(dir.path() / files::kEvaluations) ==
        "{\"iteration\":2,\"accuracy\":0.5,\"loss\":1.25,\"samples\":40}\n");
  const RunDirectoryContents r = read_run_directory(dir.path());
  REQUIRE(r.metrics.size() == 2);
  CHECK(r.metrics[0].loss == 2.5);
  CHECK(r.metrics[0].spikes == 10);
  CHECK_FALSE(r.metrics[1].loss.has_value());  // NaN is written as null, read as not recorded
  CHECK(r.metrics[1].accuracy == 0.75);
  REQUIRE(r.evaluations.size() == 1);
  CHECK(r.evaluations[0].samples == 40);
}

TEST_CASE("a resumed run keeps the lines up to its checkpoint's iteration", "[run_directory]") {
  const test::TempDir dir("eligo_run_directory");
  {
    RunDirectoryWriter w(dir.path(), -1);
    for (std::int64_t i = 1; i <= 4; ++i) w.append(metrics_line(i, 5.0 - static_cast<double>(i)));
  }
  // A line cut short by the interruption is dropped, not an error.
  std::ofstream(dir.path() / files::kMetrics, std::ios::app) << "{\"iteration\":5,\"lo";
  RunDirectoryWriter resumed(dir.path(), 2);
  REQUIRE(resumed.kept_metrics().size() == 2);
  CHECK(resumed.kept_metrics()[1].loss == 3.0);
  resumed.append(metrics_line(3, 9.0));
  const std::vector<IterationMetrics> m = read_metrics(dir.path() / files::kMetrics);
  REQUIRE(m.size() == 3);
  CHECK(m[2].loss == 9.0);
}

TEST_CASE("a metrics line that does not fit is an error naming the file, and no half line stays", "[run_directory]") {
  const test::TempDir dir("eligo_run_directory_full");
  const std::filesystem::path metrics = dir.path() / files::kMetrics;
  RunDirectoryWriter w(dir.path(), -1);
  std::string error = "no error";
  std::int64_t written = 0;
  {
    // Files may not grow past 1000 bytes: the line that crosses it is cut short, as on a full disk.
    const test::FileSizeLimit limit(1000);
    error = test::error_text<std::runtime_error>([&] {
      while (written < 1000) w.append(metrics_line(++written, 0.125));
    });
  }
  CHECK(error == "cannot append to " + metrics.string() + ": File too large");
  const std::vector<IterationMetrics> kept = read_metrics(metrics);
  REQUIRE(kept.size() == static_cast<std::size_t>(written - 1));  // every line but the one that failed
  CHECK(kept.back().iteration == written - 1);
  const std::string text = text_of(metrics);
  CHECK(text.size() < 1000);
  CHECK(text.back() == '\n');
  // With room again the file goes on after its last whole line.
  w.append(metrics_line(written, 0.25));
  CHECK(read_metrics(metrics).back().iteration == written);
  CHECK_THAT(
      test::error_text<std::runtime_error>([&] {
        const test::FileSizeLimit limit(10);
        w.write_summary(RunSummary{});
      }),
      Catch::Matchers::Equals("cannot write " + (dir.path() / "summary.json.tmp").string() + ": File too large"));
  CHECK_FALSE(std::filesystem::exists(dir.path() / "summary.json.tmp"));
  CHECK_FALSE(std::filesystem::exists(dir.path() / "summary.json"));
}

TEST_CASE("checkpoints fall on the slice that ends their iteration, the last one on the run's end", "[run_directory]") {
  TrainingSetup s;
  s.loss.n_iter = 5;
  s.loss.first_step = 0;
  s.loss.sequence = 10;
  s.loss.group_size = 1;
  s.n_steps = 52;  // two steps after the last iteration's end
  s.checkpoint_every = 2;
  const TrainingSchedule sc = make_schedule(s, 4, 2);
  CHECK(sc.checkpoints == std::set<std::int64_t>{4, 5});
  CHECK(sc.evaluations.empty());
  CHECK(sc.iteration_of_slice == std::map<Step, std::int64_t>{{9, 4}, {12, 5}});
}

TEST_CASE("the run ledger hands on a checkpoint once every shard's part is in", "[run_directory]") {
  std::vector<Step> complete;
  actors::Callbacks callbacks;
  callbacks.on_checkpoint = [&](actors::CheckpointParts&& parts) { complete.push_back(parts.slice); };
  actors::RunLedger ledger(2, callbacks);
  auto part = [](Step slice, std::uint32_t shard) {
    auto p = std::make_shared<actors::ShardCheckpoint>();
    p->slice = slice;
    p->shard_id = shard;
    return actors::ShardCheckpointPtr(p);
  };
  CHECK(ledger.on_checkpoint_part(part(3, 1)));
  CHECK(ledger.on_checkpoint_part(part(7, 0)));
  CHECK(complete.empty());
  CHECK(ledger.on_checkpoint_part(part(3, 0)));
  CHECK(complete == std::vector<Step>{3});
  CHECK_FALSE(ledger.on_checkpoint_part(part(7, 2)));  // no such shard
  ledger.on_shard_done();
  CHECK(ledger.running());
  ledger.on_shard_done();
  CHECK_FALSE(ledger.running());
}
