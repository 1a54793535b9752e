#pragma once
// What every event-camera file format reads into: one recording of a sensor's events, time-ordered as
// the file gives them, with the sensor's size. The readers of the formats (N-MNIST, AEDAT 4, Prophesee
// RAW EVT 2.0 / EVT 3.0, Prophesee DAT) each fill one CameraRecording, and read_event_file picks the
// reader by the file's extension and first bytes.
//
// Every reader takes the file's bytes (so that fuzzers and tests drive it without a file system) and
// the file's name for its errors. Errors name the file and the byte offset where the problem starts:
//   "<file>: byte <offset>: <problem>"
// and no input, however damaged, crashes a reader or makes it allocate more than the bytes justify.
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace eligo {

struct CameraEvent {
  std::int64_t t_us = 0;  // as the file gives it (absolute times stay absolute)
  std::uint16_t x = 0;
  std::uint16_t y = 0;
  bool on = false;  // polarity: true = ON (brighter)
  bool operator==(const CameraEvent&) const = default;
};

struct CameraRecording {
  std::string format;        // "nmnist", "aedat4", "evt2", "evt3", "dat"
  std::uint32_t width = 0;   // sensor size in pixels; every event has x < width and y < height
  std::uint32_t height = 0;  // (0 when the file does not say and no event was read)
  std::vector<CameraEvent> events;
};

class EventFileError : public std::runtime_error {
 public:
  EventFileError(const std::filesystem::path& file, std::uint64_t byte_offset, const std::string& problem)
      : std::runtime_error(file.string() + ": byte " + std::to_string(byte_offset) + ": " + problem),
        offset_(byte_offset) {}
  std::uint64_t offset() const { return offset_; }

 private:
  std::uint64_t offset_;
};

// For a file that does not give its sensor size: the smallest sensor that holds every event
// (width and height stay 0 when there are no events).
void size_from_events(CameraRecording& recording);

// The whole file into memory; an EventFileError (byte 0) when it cannot be read.
std::string read_file_bytes(const std::filesystem::path& file);

// Picks the reader by extension (.bin N-MNIST, .aedat4, .raw, .dat) and reads the file.
CameraRecording read_event_file(const std::filesystem::path& file);

// The readers, one per format (runtime/data/formats/<format>_file.cpp).
CameraRecording read_nmnist_bytes(std::string_view bytes, const std::filesystem::path& name);
CameraRecording read_aedat4_bytes(std::string_view bytes, const std::filesystem::path& name);
CameraRecording read_prophesee_raw_bytes(std::string_view bytes, const std::filesystem::path& name);  // EVT 2.0/3.0
CameraRecording read_prophesee_dat_bytes(std::string_view bytes, const std::filesystem::path& name);

}  // namespace eligo
