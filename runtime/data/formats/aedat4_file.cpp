// The AEDAT 4 reader (iniVation's .aedat4 files: DV software, DVXplorer and DAVIS cameras).
//
// Layout: "#!AER-DAT4.0\r\n", then a size-prefixed IOHeader flatbuffer (compression, data table
// position, infoNode XML naming the streams), then packets, each an 8-byte header (int32 stream id,
// int32 size) and that many bytes of a compressed size-prefixed flatbuffer, and at the end the data
// table (a FileDataTable flatbuffer, compressed the same way) listing every packet. Only the events
// stream (typeIdentifier "EVTS") is decoded; IMU, trigger and frame packets are skipped unread.
//
// The data table is used when present. A recording that was not closed has data table position -1
// (or one that points past the end), and its packets are walked from the end of the header instead.
// Every length is checked against the bytes that remain before it is used, every flatbuffer is run
// through flatbuffers::Verifier before a field is read, and decompression is bounded
// (aedat4_decompress.hpp), so a damaged file costs an EventFileError naming the header, packet or
// table at fault.
#include <flatbuffers/flatbuffers.h>

#include <algorithm>
#include <charconv>
#include <limits>
#include <string>

#include "event_packet_generated.h"
#include "file_data_table_generated.h"
#include "io_header_generated.h"
#include "runtime/data/formats/aedat4_decompress.hpp"
#include "runtime/data/formats/aedat4_info_node.hpp"
#include "runtime/data/formats/camera_events.hpp"

namespace eligo {
namespace {

namespace fb = aedat4;
constexpr std::string_view kVersionLine = "#!AER-DAT4.0\r\n";
constexpr std::uint64_t kHeaderSizeOffset = kVersionLine.size();
constexpr std::size_t kPacketHeaderBytes = 8;

std::int32_t read_le_i32(std::string_view bytes, std::size_t at) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(bytes[at + static_cast<std::size_t>(i)]);
  return static_cast<std::int32_t>(v);
}

// The Verifier's default of a million tables would refuse the data table of a long recording (one
// table per packet); a table takes at least 4 bytes, so a quarter of the buffer is never too few.
template <class VerifyFn>
bool verifies(const std::vector<std::uint8_t>& buffer, VerifyFn&& verify) {
  const auto tables = static_cast<flatbuffers::uoffset_t>(std::max<std::size_t>(buffer.size() / 4, 1));
  flatbuffers::Verifier verifier(buffer.data(), buffer.size(), 64, tables);
  return verify(verifier);
}

class Aedat4Reader {
 public:
  Aedat4Reader(std::string_view bytes, const std::filesystem::path& name) : bytes_(bytes), name_(name) {}

  CameraRecording read() {
    read_header();
    if (table_position_ >= 0 && static_cast<std::uint64_t>(table_position_) < bytes_.size()) {
      read_through_table(static_cast<std::size_t>(table_position_));
    } else {
      walk_packets(packets_start_, bytes_.size());
    }
    if (recording_.width == 0 && recording_.height == 0) size_from_events(recording_);
    return std::move(recording_);
  }

 private:
  [[noreturn]] void fail(std::uint64_t offset, const std::string& problem) const {
    throw EventFileError(name_, offset, problem);
  }

