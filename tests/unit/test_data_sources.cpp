// Tests of input as a stream (docs/architecture.md §3.1): the data sources of the tasks
// (runtime/data/sources/, runtime/data/tasks/), the sample stream's layout on the time line against a
// straightforward full layout, its bounded read-ahead, and the labelled folder's order.
#include <catch2/catch.hpp>
#include <filesystem>
#include <memory>
#include <vector>

#include "runtime/config/run_digest.hpp"
#include "runtime/config/training_config.hpp"
#include "runtime/data/sources/labelled_folder_source.hpp"
#include "runtime/data/sources/sample_stream.hpp"
#include "runtime/data/tasks/classification_task.hpp"
#include "runtime/data/tasks/nmnist_task.hpp"
#include "runtime/data/tasks/sine_wave_task.hpp"
#include "tests/support/folder_config.hpp"
#include "tests/support/sample_layout_reference.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using namespace eligo;

NetworkDescription sized(std::uint32_t n_in, std::uint32_t n_rec, std::uint32_t n_out) {
  NetworkDescription net;
  net.n_in = n_in;
  net.n_rec = n_rec;
  net.n_out = n_out;
  return net;
}

// Every (step, input) arrival of steps [0, n_steps) in [first, first + n), read from a fresh stream
// in windows of `window` steps.
std::vector<StepArrival> streamed_arrivals(const NetworkDescription& net, Step n_steps, Step window,
                                           std::uint32_t first = 0, std::uint32_t n = UINT32_MAX) {
  SampleStream stream(*net.sample_stream, SampleParts::all);
  std::vector<StepArrival> out;
  for (Step t = 0; t < n_steps; t += window)
    stream.input_arrivals(t, std::min(window, n_steps - t), first, std::min(n, net.n_in - first), out);
  return out;
}

// The same from the full layout's explicit lists.
std::vector<StepArrival> listed_arrivals(const NetworkDescription& full, std::uint32_t first = 0,
                                         std::uint32_t n = UINT32_MAX) {
  std::vector<StepArrival> out;
  for (std::uint32_t i = first; i < full.input_spike_steps.size() && i - first < n; ++i)
    for (Step s : full.input_spike_steps[i]) out.emplace_back(s, i - first);
  std::sort(out.begin(), out.end());
  return out;
}

// The value of an explicit signal in step t (the latest amplitude whose time is ≤ t).
double value_at(const StepSignal& s, Step t) {
  double v = 0.0;
  for (std::size_t i = 0; i < s.time.size() && s.time[i] <= t; ++i) v = s.value[i];
  return v;
}

// The stream's targets and window equal the full layout's signals in every step (and after the task).
void check_same_supervision(const NetworkDescription& net, Step n_steps) {
  const NetworkDescription full = test::expand_sample_stream(net);
  SampleStream stream(*net.sample_stream, SampleParts::supervision);
  std::vector<double> targets;
  double window = 0.0;
  for (Step t = 1; t < n_steps; ++t) {
    stream.supervision(t, targets, window);
    REQUIRE(window == value_at(full.learning_window, t));
    for (std::uint32_t k = 0; k < net.n_out; ++k) REQUIRE(targets[k] == value_at(full.targets[k], t));
  }
}

}  // namespace

TEST_CASE("the stream gives the sine-wave task's arrivals and targets exactly as the full layout", "[data_sources]") {
  NetworkDescription net = sized(7, 3, 2);
  SineWaveTaskParams p;
  p.sequence = 40;
  p.iterations = 3;
  p.input_rate_hz = 200.0;
  const TaskTiming timing = make_sine_wave_task(net, p);
  const NetworkDescription full = test::expand_sample_stream(net);
  CHECK(streamed_arrivals(net, timing.n_steps, 1) == listed_arrivals(full));
  CHECK(streamed_arrivals(net, timing.n_steps, 7) == listed_arrivals(full));
  CHECK(streamed_arrivals(net, timing.n_steps, 3, 2, 4) == listed_arrivals(full, 2, 4));
  check_same_supervision(net, timing.n_steps + 5);
}

TEST_CASE("the stream gives evidence-accumulation trials exactly as the full layout", "[data_sources]") {
  NetworkDescription net = sized(8, 4, 2);
  ClassificationTask task;
  task.evidence.cues = 3;
  task.evidence.cue_steps = 5;
  task.evidence.spacing_steps = 2;
  task.evidence.delay_steps = 6;
  task.evidence.recall_steps = 4;
  task.evidence.spike_probability = 0.3;
  task.seed = 5;
  task.layout.sequence = task.evidence.sequence();
  task.layout.learning_window = task.evidence.recall_steps;
  task.layout.group_size = 2;
  const TaskTiming timing = lay_out_training(net, task, 3);
  REQUIRE(net.sample_stream->samples == 6);
  const NetworkDescription full = test::expand_sample_stream(net);
  CHECK_FALSE(listed_arrivals(full).empty());
  CHECK(streamed_arrivals(net, timing.n_steps, 1) == listed_arrivals(full));
  CHECK(streamed_arrivals(net, timing.n_steps, 4, 4, 4) == listed_arrivals(full, 4, 4));
  check_same_supervision(net, timing.n_steps + 5);
}

