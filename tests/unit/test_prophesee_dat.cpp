// The Prophesee DAT reader against byte-exact fixtures built here record by record.
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "runtime/data/formats/camera_events.hpp"
#include "tests/support/error_text.hpp"

namespace {

using Catch::Matchers::Contains;
using eligo::CameraEvent;
using eligo::CameraRecording;
using eligo::EventFileError;

struct Record {
  std::uint32_t t, x, y, p;
};

void put32(std::string& s, std::uint32_t v) {
  for (int b = 0; b < 4; ++b) s.push_back(static_cast<char>((v >> (8 * b)) & 0xFF));
}

std::string dat(const std::string& header, const std::vector<Record>& records, char type = 0x00, char size = 8) {
  std::string s = header;
  s.push_back(type);
  s.push_back(size);
  for (const Record& r : records) {
    put32(s, r.t);
    put32(s, (r.p & 0xF) << 28 | (r.y & 0x3FFF) << 14 | (r.x & 0x3FFF));
  }
  return s;
}

const std::string kHeader = "% Data file containing Event2D events.\n% Version 2\n% Height 100\n% Width 120\n";

CameraRecording read(const std::string& bytes) { return eligo::read_prophesee_dat_bytes(bytes, "test.dat"); }

template <class F>
std::string error_of(F&& f) {
  return eligo::test::error_text<EventFileError>(std::forward<F>(f));
}

}  // namespace

TEST_CASE("DAT records unpack to time, 14-bit x and y and the polarity", "[dat]") {
  const CameraRecording r = read(dat(kHeader, {{0, 0, 0, 0}, {35, 119, 99, 1}, {4000000000u, 7, 8, 0}}));
  CHECK(r.format == "dat");
  CHECK(r.width == 120);
  CHECK(r.height == 100);
  REQUIRE(r.events.size() == 3);
  CHECK(r.events[0] == CameraEvent{0, 0, 0, false});
  CHECK(r.events[1] == CameraEvent{35, 119, 99, true});
  CHECK(r.events[2] == CameraEvent{4000000000, 7, 8, false});
}

TEST_CASE("DAT files with type 0x0C, `% end` and no sensor size read, sized by their events", "[dat]") {
  const CameraRecording r = read(dat("% Version 2\n% end\n", {{1, 77, 41, 1}, {2, 3, 4, 0}}, 0x0C));
  CHECK(r.width == 78);
  CHECK(r.height == 42);
  REQUIRE(r.events.size() == 2);
  CHECK(read(dat("% Version 2\n", {})).events.empty());
}

TEST_CASE("DAT counts a wrap of the 32-bit timestamp when it falls back by more than half its range", "[dat]") {
  const CameraRecording r = read(dat(kHeader, {{0xFFFFFF00u, 1, 1, 1}, {0x10, 1, 1, 1}, {0x8, 1, 1, 1}}));
  CHECK(r.events[1].t_us == (std::int64_t{1} << 32) + 0x10);
  CHECK(r.events[2].t_us == (std::int64_t{1} << 32) + 0x8);  // a small step back is not a wrap
}

TEST_CASE("DAT problems are errors naming the byte offset", "[dat]") {
  const std::size_t h = kHeader.size();
  CHECK_THAT(error_of([] { read("\x00\x08"); }), Contains("test.dat: byte 0: no header"));
  CHECK_THAT(error_of([] { read("% Version 2"); }), Contains("byte 0: header line `% Version 2` has no end of line"));
  CHECK_THAT(error_of([] { read("% Version 2\n% Height x\n"); }), Contains("byte 12: header line `% Height x`"));
  CHECK_THAT(error_of([] { read("% Height 3\n\x00\x08"); }), Contains("only one of Height and Width"));
  CHECK_THAT(error_of([] { read("% Version 2\n"); }), Contains("byte 12: truncated: no event type and size"));
  CHECK_THAT(error_of([&] { read(dat(kHeader, {}, 0x0E)); }),
             Contains("byte " + std::to_string(h) + ": event type 14 is not a CD event type"));
  CHECK_THAT(error_of([&] { read(dat(kHeader, {}, 0x00, 16)); }),
             Contains("byte " + std::to_string(h + 1) + ": event size 16 is not 8 bytes"));
  CHECK_THAT(error_of([&] {
               read(dat(kHeader, {{1, 1, 1, 1}}) + "abc");
             }),
             Contains("byte " + std::to_string(h + 10) + ": truncated record: 3 trailing bytes"));
  CHECK_THAT(error_of([&] {
               read(dat(kHeader, {{1, 1, 1, 1}, {2, 120, 5, 1}}));
             }),
             Contains("byte " + std::to_string(h + 10) + ": event at pixel (120, 5) is outside the 120 × 100 sensor"));
  CHECK_THAT(error_of([&] {
               read(dat(kHeader, {{1, 1, 1, 2}}));
             }),
             Contains("byte " + std::to_string(h + 2) + ": polarity 2 is neither 0 (OFF) nor 1 (ON)"));
}
