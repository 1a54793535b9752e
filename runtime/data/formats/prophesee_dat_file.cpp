// Prophesee DAT files (the older Prophesee / Chronocam recordings; N-CARS, the automotive data sets):
// ASCII header lines that start with '%',
//   % Data file containing Event2D events.
//   % Version 2
//   % Date 2017-10-31 11:29:21
//   % Height 480                                 (optional, with Width: the sensor size)
//   % Width 640
//   % end                                        (optional)
// then two bytes, the event type (0x00 Event2D or 0x0C EventCD: both the CD events read here) and the
// event size (8), then 8-byte little-endian records:
//   bytes 0–3  timestamp in µs (uint32)
//   bytes 4–7  bits 13–0 x, 27–14 y, 31–28 polarity (0 OFF, 1 ON)
// The same packing is read for every Version line, as Prophesee's own Python loaders do. The 32-bit
// timestamp wraps after about 71 minutes: a wrap is counted when it falls back by more than half its
// range. Without Height/Width the recording gets the size of its events (largest x + 1, largest y + 1).
#include <algorithm>
#include <charconv>
#include <optional>
#include <string>

#include "runtime/data/formats/camera_events.hpp"

namespace eligo {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kRecordSize = 8;
constexpr std::uint8_t kEvent2d = 0x00, kEventCd = 0x0C;

std::uint32_t u32_at(std::string_view bytes, std::size_t at) {
  const auto* b = reinterpret_cast<const unsigned char*>(bytes.data() + at);
  return std::uint32_t{b[0]} | (std::uint32_t{b[1]} << 8) | (std::uint32_t{b[2]} << 16) | (std::uint32_t{b[3]} << 24);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string shown(std::string_view s) {
  std::string r(s.substr(0, 60));
  for (char& c : r) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return s.size() > 60 ? r + "…" : r;
}

}  // namespace

CameraRecording read_prophesee_dat_bytes(std::string_view bytes, const fs::path& name) {
  if (bytes.empty() || bytes.front() != '%') {
    throw EventFileError(name, 0, "no header: a Prophesee DAT file starts with `% ` lines (`% Version 2`, ...)");
  }
  std::size_t pos = 0;
  std::optional<std::uint32_t> width, height;
  while (pos < bytes.size() && bytes[pos] == '%') {
    const std::size_t end = bytes.find('\n', pos);
    if (end == std::string_view::npos) {
      throw EventFileError(name, pos, "header line `" + shown(bytes.substr(pos)) + "` has no end of line");
    }
    const std::string_view line = bytes.substr(pos, end - pos);
    const std::size_t line_at = pos;
    pos = end + 1;
    const std::string_view body = trim(line.substr(1));
    if (body == "end") break;
    const std::size_t space = body.find_first_of(" \t");
    const std::string_view key = body.substr(0, space);
    const std::string_view value = space == std::string_view::npos ? "" : trim(body.substr(space));
    if (key == "Height" || key == "Width") {
      std::uint32_t v = 0;
      const auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
      if (value.empty() || ec != std::errc() || p != value.data() + value.size() || v == 0 || v > (1u << 14)) {
        throw EventFileError(
            name, line_at,
            "header line `" + shown(line) + "`: " + std::string(key) + " is not a whole number from 1 to 16384");
      }
      (key == "Height" ? height : width) = v;
    }
  }
  if (width.has_value() != height.has_value()) {
    throw EventFileError(name, pos, "the header gives only one of Height and Width");
  }
  if (bytes.size() - pos < 2) {
    throw EventFileError(name, pos, "truncated: no event type and size bytes after the header");
  }
  const auto type = static_cast<std::uint8_t>(bytes[pos]);
  const auto size = static_cast<std::uint8_t>(bytes[pos + 1]);
  if (type != kEvent2d && type != kEventCd) {
    throw EventFileError(name, pos, "event type " + std::to_string(type) + " is not a CD event type (0 or 12)");
  }
  if (size != kRecordSize) {
    throw EventFileError(name, pos + 1, "event size " + std::to_string(size) + " is not 8 bytes");
  }
  pos += 2;
  const std::size_t records = (bytes.size() - pos) / kRecordSize;
  if ((bytes.size() - pos) % kRecordSize != 0) {
    throw EventFileError(
        name, pos + records * kRecordSize,
        "truncated record: " + std::to_string((bytes.size() - pos) % kRecordSize) + " trailing bytes, not 8");
  }
  CameraRecording r;
  r.format = "dat";
  r.events.reserve(records);
  const std::uint32_t max_x = width ? *width : (1u << 14), max_y = height ? *height : (1u << 14);
  std::int64_t wraps = 0;
  std::uint32_t previous = 0;
  for (std::size_t i = 0; i < records; ++i) {
    const std::size_t at = pos + i * kRecordSize;
    const std::uint32_t t = u32_at(bytes, at);
    const std::uint32_t packed = u32_at(bytes, at + 4);
    const std::uint32_t x = packed & 0x3FFF, y = (packed >> 14) & 0x3FFF, p = packed >> 28;
    if (x >= max_x || y >= max_y) {
      throw EventFileError(name, at,
                           "event at pixel (" + std::to_string(x) + ", " + std::to_string(y) + ") is outside the " +
                               std::to_string(max_x) + " × " + std::to_string(max_y) + " sensor");
    }
    if (p > 1) throw EventFileError(name, at, "polarity " + std::to_string(p) + " is neither 0 (OFF) nor 1 (ON)");
    if (i > 0 && t < previous && previous - t > (1u << 31)) ++wraps;
    previous = t;
    r.events.push_back({(wraps << 32) + t, static_cast<std::uint16_t>(x), static_cast<std::uint16_t>(y), p == 1});
  }
  if (width) {
    r.width = *width;
    r.height = *height;
  } else {
    size_from_events(r);
  }
  return r;
}

}  // namespace eligo
