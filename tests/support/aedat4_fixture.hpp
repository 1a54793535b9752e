#pragma once
// AEDAT 4 files built byte by byte for the reader's tests and the fuzzer's seeds: the version line, an
// IOHeader flatbuffer, packets of size-prefixed flatbuffers (compressed with the real LZ4-frame and zstd
// encoders) and optionally the data table, all through flatbuffers' own builder, so that the tests do
// not depend on any recording and check the reader against the format rather than against itself.
#include <flatbuffers/flatbuffers.h>
#include <lz4frame.h>
#include <zstd.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "event_packet_generated.h"
#include "file_data_table_generated.h"
#include "io_header_generated.h"
#include "runtime/data/formats/camera_events.hpp"

namespace eligo::test {

// The infoNode of a DVXplorer recording: events on stream 0 (320 × 240) and IMU samples on stream 2.
inline std::string aedat4_info_node(std::int32_t events_stream = 0, const std::string& size = "320|240") {
  const std::size_t bar = size.find('|');
  const std::string info = size.empty() ? ""
                                        : "<node name=\"info\" path=\"/outInfo/" + std::to_string(events_stream) +
                                              "/info/\">"
                                              "<attr key=\"sizeX\" type=\"int\">" +
                                              size.substr(0, bar) +
                                              "</attr>"
                                              "<attr key=\"sizeY\" type=\"int\">" +
                                              size.substr(bar + 1) + "</attr></node>";
  return "<dv version=\"2.0\">\n<node name=\"outInfo\" path=\"/outInfo/\">\n"
         "  <node name=\"" +
         std::to_string(events_stream) + "\" path=\"/outInfo/" + std::to_string(events_stream) +
         "/\">\n    <attr key=\"compression\" type=\"string\">LZ4</attr>\n"
         "    <attr key=\"typeIdentifier\" type=\"string\">EVTS</attr>\n    " +
         info +
         "\n  </node>\n"
         "  <node name=\"2\" path=\"/outInfo/2/\"><attr key=\"typeIdentifier\" type=\"string\">IMUS</attr></node>\n"
         "</node>\n</dv>\n";
}

inline std::string finished_bytes(const flatbuffers::FlatBufferBuilder& builder) {
  return std::string(reinterpret_cast<const char*>(builder.GetBufferPointer()), builder.GetSize());
}

// One events packet as the recorder writes it before compression: a size-prefixed EventPacket.
inline std::string aedat4_events_payload(const std::vector<CameraEvent>& events) {
  std::vector<aedat4::Event> elements;
  for (const CameraEvent& e : events) {
    elements.emplace_back(e.t_us, static_cast<std::int16_t>(e.x), static_cast<std::int16_t>(e.y), e.on);
  }
  flatbuffers::FlatBufferBuilder builder;
  builder.FinishSizePrefixed(aedat4::CreateEventPacket(builder, builder.CreateVectorOfStructs(elements)),
                             aedat4::EventPacketIdentifier());
  return finished_bytes(builder);
}

// Compressed as the header's compression code says (0 none, 1–2 LZ4 frame, 3–4 zstd frame).
inline std::string aedat4_compress(const std::string& raw, int compression) {
  std::string out;
  if (compression == 1 || compression == 2) {
    out.resize(LZ4F_compressFrameBound(raw.size(), nullptr));
    const std::size_t n = LZ4F_compressFrame(out.data(), out.size(), raw.data(), raw.size(), nullptr);
    if (LZ4F_isError(n)) throw std::runtime_error("LZ4F_compressFrame failed");
    out.resize(n);
  } else if (compression == 3 || compression == 4) {
    out.resize(ZSTD_compressBound(raw.size()));
    const std::size_t n = ZSTD_compress(out.data(), out.size(), raw.data(), raw.size(), compression == 4 ? 19 : 3);
    if (ZSTD_isError(n)) throw std::runtime_error("ZSTD_compress failed");
    out.resize(n);
  } else {
    out = raw;
  }
  return out;
}

struct Aedat4Packet {
  std::int32_t stream = 0;
  std::string payload;  // uncompressed; compressed by build() unless `compressed` says it already is
  bool compressed = false;
};

struct Aedat4File {
  std::string bytes;
  std::size_t header_end = 0;               // the first packet's header starts here
  std::vector<std::size_t> packet_offsets;  // of each packet's 8-byte header
  std::size_t table_offset = 0;             // 0 when there is no data table
};

struct Aedat4Builder {
  int compression = 0;
  bool data_table = true;
  std::string info_node = aedat4_info_node();
  std::vector<Aedat4Packet> packets;

  Aedat4Builder& events(std::vector<CameraEvent> e, std::int32_t stream = 0) {
    packets.push_back({stream, aedat4_events_payload(e), false});
    return *this;
  }
  Aedat4Builder& other(std::int32_t stream, std::string payload) {
    packets.push_back({stream, std::move(payload), false});
    return *this;
  }

  Aedat4File build() const {
    std::string body;
    std::vector<std::size_t> starts;
    std::vector<std::string> stored;
    for (const Aedat4Packet& p : packets)
      stored.push_back(p.compressed ? p.payload : aedat4_compress(p.payload, compression));
    // The header's size does not depend on the table position (the field is always written), so
    // packet offsets are known before the header is built with the final position.
    const std::size_t header_size = header(0).size();
    Aedat4File file;
    file.header_end = 14 + header_size;
    for (std::size_t i = 0; i < packets.size(); ++i) {
      file.packet_offsets.push_back(file.header_end + body.size());
      append_le32(body, packets[i].stream);
      append_le32(body, static_cast<std::int32_t>(stored[i].size()));
      body += stored[i];
    }
    const std::int64_t position = data_table ? static_cast<std::int64_t>(file.header_end + body.size()) : -1;
    file.bytes = std::string("#!AER-DAT4.0\r\n") + header(position) + body;
    if (data_table) {
      file.table_offset = static_cast<std::size_t>(position);
      file.bytes += aedat4_compress(table(file.packet_offsets, stored), compression);
    }
    return file;
  }

 private:
  static void append_le32(std::string& s, std::int32_t v) {
    for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>((static_cast<std::uint32_t>(v) >> (8 * i)) & 0xff));
  }

  std::string header(std::int64_t table_position) const {
    flatbuffers::FlatBufferBuilder builder;
    builder.ForceDefaults(true);
    builder.FinishSizePrefixed(aedat4::CreateIOHeaderDirect(builder, static_cast<aedat4::CompressionType>(compression),
                                                            table_position, info_node.c_str()),
                               aedat4::IOHeaderIdentifier());
    return finished_bytes(builder);
  }

  std::string table(const std::vector<std::size_t>& offsets, const std::vector<std::string>& stored) const {
    flatbuffers::FlatBufferBuilder builder;
    std::vector<flatbuffers::Offset<aedat4::FileDataDefinition>> entries;
    for (std::size_t i = 0; i < packets.size(); ++i) {
      const aedat4::PacketHeader info(packets[i].stream, static_cast<std::int32_t>(stored[i].size()));
      entries.push_back(aedat4::CreateFileDataDefinition(builder, static_cast<std::int64_t>(offsets[i] + 8), &info));
    }
    builder.FinishSizePrefixed(aedat4::CreateFileDataTableDirect(builder, &entries), aedat4::FileDataTableIdentifier());
    return finished_bytes(builder);
  }
};

}  // namespace eligo::test