TEST_CASE("the stream pulls samples on demand and holds at most its read-ahead beyond the current one",
          "[data_sources]") {
  NetworkDescription net = sized(2, 1, 2);
  std::vector<Sample> samples;
  for (std::uint32_t s = 0; s < 50; ++s) samples.push_back({{{1, s % 2}, {3, 0}}, s % 2, nullptr});
  auto taken = std::make_shared<std::int64_t>(0);
  SampleLayout layout;
  layout.sequence = 4;
  layout.learning_window = 2;
  const TaskTiming timing = lay_out_samples(net, layout, 50, test::list_source(samples, taken));
  net.sample_stream->read_ahead = 3;
  SampleStream stream(*net.sample_stream, SampleParts::all);
  std::vector<StepArrival> out;
  for (Step t = 0; t < timing.n_steps; ++t) {
    stream.input_arrivals(t, 1, 0, 2, out);
    const std::int64_t current = std::max<Step>(0, (t - kTaskOffsetGen) / layout.sequence);
    REQUIRE(*taken <= std::min<std::int64_t>(current + 1 + 3, 50));
    REQUIRE(stream.held() <= 4);
  }
  CHECK(*taken == 50);
  CHECK(out.size() == 100);
}

TEST_CASE("a stream restarted mid-run reads on from that sample", "[data_sources]") {
  NetworkDescription net = sized(7, 3, 1);
  SineWaveTaskParams p;
  p.sequence = 30;
  p.iterations = 4;
  p.input_rate_hz = 300.0;
  const TaskTiming timing = make_sine_wave_task(net, p);
  const std::vector<StepArrival> all = streamed_arrivals(net, timing.n_steps, 1);
  SampleStream late(*net.sample_stream, SampleParts::all);  // as a restored shard: first window at step 70
  std::vector<StepArrival> out;
  for (Step t = 70; t < timing.n_steps; ++t) late.input_arrivals(t, 1, 0, 7, out);
  std::vector<StepArrival> expected;
  for (const StepArrival& a : all)
    if (a.first >= 70) expected.push_back(a);
  CHECK(out == expected);
  // And back again: a window before the samples held reopens the source.
  out.clear();
  late.input_arrivals(1, 30, 0, 7, out);
  CHECK(out == std::vector<StepArrival>(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(out.size())));
}

TEST_CASE("a labelled folder is shuffled with the seed or sorted by path, and cycles", "[data_sources]") {
  const test::TempDir dir;
  for (int d = 0; d < 3; ++d) {
    for (int f = 0; f < 4; ++f) {
      fs::create_directories(dir.path() / "Train" / std::to_string(d));
      write_nmnist_file(dir.path() / "Train" / std::to_string(d) / (std::to_string(f) + ".bin"),
                        {{static_cast<std::uint8_t>(f), static_cast<std::uint8_t>(d), true, 1000}});
    }
  }
  const NmnistSplit sorted(dir.path(), "Train", SampleOrder::sorted, 1);
  const NmnistSplit shuffled(dir.path(), "Train", SampleOrder::shuffled, 1);
  const NmnistSplit other_seed(dir.path(), "Train", SampleOrder::shuffled, 2);
  REQUIRE(sorted.size() == 12);
  std::vector<fs::path> sorted_paths, shuffled_paths, other_paths;
  for (std::int64_t i = 0; i < 12; ++i) {
    sorted_paths.push_back(sorted.file(i).path);
    shuffled_paths.push_back(shuffled.file(i).path);
    other_paths.push_back(other_seed.file(i).path);
  }
  CHECK(std::is_sorted(sorted_paths.begin(), sorted_paths.end()));
  CHECK(shuffled_paths != sorted_paths);
  CHECK(shuffled_paths != other_paths);
  std::vector<fs::path> as_set = shuffled_paths;
  std::sort(as_set.begin(), as_set.end());
  CHECK(as_set == sorted_paths);  // a permutation

  // Sample i of the source is file i of the order, cycling: the label is the folder, the spike the pixel.
  const std::unique_ptr<DataSource> source = sorted.source(10, 1.0)();
  for (std::int64_t i = 0; i < 24; ++i) {
    const Sample s = *source->next(SampleParts::all);
    CHECK(s.label == static_cast<std::uint32_t>(i % 12 / 4));
    REQUIRE(s.spikes.size() == 1);
    CHECK(s.spikes[0].input ==
          34 * 34 + static_cast<std::uint32_t>(i % 12 / 4) * 34 + static_cast<std::uint32_t>(i % 4));
  }
  // The readout asks for labels only: no file is read.
  const std::unique_ptr<DataSource> labels = sorted.source(10, 1.0)();
  fs::remove_all(dir.path() / "Train" / "1");
  for (std::int64_t i = 0; i < 12; ++i) CHECK(labels->next(SampleParts::supervision)->label == i / 4);
}