  void read_header() {
    recording_.format = "aedat4";
    if (bytes_.substr(0, kVersionLine.size()) != kVersionLine) {
      if (bytes_.substr(0, 9) == "#!AER-DAT") {
        fail(0, "AEDAT version line \"" + std::string(bytes_.substr(0, 12)) + "\": only AEDAT 4.0 is read");
      }
      fail(0, "not an AEDAT 4 file: it does not start with \"#!AER-DAT4.0\\r\\n\"");
    }
    const std::size_t after_size = kHeaderSizeOffset + 4;
    if (bytes_.size() < after_size) fail(kHeaderSizeOffset, "truncated header: the file ends before the header's size");
    const std::int32_t size = read_le_i32(bytes_, kHeaderSizeOffset);
    if (size < 0) fail(kHeaderSizeOffset, "the header declares a negative size, " + std::to_string(size) + " bytes");
    if (static_cast<std::size_t>(size) > bytes_.size() - after_size) {
      fail(kHeaderSizeOffset, "truncated header: it declares " + std::to_string(size) + " bytes but " +
                                  std::to_string(bytes_.size() - after_size) + " follow");
    }
    // Copied, so that the flatbuffer starts aligned (the file puts it at byte 14).
    const std::vector<std::uint8_t> buffer(bytes_.begin() + kHeaderSizeOffset,
                                           bytes_.begin() + static_cast<std::ptrdiff_t>(after_size + size));
    if (!verifies(buffer, [](flatbuffers::Verifier& v) { return fb::VerifySizePrefixedIOHeaderBuffer(v); })) {
      fail(kHeaderSizeOffset, "the header is not a valid IOHeader flatbuffer (identifier IOHE)");
    }
    const fb::IOHeader* header = fb::GetSizePrefixedIOHeader(buffer.data());
    switch (static_cast<int>(header->compression())) {
      case 0:
        compression_ = Aedat4Compression::none;
        break;
      case 1:
      case 2:
        compression_ = Aedat4Compression::lz4;
        break;
      case 3:
      case 4:
        compression_ = Aedat4Compression::zstd;
        break;
      default:
        fail(kHeaderSizeOffset, "unknown compression " + std::to_string(static_cast<int>(header->compression())) +
                                    " (0 none, 1–2 LZ4, 3–4 zstd)");
    }
    table_position_ = header->data_table_position();
    packets_start_ = after_size + static_cast<std::size_t>(size);
    choose_events_stream(header->info_node() ? header->info_node()->string_view() : std::string_view());
  }

  void choose_events_stream(std::string_view info_node) {
    const std::vector<Aedat4Stream> streams = parse_aedat4_streams(info_node);
    const auto events =
        std::find_if(streams.begin(), streams.end(), [](const Aedat4Stream& s) { return s.type == "EVTS"; });
    if (events == streams.end()) {
      fail(kHeaderSizeOffset, "the header's infoNode names no events stream (typeIdentifier EVTS)");
    }
    events_stream_ = events->id;
    if (!events->size_x.empty() || !events->size_y.empty()) {
      recording_.width = sensor_side("sizeX", events->size_x);
      recording_.height = sensor_side("sizeY", events->size_y);
    }
  }

