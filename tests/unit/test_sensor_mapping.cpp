// From a sensor to the inputs (runtime/data/sources/sensor_mapping.hpp, docs/data.md): crop, pooling to a
// grid, polarity kept or merged, time from the sample's first event with a window; and the event_folder
// task that reads a labelled folder of any event-camera format through it.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "runtime/config/training_config.hpp"
#include "runtime/data/formats/labelled_folder.hpp"
#include "runtime/data/sources/labelled_folder_source.hpp"
#include "runtime/data/sources/sample_stream.hpp"
#include "runtime/data/sources/sensor_mapping.hpp"
#include "tests/support/folder_config.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using namespace eligo;

CameraEvent at(std::uint16_t x, std::uint16_t y, bool on, std::int64_t t_us = 0) { return {t_us, x, y, on}; }

SensorMapping pooled_640x480() {
  SensorMapping m = SensorMapping::identity(640, 480);
  m.grid_width = 32;
  m.grid_height = 24;
  return m;
}

}  // namespace

TEST_CASE("the identity mapping is N-MNIST's encoding: polarity, then row, then column", "[sensor]") {
  const SensorMapping m = SensorMapping::identity(34, 34);
  CHECK(m.inputs() == 2 * 34 * 34);
  CHECK(m.problem().empty());
  for (std::uint16_t y = 0; y < 34; ++y) {
    for (std::uint16_t x = 0; x < 34; ++x) {
      CHECK(*m.input_of(at(x, y, false)) == y * 34u + x);
      CHECK(*m.input_of(at(x, y, true)) == 34u * 34 + y * 34u + x);
    }
  }
}

TEST_CASE("pooling 640 x 480 to 32 x 24 gives each block of 20 x 20 pixels one input", "[sensor]") {
  const SensorMapping m = pooled_640x480();
  REQUIRE(m.problem().empty());
  CHECK(m.inputs() == 2 * 32 * 24);
  CHECK(*m.input_of(at(0, 0, false)) == 0);
  CHECK(*m.input_of(at(19, 19, false)) == 0);
  CHECK(*m.input_of(at(20, 0, false)) == 1);
  CHECK(*m.input_of(at(0, 20, false)) == 32);
  CHECK(*m.input_of(at(639, 479, true)) == 32 * 24 + 23 * 32 + 31);
}

TEST_CASE("a crop drops the events outside it and counts cells from its corner", "[sensor]") {
  SensorMapping m = SensorMapping::identity(100, 50);
  m.crop_x = 10;
  m.crop_y = 5;
  m.crop_width = m.grid_width = 20;
  m.crop_height = m.grid_height = 10;
  REQUIRE(m.problem().empty());
  CHECK_FALSE(m.input_of(at(9, 7, true)).has_value());
  CHECK_FALSE(m.input_of(at(30, 7, true)).has_value());
  CHECK_FALSE(m.input_of(at(15, 15, true)).has_value());
  CHECK(*m.input_of(at(10, 5, false)) == 0);
  CHECK(*m.input_of(at(29, 14, true)) == 200 + 9 * 20 + 19);
}

TEST_CASE("merged polarity sends ON and OFF events of a cell to the same input", "[sensor]") {
  SensorMapping m = pooled_640x480();
  m.merge_polarity = true;
  CHECK(m.inputs() == 32 * 24);
  CHECK(*m.input_of(at(300, 200, true)) == *m.input_of(at(300, 200, false)));
  CHECK(*m.input_of(at(639, 479, true)) == 32 * 24 - 1);
}

TEST_CASE("a mapping that does not fit its sensor says what is wrong", "[sensor]") {
  SensorMapping m = SensorMapping::identity(64, 48);
  m.crop_x = 10;
  CHECK_THAT(m.problem(), Catch::Contains("reaches beyond the 64 × 48 sensor"));
  m = SensorMapping::identity(64, 48);
  m.grid_width = 65;
  CHECK_THAT(m.problem(), Catch::Contains("at most one cell per pixel"));
  m = SensorMapping::identity(65535, 65535);
  CHECK_THAT(m.problem(), Catch::Contains("too many cells"));
  m = SensorMapping::identity(64, 48);
  m.window_us = 0;
  CHECK_THAT(m.problem(), Catch::Contains("window must be positive"));
}

