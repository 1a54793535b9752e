// The Prophesee RAW reader (EVT 2.0 and EVT 3.0) against byte-exact fixtures built here word by word.
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

// EVT 2.0 words.
std::uint32_t cd(bool on, std::uint32_t t_low, std::uint32_t x, std::uint32_t y) {
  return (on ? 0x1u : 0x0u) << 28 | (t_low & 0x3F) << 22 | (x & 0x7FF) << 11 | (y & 0x7FF);
}
std::uint32_t time_high2(std::uint32_t t) { return 0x8u << 28 | (t & 0x0FFFFFFF); }

std::string evt2(const std::string& header, const std::vector<std::uint32_t>& words) {
  std::string s = header;
  for (std::uint32_t w : words) {
    for (int b = 0; b < 4; ++b) s.push_back(static_cast<char>((w >> (8 * b)) & 0xFF));
  }
  return s;
}

// EVT 3.0 words.
std::uint16_t w3(std::uint16_t type, std::uint16_t content) {
  return static_cast<std::uint16_t>(type << 12 | (content & 0xFFF));
}
std::uint16_t addr_y(std::uint16_t y) { return w3(0x0, y); }
std::uint16_t addr_x(bool on, std::uint16_t x) { return w3(0x2, static_cast<std::uint16_t>((on ? 0x800 : 0) | x)); }
std::uint16_t vect_base_x(bool on, std::uint16_t x) {
  return w3(0x3, static_cast<std::uint16_t>((on ? 0x800 : 0) | x));
}
std::uint16_t vect_12(std::uint16_t bits) { return w3(0x4, bits); }
std::uint16_t vect_8(std::uint16_t bits) { return w3(0x5, bits & 0xFF); }
std::uint16_t time_low(std::uint16_t t) { return w3(0x6, t); }
std::uint16_t time_high3(std::uint16_t t) { return w3(0x8, t); }

std::string evt3(const std::string& header, const std::vector<std::uint16_t>& words) {
  std::string s = header;
  for (std::uint16_t w : words) {
    s.push_back(static_cast<char>(w & 0xFF));
    s.push_back(static_cast<char>(w >> 8));
  }
  return s;
}

const std::string kEvt2Header = "% Date 2020-09-14 09:03:25\n% format EVT2;height=480;width=640\n% end\n";
const std::string kEvt3Header = "% evt 3.0\n% geometry 1280x720\n";

CameraRecording read(const std::string& bytes) { return eligo::read_prophesee_raw_bytes(bytes, "test.raw"); }

template <class F>
std::string error_of(F&& f) {
  return eligo::test::error_text<EventFileError>(std::forward<F>(f));
}

}  // namespace

TEST_CASE("EVT 2.0 CD_ON and CD_OFF words become events at TIME_HIGH << 6 plus their time low", "[raw][evt2]") {
  const CameraRecording r = read(evt2(kEvt2Header, {time_high2(5), cd(true, 3, 639, 479), cd(false, 63, 0, 0)}));
  CHECK(r.format == "evt2");
  CHECK(r.width == 640);
  CHECK(r.height == 480);
  REQUIRE(r.events.size() == 2);
  CHECK(r.events[0] == CameraEvent{5 * 64 + 3, 639, 479, true});
  CHECK(r.events[1] == CameraEvent{5 * 64 + 63, 0, 0, false});
}

TEST_CASE("EVT 2.0 skips EXT_TRIGGER, OTHERS and CONTINUED words and events before the first TIME_HIGH",
          "[raw][evt2]") {
  const CameraRecording r =
      read(evt2(kEvt2Header, {cd(true, 1, 1, 1), time_high2(1), 0xA0000001u, 0xE0001234u, 0xF0000000u,
                              cd(false, 2, 2, 2), time_high2(0x0FFFFFFF), cd(true, 4, 3, 3)}));
  REQUIRE(r.events.size() == 2);
  CHECK(r.events[0] == CameraEvent{64 + 2, 2, 2, false});
  CHECK(r.events[1] == CameraEvent{(std::int64_t{0x0FFFFFFF} << 6) + 4, 3, 3, true});
}