  // Event coordinates are int16, so a side is 1 to 32768 pixels.
  std::uint32_t sensor_side(const char* key, const std::string& text) const {
    std::uint32_t side = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), side);
    if (ec != std::errc() || end != text.data() + text.size() || side == 0 || side > 32768) {
      fail(kHeaderSizeOffset, std::string("the events stream's ") + key + " \"" + text.substr(0, 40) +
                                  "\" is not a sensor size (1 to 32768 pixels)");
    }
    return side;
  }

  // Packets one after another from `begin` to `end`: the file without a data table.
  void walk_packets(std::size_t begin, std::size_t end) {
    for (std::size_t at = begin; at < end;) {
      if (end - at < kPacketHeaderBytes) {
        fail(at, "truncated packet header: " + std::to_string(end - at) + " bytes where 8 are needed");
      }
      const std::int32_t stream = read_le_i32(bytes_, at);
      const std::int32_t size = read_le_i32(bytes_, at + 4);
      check_packet_size(at, size, end);
      if (stream == events_stream_) read_events_packet(at, static_cast<std::size_t>(size));
      at += kPacketHeaderBytes + static_cast<std::size_t>(size);
    }
  }

  void check_packet_size(std::size_t at, std::int32_t size, std::size_t end) const {
    const std::size_t remaining = end - at - kPacketHeaderBytes;
    if (size < 0) fail(at, "packet declares a negative size, " + std::to_string(size) + " bytes");
    if (static_cast<std::size_t>(size) > remaining) {
      fail(at, "truncated packet: it declares " + std::to_string(size) + " bytes but " + std::to_string(remaining) +
                   " remain");
    }
  }

  // The packets that the data table at `position` lists, in its order (the order they were written).
  void read_through_table(std::size_t position) {
    if (position < packets_start_) {
      fail(kHeaderSizeOffset, "the data table position " + std::to_string(position) + " lies inside the header");
    }
    const std::vector<std::uint8_t> buffer = decompress_aedat4(bytes_.substr(position), compression_, name_, position);
    if (!verifies(buffer, [](flatbuffers::Verifier& v) { return fb::VerifySizePrefixedFileDataTableBuffer(v); })) {
      fail(position, "the data table is not a valid FileDataTable flatbuffer (identifier FTAB)");
    }
    const auto* entries = fb::GetSizePrefixedFileDataTable(buffer.data())->table();
    if (entries == nullptr) return;
    std::int64_t previous = -1;
    for (flatbuffers::uoffset_t i = 0; i < entries->size(); ++i) {
      const fb::FileDataDefinition* entry = entries->Get(i);
      // The table points at the packet's data; its header is the 8 bytes before.
      const std::int64_t data_at = entry->byte_offset();
      const std::string which = "data table entry " + std::to_string(i);
      if (data_at <= previous || data_at < static_cast<std::int64_t>(packets_start_ + kPacketHeaderBytes) ||
          data_at > static_cast<std::int64_t>(position)) {
        fail(position, which + ": packet offset " + std::to_string(data_at) +
                           " is not after the previous packet and before the data table");
      }
      previous = data_at;
      const std::size_t offset = static_cast<std::size_t>(data_at) - kPacketHeaderBytes;
      const std::int32_t stream = read_le_i32(bytes_, offset);
      const std::int32_t size = read_le_i32(bytes_, offset + 4);
      const fb::PacketHeader* listed = entry->packet_info();
      if (listed == nullptr || listed->stream_id() != stream || listed->size() != size) {
        fail(offset, which + " does not match the packet header there (stream " + std::to_string(stream) + ", " +
                         std::to_string(size) + " bytes)");
      }
      check_packet_size(offset, size, position);
      if (stream == events_stream_) read_events_packet(offset, static_cast<std::size_t>(size));
    }
  }

  void read_events_packet(std::size_t at, std::size_t size) {
    const std::vector<std::uint8_t> buffer =
        decompress_aedat4(bytes_.substr(at + kPacketHeaderBytes, size), compression_, name_, at);
    if (!verifies(buffer, [](flatbuffers::Verifier& v) { return fb::VerifySizePrefixedEventPacketBuffer(v); })) {
      fail(at, "events packet is not a valid EventPacket flatbuffer (identifier EVTS)");
    }
    const auto* elements = fb::GetSizePrefixedEventPacket(buffer.data())->elements();
    if (elements == nullptr) return;
    std::vector<CameraEvent>& events = recording_.events;
    events.reserve(events.size() + elements->size());
    for (flatbuffers::uoffset_t i = 0; i < elements->size(); ++i) {
      const fb::Event* e = elements->Get(i);
      // Messages are built only on failure: this loop runs once per event.
      const auto which = [&] {
        return "events packet, event " + std::to_string(i) + ": pixel (" + std::to_string(e->x()) + ", " +
               std::to_string(e->y()) + ")";
      };
      if (e->x() < 0 || e->y() < 0) fail(at, which() + " is negative");
      const CameraEvent event{e->timestamp(), static_cast<std::uint16_t>(e->x()), static_cast<std::uint16_t>(e->y()),
                              e->polarity()};
      if (recording_.width != 0 && (event.x >= recording_.width || event.y >= recording_.height)) {
        fail(at, which() + " is outside the sensor's " + std::to_string(recording_.width) + " × " +
                     std::to_string(recording_.height));
      }
      // Real recordings are time-ordered within a stream (the camera stamps events as it sends them);
      // an event going back is damage, and readers downstream rely on the order.
      if (!events.empty() && event.t_us < events.back().t_us) {
        fail(at, which() + ": timestamp " + std::to_string(event.t_us) + " µs goes back from " +
                     std::to_string(events.back().t_us) + " µs");
      }
      events.push_back(event);
    }
  }

  std::string_view bytes_;
  const std::filesystem::path& name_;
  CameraRecording recording_;
  Aedat4Compression compression_ = Aedat4Compression::none;
  std::int64_t table_position_ = -1;
  std::size_t packets_start_ = 0;
  std::int32_t events_stream_ = 0;
};

}  // namespace

CameraRecording read_aedat4_bytes(std::string_view bytes, const std::filesystem::path& name) {
  return Aedat4Reader(bytes, name).read();
}

}  // namespace eligo