TEST_CASE("a labelled folder reads its files with the reader it is given", "[data_sources]") {
  const test::TempDir dir;
  fs::create_directories(dir.path() / "Train" / "4");
  write_nmnist_file(dir.path() / "Train" / "4" / "a.bin", {{0, 0, false, 0}});
  auto files = std::make_shared<const std::vector<NmnistSampleFile>>(list_nmnist_split(dir.path(), "Train"));
  LabelledFolderSource bad(
      files,
      [](const fs::path&) {
        CameraRecording r;
        r.events = {{0, 9, 0, false}};
        return r;
      },
      EventEncoding{eligo::SensorMapping::identity(4, 2), 1.0, 10});
  CHECK_THROWS_WITH(bad.next(SampleParts::all), Catch::Contains("outside the 4 × 2 sensor"));
  LabelledFolderSource good(
      files,
      [](const fs::path&) {
        CameraRecording r;
        r.events = {{2500, 3, 1, true}};
        return r;
      },
      EventEncoding{eligo::SensorMapping::identity(4, 2), 1.0, 10});
  const Sample g = *good.next(SampleParts::all);  // ON, y 1, x 3 of a 4 × 2 sensor at 2.5 ms: step 2
  CHECK(g.label == 4);
  REQUIRE(g.spikes.size() == 1);
  CHECK(g.spikes[0].input == 1 * 8 + 1 * 4 + 3);
  CHECK(g.spikes[0].step == 2);
}

TEST_CASE("a config's data order, data folder and epochs reach the stream and the run digest", "[data_sources]") {
  const test::TempDir dir;
  for (int d = 0; d < 10; ++d) {
    for (int f = 0; f < 3; ++f) {
      for (const char* split : {"Train", "Test"}) {
        fs::create_directories(dir.path() / split / std::to_string(d));
        write_nmnist_file(dir.path() / split / std::to_string(d) / (std::to_string(f) + ".bin"), {{1, 1, true, 0}});
      }
    }
  }
  const std::string config = test::folder_config(2312, 10,
                                                 "task: {kind: nmnist, data_dir: " + dir.path().string() +
                                                     ", sequence_steps: 4, learning_window_steps: 2, test_samples: 0}",
                                                 "training: {iterations: 2, group_size: 4}\n");
  const fs::path file = dir.write("folder.yaml", config);
  const TrainingSetup shuffled = load_training_config(file);
  REQUIRE(shuffled.classification.has_value());
  CHECK(shuffled.classification->order == SampleOrder::shuffled);
  CHECK(shuffled.loss.n_iter == 2);

  const TrainingSetup sorted = load_training_config(dir.write("sorted.yaml", config + "data: {order: sorted}\n"));
  CHECK(sorted.classification->order == SampleOrder::sorted);
  SampleStream stream(*sorted.network.sample_stream, SampleParts::supervision);
  for (std::int64_t i = 0; i < 8; ++i) CHECK(stream.sample(i).label == static_cast<std::uint32_t>(i / 3));

  ConfigOverrides epochs;
  epochs.epochs = 3;  // 3 × 30 samples in groups of 4: 23 iterations (the last group runs into a fourth pass)
  epochs.order = "sorted";
  const TrainingSetup by_epochs = load_training_config(file, epochs);
  CHECK(by_epochs.loss.n_iter == 23);
  CHECK(by_epochs.classification->order == SampleOrder::sorted);
  CHECK(run_digest(file, by_epochs) != run_digest(file, shuffled));
  ConfigOverrides same_length;
  same_length.iterations = 23;
  CHECK(run_digest(file, load_training_config(file, same_length)) != run_digest(file, by_epochs));  // the order

  ConfigOverrides elsewhere;
  elsewhere.data_dir = dir.path() / "missing";
  CHECK_THROWS_WITH(load_training_config(file, elsewhere), Catch::Contains("missing"));
  ConfigOverrides both = epochs;
  both.iterations = 2;
  CHECK_THROWS_AS(load_training_config(file, both), ConfigError);
  const std::string bad_order = config + "data: {order: random}\n";
  CHECK_THROWS_WITH(load_training_config(dir.write("bad.yaml", bad_order)), Catch::Contains("data.order"));
}

TEST_CASE("a held-out evaluation runs in iterations of at most 100 samples that divide it", "[data_sources]") {
  CHECK(held_out_group(500) == 100);
  CHECK(held_out_group(64) == 64);
  CHECK(held_out_group(300) == 100);
  CHECK(held_out_group(198) == 99);
  CHECK(held_out_group(997) == 1);  // a prime: one sample an iteration
  CHECK(held_out_group(1) == 1);
}
