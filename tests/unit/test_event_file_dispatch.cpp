// read_event_file picks the reader by extension and first bytes; the N-MNIST adapter; the summary
// that `eligo data info` prints.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "runtime/data/formats/camera_events.hpp"
#include "runtime/data/formats/nmnist_file.hpp"
#include "runtime/data/formats/recording_summary.hpp"
#include "tests/support/error_text.hpp"

namespace {

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using eligo::CameraEvent;
using eligo::EventFileError;

fs::path write_bytes(const std::string& name, const std::string& bytes) {
  const fs::path d = fs::temp_directory_path() / ("eligo_dispatch_" + std::to_string(getpid()));
  fs::create_directories(d);
  std::ofstream(d / name, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return d / name;
}

template <class F>
std::string error_of(F&& f) {
  return eligo::test::error_text<EventFileError>(std::forward<F>(f));
}

// One EVT 2.0 TIME_HIGH (t = 64 µs) and one CD_ON at (1, 2), little-endian.
const std::string kRaw = std::string("% evt 2.0\n% geometry 4x4\n") + std::string("\x01\x00\x00\x80", 4) +
                         std::string("\x02\x08\x00\x10", 4);

}  // namespace

TEST_CASE("read_event_file picks the reader by the file's extension", "[event-files]") {
  const auto raw = eligo::read_event_file(write_bytes("a.RAW", kRaw));
  CHECK(raw.format == "evt2");
  REQUIRE(raw.events.size() == 1);
  CHECK(raw.events[0] == CameraEvent{64, 1, 2, true});

  const std::string dat = std::string("% Version 2\n", 12) + std::string("\x00\x08", 2) +
                          std::string("\x05\x00\x00\x00\x03\x40\x00\x10", 8);  // t 5, x 3, y 1, ON
  const auto d = eligo::read_event_file(write_bytes("a.dat", dat));
  CHECK(d.format == "dat");
  REQUIRE(d.events.size() == 1);
  CHECK(d.events[0] == CameraEvent{5, 3, 1, true});

  const auto n = eligo::read_event_file(write_bytes("a.bin", std::string("\x07\x0f\x80\x02\x8e", 5)));
  CHECK(n.format == "nmnist");
  CHECK(n.width == 34);
  REQUIRE(n.events.size() == 1);
  CHECK(n.events[0] == CameraEvent{654, 7, 15, true});
}

TEST_CASE("a file without a known extension is read when its first bytes are a RAW header", "[event-files]") {
  CHECK(eligo::read_event_file(write_bytes("recording", kRaw)).format == "evt2");
  CHECK_THAT(error_of([] { eligo::read_event_file(write_bytes("notes.txt", "hello")); }),
             Contains("notes.txt: byte 0: unknown event-file type: extension `.txt`"));
}

TEST_CASE("a jAER AER-DAT file named .dat gets its own error, not a DAT header error", "[event-files]") {
  CHECK_THAT(error_of([] { eligo::read_event_file(write_bytes("j.dat", "#!AER-DAT2.0\r\n")); }),
             Contains("j.dat: byte 0: a jAER AER-DAT file"));
}

TEST_CASE("a missing event file is an error naming it", "[event-files]") {
  CHECK_THAT(error_of([] { eligo::read_event_file("/nonexistent/x.raw"); }),
             Contains("/nonexistent/x.raw: byte 0: cannot open the file"));
}

TEST_CASE("the N-MNIST adapter reads what read_nmnist_file reads, with byte offsets in its errors", "[event-files]") {
  const std::string bytes("\x03\x21\x81\x23\x45\x00\x00\x7F\xFF\xFF", 10);
  const fs::path f = write_bytes("two.bin", bytes);
  const auto events = eligo::read_nmnist_file(f);
  const auto r = eligo::read_nmnist_bytes(bytes, f);
  REQUIRE(r.events.size() == events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    CHECK(r.events[i] == CameraEvent{events[i].time_us, events[i].x, events[i].y, events[i].on});
  }
  CHECK_THAT(error_of([] { eligo::read_nmnist_bytes(std::string(7, '\0'), "cut.bin"); }),
             Contains("cut.bin: byte 5: truncated record: 2 trailing bytes"));
  CHECK_THAT(error_of([] { eligo::read_nmnist_bytes(std::string("\0\0\0\0\0\x22\0\0\0\0", 10), "w.bin"); }),
             Contains("w.bin: byte 5: pixel (34, 0) is outside 34 × 34"));
  CHECK_THAT(error_of([] { eligo::read_nmnist_bytes(std::string("\0\0\0\0\x09\0\0\0\0\x08", 10), "b.bin"); }),
             Contains("b.bin: byte 5: timestamp 8 µs goes back from 9 µs"));
}

TEST_CASE("an N-MNIST record with y = 240 is a timestamp overflow adding 8192 µs to later events", "[event-files]") {
  // (1, 1) at 8000 µs, an overflow record, then (2, 2) at raw time 100 µs: 100 + 8192.
  const std::string bytes(
      "\x01\x01\x00\x1f\x40"
      "\x00\xf0\x00\x00\x00"
      "\x02\x02\x80\x00\x64",
      15);
  const auto r = eligo::read_nmnist_bytes(bytes, "o.bin");
  REQUIRE(r.events.size() == 2);
  CHECK(r.events[0] == CameraEvent{8000, 1, 1, false});
  CHECK(r.events[1] == CameraEvent{8292, 2, 2, true});
}

TEST_CASE("the recording summary counts polarities and lists the first and last events", "[event-files]") {
  eligo::CameraRecording r;
  r.format = "evt3";
  r.width = 8;
  r.height = 4;
  for (int i = 0; i < 5; ++i) r.events.push_back({10 * i, static_cast<std::uint16_t>(i), 1, i % 2 == 0});
  const auto j = eligo::recording_summary(r);
  CHECK(j.dump() == R"({"format":"evt3","width":8,"height":4,"events":5,"on":3,"off":2,"t_first_us":0,"t_last_us":40,)"
                    R"("first":[[0,0,1,1],[10,1,1,0],[20,2,1,1]],"last":[[20,2,1,1],[30,3,1,0],[40,4,1,1]]})");
  const auto empty = eligo::recording_summary(eligo::CameraRecording{"dat", 0, 0, {}});
  CHECK(empty.dump() ==
        R"({"format":"dat","width":0,"height":0,"events":0,"on":0,"off":0,"t_first_us":null,"t_last_us":null,)"
        R"("first":[],"last":[]})");
}