TEST_CASE("EVT 2.0 counts a wrap of the 34-bit time when TIME_HIGH falls back by nearly its range", "[raw][evt2]") {
  const CameraRecording r =
      read(evt2(kEvt2Header, {time_high2(0x0FFFFFFF), cd(true, 0, 1, 1), time_high2(0), cd(true, 1, 1, 1)}));
  REQUIRE(r.events.size() == 2);
  CHECK(r.events[1].t_us == (std::int64_t{1} << 34) + 1);
}

TEST_CASE("the `% evt 2.0` line and a camera plugin name give the encoding and the sensor size", "[raw][evt2]") {
  const CameraRecording r =
      read(evt2("% evt 2.0\n% plugin_name hal_plugin_gen3_fx3\n", {time_high2(0), cd(true, 0, 1, 2)}));
  CHECK(r.format == "evt2");
  CHECK(r.width == 640);
  CHECK(r.height == 480);
}

TEST_CASE("a RAW header without a sensor size gives the size of the events read", "[raw]") {
  const CameraRecording r = read(evt2("% evt 2.0\n", {time_high2(0), cd(true, 0, 1000, 9)}));
  CHECK(r.width == 1001);
  CHECK(r.height == 10);
  CHECK(read(evt2("% evt 2.0\n", {})).width == 0);
}

TEST_CASE("EVT 3.0 EVT_ADDR_Y and EVT_ADDR_X give single events at the current time", "[raw][evt3]") {
  const CameraRecording r =
      read(evt3(kEvt3Header, {time_high3(2), time_low(7), addr_y(719), addr_x(true, 1279), addr_x(false, 4)}));
  CHECK(r.format == "evt3");
  CHECK(r.width == 1280);
  CHECK(r.height == 720);
  REQUIRE(r.events.size() == 2);
  CHECK(r.events[0] == CameraEvent{(2 << 12) | 7, 1279, 719, true});
  CHECK(r.events[1] == CameraEvent{(2 << 12) | 7, 4, 719, false});
}

