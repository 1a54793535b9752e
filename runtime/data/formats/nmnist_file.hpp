#pragma once
// The N-MNIST binary event format (Orchard et al. 2015): 5 bytes per event, big-endian bit fields
//   bits 39–32 x, 31–24 y, bit 23 polarity (1 = ON), bits 22–0 timestamp in µs,
// one file per sample, in folders Train/<digit>/*.bin and Test/<digit>/*.bin.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "runtime/core/file_field_error.hpp"

namespace eligo {

struct NmnistEvent {
  std::uint8_t x = 0;
  std::uint8_t y = 0;
  bool on = false;            // polarity
  std::uint32_t time_us = 0;  // 23 bits
  bool operator==(const NmnistEvent&) const = default;
};

struct NmnistSampleFile {
  std::filesystem::path path;
  int label = 0;  // the digit folder
};

class DataFileError : public FileFieldError {
 public:
  using FileFieldError::FileFieldError;
};

inline constexpr int kNmnistSide = 34;  // the sensor's field of view is 34 × 34 pixels

// Reads one sample. Errors name the file and the event: a length that is not a multiple of 5 bytes
// (truncated), a coordinate outside 34 × 34, a timestamp earlier than the previous one.
std::vector<NmnistEvent> read_nmnist_file(const std::filesystem::path& file);

// Writes one sample in the same format (events must satisfy the rules the reader checks).
void write_nmnist_file(const std::filesystem::path& file, const std::vector<NmnistEvent>& events);

// The samples of one split ("Train" or "Test") under root, ordered by digit, then file name.
std::vector<NmnistSampleFile> list_nmnist_split(const std::filesystem::path& root, const std::string& split);

}  // namespace eligo
