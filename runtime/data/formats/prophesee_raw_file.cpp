// Prophesee RAW files (what Metavision / OpenEB record): ASCII header lines that start with '%',
//   % Date 2020-09-25 07:48:29
//   % evt 3.0                                   (older files: the encoding)
//   % format EVT3;height=720;width=1280         (newer files: encoding and sensor size)
//   % geometry 1280x720
//   % plugin_name hal_plugin_gen41_evk3
//   % end                                       (optional: the header's last line)
// then the binary event data in the named encoding (evt2_decoder.cpp, evt3_decoder.cpp).
//
// The sensor size comes from `format`'s width/height, else `geometry`, else `width`/`height` lines,
// else the camera plugin named by `plugin_name` (OpenEB's table of Prophesee cameras, as OpenEB does
// for old files). A file that says none of these gets the size of the events it holds (largest x + 1,
// largest y + 1), and its events are checked only against the encoding's 2,048 × 2,048 address range.
#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <string>

#include "runtime/data/formats/camera_events.hpp"
#include "runtime/data/formats/prophesee_raw_decoders.hpp"

namespace eligo {
namespace {

namespace fs = std::filesystem;
using prophesee::RawData;

constexpr std::uint32_t kAddressRange = 2048;  // both encodings address up to 2048 × 2048 pixels

struct Geometry {
  std::uint32_t width = 0, height = 0;
};

// Camera plugins of OpenEB's RAW-file table and their sensors.
struct PluginSensor {
  std::string_view plugin;
  Geometry size;
};
constexpr std::array<PluginSensor, 8> kPluginSensors{{
    {"hal_plugin_gen3_fx3", {640, 480}},
    {"hal_plugin_gen31_fx3", {640, 480}},
    {"hal_plugin_gen31_evk2", {640, 480}},
    {"hal_plugin_gen31_evk3", {640, 480}},
    {"hal_plugin_gen4_fx3", {1280, 720}},
    {"hal_plugin_gen4_evk2", {1280, 720}},
    {"hal_plugin_gen41_evk2", {1280, 720}},
    {"hal_plugin_gen41_evk3", {1280, 720}},
}};

struct RawHeader {
  std::string encoding;  // "evt2" or "evt3"
  std::optional<Geometry> size;
  std::size_t data_offset = 0;
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string r(s);
  std::transform(r.begin(), r.end(), r.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return r;
}

// Printable for an error message: at most 60 characters, control bytes as '?'.
std::string shown(std::string_view s) {
  std::string r(s.substr(0, 60));
  for (char& c : r) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return s.size() > 60 ? r + "…" : r;
}

class HeaderParser {
 public:
  HeaderParser(std::string_view bytes, const fs::path& name) : bytes_(bytes), name_(name) {}

  RawHeader parse() {
    if (bytes_.empty() || bytes_.front() != '%') {
      throw EventFileError(name_, 0, "no header: a Prophesee RAW file starts with `% ` lines (`% evt 3.0`, ...)");
    }
    std::size_t pos = 0;
    std::optional<Geometry> from_format, from_geometry, from_plugin;
    std::optional<std::uint32_t> width_line, height_line;
    while (pos < bytes_.size() && bytes_[pos] == '%') {
      const std::size_t end = bytes_.find('\n', pos);
      if (end == std::string_view::npos) {
        throw EventFileError(name_, pos, "header line `" + shown(bytes_.substr(pos)) + "` has no end of line");
      }
      line_at_ = pos;
      line_ = bytes_.substr(pos, end - pos);
      pos = end + 1;
      const std::string_view body = trim(line_.substr(1));
      if (body == "end") break;
      const std::size_t space = body.find_first_of(" \t");
      const std::string_view key = body.substr(0, space);
      const std::string_view value = space == std::string_view::npos ? "" : trim(body.substr(space));
      if (key == "evt") {
        if (value == "2.0") {
          set_encoding("evt2");
        } else if (value == "3.0") {
          set_encoding("evt3");
        } else {
          fail("encoding `evt " + shown(value) + "` is not supported (EVT 2.0 and EVT 3.0 are)");
        }
      } else if (key == "format") {
        from_format = parse_format(value);
      } else if (key == "geometry") {
        from_geometry = parse_geometry(value);
      } else if (key == "width") {
        width_line = number(value, "width");
      } else if (key == "height") {
        height_line = number(value, "height");
      } else if (key == "plugin_name") {
        for (const PluginSensor& p : kPluginSensors) {
          if (p.plugin == value) from_plugin = p.size;
        }
      }
    }
    RawHeader h;
    h.data_offset = pos;
    if (format_encoding_.empty() && evt_encoding_.empty()) {
      throw EventFileError(name_, pos,
                           "the header names no event encoding (`% evt 2.0`, `% evt 3.0` or `% format EVT2`/`EVT3`)");
    }
    // `format` is the newer and more precise line; an `evt` line that disagrees with it is an error.
    if (!format_encoding_.empty() && !evt_encoding_.empty() && format_encoding_ != evt_encoding_) {
      throw EventFileError(
          name_, pos, "the header names two encodings: `format` " + format_encoding_ + " and `evt` " + evt_encoding_);
    }
    h.encoding = format_encoding_.empty() ? evt_encoding_ : format_encoding_;
    if (from_format) {
      h.size = from_format;
    } else if (from_geometry) {
      h.size = from_geometry;
    } else if (width_line && height_line) {
      h.size = Geometry{*width_line, *height_line};
    } else {
      h.size = from_plugin;
    }
    if (h.size && (h.size->width == 0 || h.size->height == 0 || h.size->width > kAddressRange ||
                   h.size->height > kAddressRange)) {
      throw EventFileError(name_, pos,
                           "sensor size " + std::to_string(h.size->width) + " × " + std::to_string(h.size->height) +
                               " is outside 1–2048 pixels a side");
    }
    return h;
  }

