#include "runtime/data/formats/nmnist_file.hpp"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iterator>

#include "runtime/data/formats/camera_events.hpp"
#include "runtime/data/formats/labelled_folder.hpp"

namespace eligo {
namespace {

namespace fs = std::filesystem;
constexpr std::uint32_t kMaxTime = (1u << 23) - 1;

std::string event_field(std::size_t index) { return "event " + std::to_string(index); }

}  // namespace

std::vector<NmnistEvent> read_nmnist_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw DataFileError(file, "", "cannot open the file");
  const std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() % 5 != 0) {
    throw DataFileError(file, "",
                        "truncated: " + std::to_string(bytes.size()) + " bytes is not a whole number of 5-byte events");
  }
  std::vector<NmnistEvent> events(bytes.size() / 5);
  for (std::size_t i = 0; i < events.size(); ++i) {
    const unsigned char* b = &bytes[i * 5];
    NmnistEvent& e = events[i];
    e.x = b[0];
    e.y = b[1];
    e.on = (b[2] & 0x80) != 0;
    e.time_us = (static_cast<std::uint32_t>(b[2] & 0x7f) << 16) | (static_cast<std::uint32_t>(b[3]) << 8) | b[4];
    if (e.x >= kNmnistSide || e.y >= kNmnistSide) {
      throw DataFileError(file, event_field(i),
                          "pixel (" + std::to_string(e.x) + ", " + std::to_string(e.y) + ") is outside 34 × 34");
    }
    if (i > 0 && e.time_us < events[i - 1].time_us) {
      throw DataFileError(file, event_field(i),
                          "timestamp " + std::to_string(e.time_us) + " µs goes back from " +
                              std::to_string(events[i - 1].time_us) + " µs");
    }
  }
  return events;
}

// The N-MNIST bytes as a CameraRecording, the way the data set's own reader (Orchard's
// Read_Ndataset.m, and tonic after it) reads them: a record with y = 240 is not an event but a
// timestamp overflow that adds 2^13 µs to every later event. (The recordings are about 300 ms, well
// within the 23-bit timestamps, and the sample we checked has none; they are read in case.) Otherwise
// the rules of read_nmnist_file, with byte offsets in the errors.
CameraRecording read_nmnist_bytes(std::string_view bytes, const fs::path& name) {
  constexpr std::size_t kRecord = 5;
  constexpr std::uint8_t kOverflowY = 240;
  constexpr std::int64_t kOverflowStep = std::int64_t{1} << 13;
  const std::size_t records = bytes.size() / kRecord;
  if (bytes.size() % kRecord != 0) {
    throw EventFileError(name, records * kRecord,
                         "truncated record: " + std::to_string(bytes.size() % kRecord) + " trailing bytes, not 5");
  }
  CameraRecording r;
  r.format = "nmnist";
  r.width = r.height = kNmnistSide;
  r.events.reserve(records);
  std::int64_t offset_us = 0;
  for (std::size_t i = 0; i < records; ++i) {
    const auto* b = reinterpret_cast<const unsigned char*>(bytes.data() + i * kRecord);
    if (b[1] == kOverflowY) {
      offset_us += kOverflowStep;
      continue;
    }
    const std::int64_t t =
        offset_us + ((std::int64_t{b[2] & 0x7f} << 16) | (std::int64_t{b[3]} << 8) | std::int64_t{b[4]});
    if (b[0] >= kNmnistSide || b[1] >= kNmnistSide) {
      throw EventFileError(name, i * kRecord,
                           "pixel (" + std::to_string(b[0]) + ", " + std::to_string(b[1]) + ") is outside 34 × 34");
    }
    if (!r.events.empty() && t < r.events.back().t_us) {
      throw EventFileError(
          name, i * kRecord,
          "timestamp " + std::to_string(t) + " µs goes back from " + std::to_string(r.events.back().t_us) + " µs");
    }
    r.events.push_back({t, b[0], b[1], (b[2] & 0x80) != 0});
  }
  return r;
}

void write_nmnist_file(const fs::path& file, const std::vector<NmnistEvent>& events) {
  std::vector<unsigned char> bytes;
  bytes.reserve(events.size() * 5);
  for (std::size_t i = 0; i < events.size(); ++i) {
    const NmnistEvent& e = events[i];
    if (e.x >= kNmnistSide || e.y >= kNmnistSide || e.time_us > kMaxTime ||
        (i > 0 && e.time_us < events[i - 1].time_us)) {
      throw DataFileError(file, event_field(i), "not a valid N-MNIST event (34 × 34, 23-bit µs, ascending)");
    }
    bytes.push_back(e.x);
    bytes.push_back(e.y);
    bytes.push_back(static_cast<unsigned char>((e.on ? 0x80 : 0) | ((e.time_us >> 16) & 0x7f)));
    bytes.push_back(static_cast<unsigned char>((e.time_us >> 8) & 0xff));
    bytes.push_back(static_cast<unsigned char>(e.time_us & 0xff));
  }
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw DataFileError(file, "", "cannot write the file");
}

std::vector<NmnistSampleFile> list_nmnist_split(const fs::path& root, const std::string& split) {
  return list_labelled_split(root, split, LabelledFolderLayout{});
}

}  // namespace eligo