TEST_CASE("EVT 3.0 VECT_12 and VECT_8 give an event per set bit from VECT_BASE_X, which then advances", "[raw][evt3]") {
  const CameraRecording r = read(evt3(kEvt3Header, {time_high3(1), addr_y(10), vect_base_x(true, 100),
                                                    vect_12(0b1000'0000'0101), vect_8(0b1000'0001), vect_12(0)}));
  REQUIRE(r.events.size() == 5);
  CHECK(r.events[0] == CameraEvent{1 << 12, 100, 10, true});
  CHECK(r.events[1].x == 102);
  CHECK(r.events[2].x == 111);
  CHECK(r.events[3].x == 112);
  CHECK(r.events[4].x == 119);
  for (const CameraEvent& e : r.events) CHECK(e.on);
}

TEST_CASE("EVT 3.0 counts a 24-bit wrap when TIME_HIGH goes backwards, not when TIME_LOW decreases", "[raw][evt3]") {
  const CameraRecording r = read(evt3(kEvt3Header, {time_high3(0xFFF), time_low(0xFFE), addr_y(1), addr_x(true, 1),
                                                    time_low(5), addr_x(true, 2),  // TIME_LOW back: no wrap
                                                    time_high3(0), time_low(3), addr_x(true, 3),           // wrap
                                                    time_high3(0xFFF), time_high3(1), addr_x(true, 4)}));  // again
  REQUIRE(r.events.size() == 4);
  CHECK(r.events[0].t_us == 0xFFFFFE);
  CHECK(r.events[1].t_us == 0xFFF005);
  CHECK(r.events[2].t_us == (1 << 24) + 3);
  CHECK(r.events[3].t_us == (2 << 24) + (1 << 12));  // a new TIME_HIGH resets TIME_LOW to 0
}

TEST_CASE("EVT 3.0 skips trigger, continued and other words and everything before the first TIME_HIGH", "[raw][evt3]") {
  const CameraRecording r =
      read(evt3(kEvt3Header, {addr_y(3), addr_x(true, 3), time_high3(4), w3(0xA, 0x101), w3(0xE, 0x014), w3(0x7, 0xF),
                              w3(0xF, 0xFFF), addr_x(true, 9), addr_y(5), addr_x(false, 6), w3(0x1, 7), addr_x(true, 7),
                              addr_y(8), addr_x(true, 8)}));
  REQUIRE(r.events.size() == 2);  // no row before the first ADDR_Y after TIME_HIGH; type 0x1 rows are not CD
  CHECK(r.events[0] == CameraEvent{4 << 12, 6, 5, false});
  CHECK(r.events[1] == CameraEvent{4 << 12, 8, 8, true});
}

TEST_CASE("the RAW `% format` line names the encoding and the sensor size", "[raw]") {
  const CameraRecording r =
      read(evt3("% format EVT3;height=4;width=8\n% end\n", {time_high3(0), addr_y(3), addr_x(true, 7)}));
  CHECK(r.format == "evt3");
  CHECK(r.width == 8);
  CHECK(r.height == 4);
}

TEST_CASE("RAW header problems are errors naming the byte offset", "[raw]") {
  CHECK_THAT(error_of([] { read("\x01\x02"); }), Contains("test.raw: byte 0: no header"));
  CHECK_THAT(error_of([] { read("% Date today\n"); }), Contains("byte 13: the header names no event encoding"));
  CHECK_THAT(error_of([] { read("% evt 2.1\n"); }), Contains("byte 0: header line `% evt 2.1`: encoding"));
  CHECK_THAT(error_of([] { read("% evt 3.0\n% format EVT21;width=1\n"); }), Contains("byte 10: header line"));
  CHECK_THAT(error_of([] { read("% evt 3.0\n% geometry 12xabc\n"); }), Contains("height `abc` is not a whole number"));
  CHECK_THAT(error_of([] { read("% evt 3.0\n% geometry 4096x4\n"); }), Contains("outside 1–2048"));
  CHECK_THAT(error_of([] { read("% evt 3.0\n% evt"); }), Contains("byte 10: header line `% evt` has no end of line"));
  CHECK_THAT(error_of([] { read("% evt 3.0\n% format EVT2\n"); }), Contains("two encodings"));
}

TEST_CASE("a truncated trailing RAW word is an error naming its offset", "[raw]") {
  const std::string two = evt2(kEvt2Header, {time_high2(0), cd(true, 0, 1, 1)});
  CHECK_THAT(error_of([&] { read(two + "\x01\x02"); }),
             Contains("byte " + std::to_string(two.size()) + ": truncated EVT 2.0 word"));
  const std::string three = evt3(kEvt3Header, {time_high3(0)});
  CHECK_THAT(error_of([&] { read(three + "\x01"); }),
             Contains("byte " + std::to_string(three.size()) + ": truncated EVT 3.0 word"));
}

TEST_CASE("a RAW event outside the sensor is an error naming the word's offset", "[raw]") {
  const std::size_t h2 = kEvt2Header.size();
  CHECK_THAT(error_of([] {
               read(evt2(kEvt2Header, {time_high2(0), cd(true, 0, 1, 1), cd(true, 0, 640, 1)}));
             }),
             Contains("byte " + std::to_string(h2 + 8) + ": event at pixel (640, 1) is outside the 640 × 480 sensor"));
  const std::size_t h3 = kEvt3Header.size();
  CHECK_THAT(error_of([] {
               read(evt3(kEvt3Header, {time_high3(0), addr_y(720), addr_x(true, 1)}));
             }),
             Contains("byte " + std::to_string(h3 + 4) + ": event at pixel (1, 720)"));
  // The vector's 12th bit from base 1270 is column 1281.
  CHECK_THAT(error_of([] {
               read(evt3(kEvt3Header, {time_high3(0), addr_y(1), vect_base_x(false, 1270), vect_12(0x800)}));
             }),
             Contains("byte " + std::to_string(h3 + 6) + ": event at pixel (1281, 1)"));
}

TEST_CASE("long runs of empty EVT 3.0 vectors neither emit events nor overflow the column", "[raw][evt3]") {
  std::vector<std::uint16_t> words{time_high3(0), addr_y(1), vect_base_x(true, 0)};
  for (int i = 0; i < 10000; ++i) words.push_back(vect_12(0));
  words.push_back(addr_x(true, 5));
  const CameraRecording r = read(evt3(kEvt3Header, words));
  REQUIRE(r.events.size() == 1);
  CHECK(r.events[0].x == 5);
  CHECK_THAT(error_of([&] {
               words.push_back(vect_8(1));
               read(evt3(kEvt3Header, words));
             }),
             Contains("is outside the 1280 × 720 sensor"));
}
