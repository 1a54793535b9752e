// The AEDAT 4 reader against files built byte by byte (tests/support/aedat4_fixture.hpp): every
// compression, with and without the data table, other streams skipped, and damaged files of each kind
// refused with an error that names the file and the byte offset of the header, packet or table at fault.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "runtime/data/formats/camera_events.hpp"
#include "tests/support/aedat4_fixture.hpp"

namespace {

using Catch::Contains;
using eligo::CameraEvent;
using eligo::read_aedat4_bytes;
using eligo::test::Aedat4Builder;

const std::vector<CameraEvent> kFirst{{1605537493718345, 154, 204, false}, {1605537493718348, 149, 206, true}};
const std::vector<CameraEvent> kSecond{{1605537493718349, 319, 239, true}, {1605537493718349, 0, 0, false}};

std::vector<CameraEvent> joined(std::vector<CameraEvent> a, const std::vector<CameraEvent>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::string at_byte(std::size_t offset) { return "byte " + std::to_string(offset) + ": "; }

// An IMU packet whose payload is not even a flatbuffer: reading it would fail, skipping it does not.
Aedat4Builder two_event_packets_around_imu(int compression) {
  Aedat4Builder b;
  b.compression = compression;
  b.events(kFirst).other(2, "IMUS? not a flatbuffer at all").events(kSecond);
  return b;
}

}  // namespace

TEST_CASE("an .aedat4 file gives the events stream's events, sensor size and format, whatever the compression",
          "[aedat4]") {
  const int compression = GENERATE(0, 1, 2, 3, 4);  // none, LZ4, LZ4_HIGH, ZSTD, ZSTD_HIGH
  CAPTURE(compression);
  const auto file = two_event_packets_around_imu(compression).build();
  const auto recording = read_aedat4_bytes(file.bytes, "cam.aedat4");
  CHECK(recording.format == "aedat4");
  CHECK(recording.width == 320);
  CHECK(recording.height == 240);
  CHECK(recording.events == joined(kFirst, kSecond));
}

TEST_CASE("an .aedat4 file without a data table, as an interrupted recording leaves it, is read by walking its packets",
          "[aedat4]") {
  auto builder = two_event_packets_around_imu(GENERATE(0, 1, 3));
  builder.data_table = false;
  const auto file = builder.build();
  CHECK(file.table_offset == 0);
  CHECK(read_aedat4_bytes(file.bytes, "open.aedat4").events == joined(kFirst, kSecond));
}

TEST_CASE("an .aedat4 data table position past the end of the file counts as no data table", "[aedat4]") {
  const auto file = two_event_packets_around_imu(1).build();
  // Cut the table off: its position now points past the end.
  const std::string cut = file.bytes.substr(0, file.table_offset);
  CHECK(read_aedat4_bytes(cut, "cut.aedat4").events == joined(kFirst, kSecond));
}

TEST_CASE("the events stream of an .aedat4 file is the one the infoNode calls EVTS, whatever its id", "[aedat4]") {
  Aedat4Builder b;
  b.info_node = eligo::test::aedat4_info_node(7);
  b.events(kFirst, 0).events(kSecond, 7);  // stream 0 is not the events stream here: it is skipped
  CHECK(read_aedat4_bytes(b.build().bytes, "id7.aedat4").events == kSecond);
}

TEST_CASE("an .aedat4 header without a sensor size takes it from the largest pixel read", "[aedat4]") {
  Aedat4Builder b;
  b.info_node = eligo::test::aedat4_info_node(0, "");
  b.events({{5, 10, 3, true}, {6, 2, 20, false}});
  const auto recording = read_aedat4_bytes(b.build().bytes, "nosize.aedat4");
  CHECK(recording.width == 11);
  CHECK(recording.height == 21);
  b.packets.clear();
  const auto empty = read_aedat4_bytes(b.build().bytes, "nosize.aedat4");
  CHECK(empty.events.empty());
  CHECK(empty.width == 0);
}

TEST_CASE("a file that is not AEDAT 4.0 is refused by the .aedat4 reader at byte 0", "[aedat4]") {
  CHECK_THROWS_WITH(read_aedat4_bytes("%PDF-1.7 something else", "x.aedat4"),
                    Contains("x.aedat4: byte 0: not an AEDAT 4 file"));
  CHECK_THROWS_WITH(read_aedat4_bytes("#!AER-DAT3.1\r\n# old header", "old.aedat"),
                    Contains("byte 0: AEDAT version line \"#!AER-DAT3.1\": only AEDAT 4.0 is read"));
  CHECK_THROWS_WITH(read_aedat4_bytes("", "empty.aedat4"), Contains("byte 0: not an AEDAT 4 file"));
}

TEST_CASE("a truncated or damaged .aedat4 header is refused at byte 14", "[aedat4]") {
  const auto file = two_event_packets_around_imu(0).build();
  CHECK_THROWS_WITH(read_aedat4_bytes(file.bytes.substr(0, 16), "h.aedat4"),
                    Contains(at_byte(14) + "truncated header: the file ends before the header's size"));
  CHECK_THROWS_WITH(read_aedat4_bytes(file.bytes.substr(0, 40), "h.aedat4"),
                    Contains(at_byte(14) + "truncated header: it declares"));
  std::string bad_identifier = file.bytes;
  bad_identifier.replace(22, 4, "XXXX");  // the IOHE identifier after size prefix and root offset
  CHECK_THROWS_WITH(read_aedat4_bytes(bad_identifier, "h.aedat4"),
                    Contains(at_byte(14) + "the header is not a valid IOHeader flatbuffer"));
  std::string huge = file.bytes;
  huge.replace(14, 4, std::string("\xff\xff\xff\x7f", 4));  // declares 2 GiB
  CHECK_THROWS_WITH(read_aedat4_bytes(huge, "h.aedat4"),
                    Contains(at_byte(14) + "truncated header: it declares 2147483647 bytes"));
}

TEST_CASE("an .aedat4 header that names no events stream, an unknown compression or a bad size is refused",
          "[aedat4]") {
  Aedat4Builder b;
  b.info_node = "<dv><node name=\"0\"><attr key=\"typeIdentifier\">IMUS</attr></node></dv>";
  CHECK_THROWS_WITH(read_aedat4_bytes(b.build().bytes, "imu.aedat4"),
                    Contains(at_byte(14) + "the header's infoNode names no events stream"));
  Aedat4Builder c;
  c.compression = 9;
  CHECK_THROWS_WITH(read_aedat4_bytes(c.build().bytes, "c.aedat4"), Contains(at_byte(14) + "unknown compression 9"));
  Aedat4Builder s;
  s.info_node = eligo::test::aedat4_info_node(0, "320|-1");
  CHECK_THROWS_WITH(read_aedat4_bytes(s.build().bytes, "s.aedat4"),
                    Contains(at_byte(14) + "the events stream's sizeY \"-1\" is not a sensor size"));
}

TEST_CASE("a truncated .aedat4 packet is refused at the packet's header", "[aedat4]") {
  auto builder = two_event_packets_around_imu(1);
  builder.data_table = false;
  const auto file = builder.build();
  const std::size_t last = file.packet_offsets.back();
  CHECK_THROWS_WITH(read_aedat4_bytes(file.bytes.substr(0, last + 20), "t.aedat4"),
                    Contains("t.aedat4: " + at_byte(last) + "truncated packet: it declares"));
  CHECK_THROWS_WITH(read_aedat4_bytes(file.bytes.substr(0, last + 5), "t.aedat4"),
                    Contains(at_byte(last) + "truncated packet header: 5 bytes where 8 are needed"));
}

TEST_CASE("an .aedat4 packet declaring more bytes than the file holds is refused before anything is allocated",
          "[aedat4]") {
  auto builder = two_event_packets_around_imu(0);
  builder.data_table = false;
  auto file = builder.build();
  const std::size_t first = file.packet_offsets.front();
  file.bytes.replace(first + 4, 4, std::string("\xff\xff\xff\x7f", 4));
  CHECK_THROWS_WITH(read_aedat4_bytes(file.bytes, "big.aedat4"),
                    Contains(at_byte(first) + "truncated packet: it declares 2147483647 bytes"));
  file.bytes.replace(first + 4, 4, std::string("\xf0\xff\xff\xff", 4));
  CHECK_THROWS_WITH(read_aedat4_bytes(file.bytes, "neg.aedat4"),
                    Contains(at_byte(first) + "packet declares a negative size, -16 bytes"));
}

TEST_CASE("a corrupted .aedat4 events flatbuffer is refused at its packet, before any field is read", "[aedat4]") {
  const auto file = two_event_packets_around_imu(0).build();
  const std::size_t second = file.packet_offsets[2];
  std::string damaged = file.bytes;
  // The root offset of the second events packet's flatbuffer, now pointing far outside it.
  damaged.replace(second + 8 + 4, 4, std::string("\x00\xff\x00\x00", 4));
  CHECK_THROWS_WITH(read_aedat4_bytes(damaged, "f.aedat4"),
                    Contains(at_byte(second) + "events packet is not a valid EventPacket flatbuffer"));
}

TEST_CASE(".aedat4 packets that do not decompress are refused at their packet", "[aedat4]") {
  const int compression = GENERATE(1, 3);
  CAPTURE(compression);
  Aedat4Builder b;
  b.compression = compression;
  b.data_table = false;
  b.events(kFirst);
  b.packets.push_back({0, "definitely not an LZ4 or zstd frame", true});
  const auto file = b.build();
  CHECK_THROWS_WITH(read_aedat4_bytes(file.bytes, "d.aedat4"),
                    Contains(at_byte(file.packet_offsets[1])) && Contains("frame does not decode"));
  // A valid frame cut short.
  b.packets[1] = {0, eligo::test::aedat4_compress(eligo::test::aedat4_events_payload(kSecond), compression), true};
  b.packets[1].payload.resize(b.packets[1].payload.size() - 3);
  const auto cut = b.build();
  CHECK_THROWS_WITH(read_aedat4_bytes(cut.bytes, "d.aedat4"),
                    Contains(at_byte(cut.packet_offsets[1])) && Contains("frame is truncated"));
}

TEST_CASE("an .aedat4 packet that would decompress far beyond its size is refused instead of expanded", "[aedat4]") {
  const int compression = GENERATE(1, 3);
  CAPTURE(compression);
  // 4 MiB of zeros compress to a few kB: a ratio no real event packet has.
  const std::string bomb = eligo::test::aedat4_compress(std::string(4u << 20, '\0'), compression);
  REQUIRE(bomb.size() * 128 + (64u << 10) < (4u << 20));
  Aedat4Builder b;
  b.compression = compression;
  b.data_table = false;
  b.packets.push_back({0, bomb, true});
  const auto file = b.build();
  CHECK_THROWS_WITH(read_aedat4_bytes(file.bytes, "bomb.aedat4"),
                    Contains(at_byte(file.packet_offsets[0])) && Contains("decompress to more than"));
}

TEST_CASE("an .aedat4 zstd frame that asks for a window beyond the bound is refused before the decoder reserves it",
          "[aedat4]") {
  Aedat4Builder b;
  b.compression = 3;
  b.data_table = false;
  // A whole zstd frame by hand: magic, descriptor (no content size, not single-segment), window
  // descriptor 0x88 (2^27 bytes = 128 MiB), then one empty raw last block.
  b.packets.push_back({0, std::string("\x28\xb5\x2f\xfd\x00\x88\x01\x00\x00", 9), true});
  const auto file = b.build();
  CHECK_THROWS_WITH(read_aedat4_bytes(file.bytes, "window.aedat4"),
                    Contains(at_byte(file.packet_offsets[0])) && Contains("the frame's window alone is larger"));
}

TEST_CASE("a damaged .aedat4 data table is refused at its position", "[aedat4]") {
  const auto file = two_event_packets_around_imu(0).build();
  std::string damaged = file.bytes;
  damaged.replace(file.table_offset + 8, 4, "XXXX");  // the FTAB identifier
  CHECK_THROWS_WITH(read_aedat4_bytes(damaged, "tab.aedat4"),
                    Contains(at_byte(file.table_offset) + "the data table is not a valid FileDataTable flatbuffer"));
  std::string lz4_damaged = two_event_packets_around_imu(1).build().bytes;
  const std::size_t lz4_table = two_event_packets_around_imu(1).build().table_offset;
  lz4_damaged[lz4_table] = 'Z';  // the LZ4 frame's magic number
  CHECK_THROWS_WITH(read_aedat4_bytes(lz4_damaged, "tab.aedat4"),
                    Contains(at_byte(lz4_table) + "LZ4 frame does not decode"));
}

TEST_CASE("an .aedat4 data table entry that disagrees with the packet header it points at is refused", "[aedat4]") {
  const auto file = two_event_packets_around_imu(0).build();
  std::string damaged = file.bytes;
  const std::size_t imu = file.packet_offsets[1];
  damaged[imu] = 5;  // the IMU packet's stream id in the file; the table still says 2
  CHECK_THROWS_WITH(read_aedat4_bytes(damaged, "tab.aedat4"),
                    Contains(at_byte(imu) + "data table entry 1 does not match the packet header there (stream 5"));
}

TEST_CASE(".aedat4 events going back in time are refused at the packet that holds them", "[aedat4]") {
  Aedat4Builder b;
  b.events(kSecond).events(kFirst);
  const auto file = b.build();
  CHECK_THROWS_WITH(read_aedat4_bytes(file.bytes, "order.aedat4"),
                    Contains(at_byte(file.packet_offsets[1]) + "events packet, event 0") &&
                        Contains("timestamp 1605537493718345 µs goes back from 1605537493718349 µs"));
}

TEST_CASE(".aedat4 events outside the sensor the header declares are refused", "[aedat4]") {
  Aedat4Builder b;
  b.events({{1, 320, 5, true}});
  CHECK_THROWS_WITH(read_aedat4_bytes(b.build().bytes, "px.aedat4"),
                    Contains("event 0: pixel (320, 5) is outside the sensor's 320 × 240"));
  Aedat4Builder n;
  n.events({{1, static_cast<std::uint16_t>(-3), 5, true}});  // stored as int16 -3
  CHECK_THROWS_WITH(read_aedat4_bytes(n.build().bytes, "px.aedat4"), Contains("pixel (-3, 5) is negative"));
}