TEST_CASE("times count from the sample's first event and stop at the window", "[sensor]") {
  const test::TempDir dir;
  fs::create_directories(dir.path() / "Train" / "1");
  write_nmnist_file(dir.path() / "Train" / "1" / "a.bin", {});
  auto files = std::make_shared<const std::vector<NmnistSampleFile>>(list_nmnist_split(dir.path(), "Train"));
  SensorMapping m = SensorMapping::identity(4, 2);
  m.origin = TimeOrigin::first_event;
  m.window_us = 5000;
  LabelledFolderSource source(
      files,
      [](const fs::path&) {
        CameraRecording r;  // absolute times, as AEDAT 4 files give them
        r.events = {at(0, 0, true, 1'600'000'000'000'000), at(1, 0, true, 1'600'000'000'003'500),
                    at(2, 0, true, 1'600'000'000'005'000)};
        return r;
      },
      EventEncoding{m, 1.0, 10});
  const Sample s = *source.next(SampleParts::all);
  REQUIRE(s.spikes.size() == 2);  // the third event is 5 ms after the first: outside the window
  CHECK(s.spikes[0].step == 1);   // 0 ms, clamped to step 1 as every sample's first step
  CHECK(s.spikes[0].input == 8);
  CHECK(s.spikes[1].step == 3);
  CHECK(s.spikes[1].input == 9);
}

TEST_CASE("an event folder lists every known format in label folders and skips other files", "[sensor]") {
  const test::TempDir dir;
  for (const char* f : {"0/a.aedat4", "0/b.raw", "1/c.dat", "1/d.bin", "1/notes.txt", "2/e.bin"}) {
    fs::create_directories((dir.path() / "Train" / f).parent_path());
    dir.write(std::string("Train/") + f, "x");
  }
  const std::vector<NmnistSampleFile> two = list_labelled_split(dir.path(), "Train", event_folder_layout(2));
  REQUIRE(two.size() == 4);  // label 2 is beyond two labels; notes.txt is no event file
  CHECK(two[0].path.filename() == "a.aedat4");
  CHECK(two[3].label == 1);
  CHECK_THROWS_WITH(list_labelled_split(dir.path(), "Test", event_folder_layout(2)),
                    Catch::Contains("expected Test/<label>/*.{aedat4,raw,dat,bin}"));
}

TEST_CASE("the event_folder task maps its sensor and checks the input population against it", "[sensor]") {
  const test::TempDir dir;
  fs::create_directories(dir.path() / "Train" / "0");
  fs::create_directories(dir.path() / "Train" / "1");
  write_nmnist_file(dir.path() / "Train" / "0" / "a.bin", {{1, 1, true, 100}});
  write_nmnist_file(dir.path() / "Train" / "1" / "b.bin", {{30, 30, false, 100}});
  auto config = [&](int inputs, const std::string& data) {
    return test::folder_config(inputs, 2,
                               "task: {kind: event_folder, data_dir: " + dir.path().string() +
                                   ", sequence_steps: 4, learning_window_steps: 2, test_samples: 0}",
                               "training: {iterations: 1, group_size: 2}\n" + data + "\n");
  };
  const std::string pooled = "data: {order: sorted, sensor: {width: 34, height: 34, grid: {width: 2, height: 2}}}";
  const TrainingSetup s = load_training_config(dir.write("ok.yaml", config(2 * 2 * 2, pooled)));
  REQUIRE(s.classification->sensor.has_value());
  CHECK(s.classification->sensor->inputs() == 8);
  SampleStream stream(*s.network.sample_stream, SampleParts::all);
  const Sample first = stream.sample(0), second = stream.sample(1);
  CHECK(first.label == 0);
  REQUIRE(first.spikes.size() == 1);
  CHECK(first.spikes[0].input == 4 + 0);  // ON, top-left cell of 2 x 2
  REQUIRE(second.spikes.size() == 1);
  CHECK(second.spikes[0].input == 3);  // OFF, bottom-right cell

  CHECK_THROWS_WITH(load_training_config(dir.write("bad.yaml", config(10, pooled))), Catch::Contains("gives 8 inputs"));
  CHECK_THROWS_WITH(
      load_training_config(
          dir.write("crop.yaml",
                    config(8, "data: {sensor: {width: 34, height: 34, crop: {x: 30, y: 0, width: 10, height: 10}}}"))),
      Catch::Contains("reaches beyond the 34 × 34 sensor"));
  CHECK_THROWS_WITH(load_training_config(dir.write("none.yaml", config(8, ""))),
                    Catch::Contains("data.sensor: missing"));
}