 private:
  [[noreturn]] void fail(const std::string& problem) const {
    throw EventFileError(name_, line_at_, "header line `" + shown(line_) + "`: " + problem);
  }

  void set_encoding(const std::string& e) { evt_encoding_ = e; }

  std::uint32_t number(std::string_view s, const char* what) const {
    std::uint32_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size()) {
      fail(std::string(what) + " `" + shown(s) + "` is not a whole number");
    }
    return v;
  }

  // "EVT3;height=720;width=1280"
  std::optional<Geometry> parse_format(std::string_view value) {
    const std::size_t semi = value.find(';');
    const std::string encoding = lower(trim(value.substr(0, semi)));
    if (encoding != "evt2" && encoding != "evt3") {
      fail("encoding `" + shown(value.substr(0, semi)) + "` is not supported (EVT2 and EVT3 are)");
    }
    format_encoding_ = encoding;
    std::optional<std::uint32_t> width, height;
    std::string_view rest = semi == std::string_view::npos ? "" : value.substr(semi + 1);
    while (!rest.empty()) {
      const std::size_t next = rest.find(';');
      const std::string_view item = trim(rest.substr(0, next));
      rest = next == std::string_view::npos ? "" : rest.substr(next + 1);
      const std::size_t eq = item.find('=');
      if (eq == std::string_view::npos) continue;
      const std::string_view k = trim(item.substr(0, eq)), v = trim(item.substr(eq + 1));
      if (k == "width") width = number(v, "width");
      if (k == "height") height = number(v, "height");
    }
    if (width.has_value() != height.has_value()) fail("gives only one of width and height");
    if (!width) return std::nullopt;
    return Geometry{*width, *height};
  }

  // "1280x720"
  Geometry parse_geometry(std::string_view value) const {
    const std::size_t x = value.find('x');
    if (x == std::string_view::npos) fail("geometry is not WIDTHxHEIGHT");
    return Geometry{number(trim(value.substr(0, x)), "width"), number(trim(value.substr(x + 1)), "height")};
  }

  std::string_view bytes_;
  const fs::path& name_;
  std::size_t line_at_ = 0;
  std::string_view line_;
  std::string evt_encoding_, format_encoding_;
};

}  // namespace

namespace prophesee {

void throw_outside(const fs::path& name, std::uint64_t offset, std::uint32_t x, std::uint32_t y, const RawData& data) {
  throw EventFileError(name, offset,
                       "event at pixel (" + std::to_string(x) + ", " + std::to_string(y) + ") is outside the " +
                           std::to_string(data.max_width) + " × " + std::to_string(data.max_height) + " sensor");
}

}  // namespace prophesee

CameraRecording read_prophesee_raw_bytes(std::string_view bytes, const fs::path& name) {
  const RawHeader header = HeaderParser(bytes, name).parse();
  RawData data;
  data.bytes = bytes;
  data.data_offset = header.data_offset;
  data.max_width = header.size ? header.size->width : kAddressRange;
  data.max_height = header.size ? header.size->height : kAddressRange;
  CameraRecording r;
  r.format = header.encoding;
  if (header.encoding == "evt2") {
    prophesee::decode_evt2(data, name, r.events);
  } else {
    prophesee::decode_evt3(data, name, r.events);
  }
  if (header.size) {
    r.width = header.size->width;
    r.height = header.size->height;
  } else {
    size_from_events(r);
  }
  return r;
}

}  // namespace eligo
