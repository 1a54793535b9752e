#pragma once
// The two event encodings of Prophesee RAW files, behind read_prophesee_raw_bytes
// (prophesee_raw_file.cpp reads the `% ` header and calls one of them on the binary data).
//
// Both decoders follow Prophesee's own decoder (OpenEB, hal/cpp/include/metavision/hal/decoders) on
// what the format leaves open: words before the first TIME_HIGH are skipped (their time is unknown),
// trigger and other non-CD words are skipped, and time wraps are counted when TIME_HIGH goes back by
// at least half its range. They differ from it in one point: an event outside the sensor is an error
// naming its byte offset, not silently dropped, so that a damaged file does not pass for a good one
// (the real recordings we checked hold no such event).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

#include "runtime/data/formats/camera_events.hpp"

namespace eligo::prophesee {

// Where the binary data starts in the file, and the bounds every event must keep (x < width,
// y < height). When the header gives no sensor size the bounds are the encoding's own address range.
struct RawData {
  std::string_view bytes;        // the whole file
  std::size_t data_offset = 0;   // first byte after the header
  std::uint32_t max_width = 0;   // x bound
  std::uint32_t max_height = 0;  // y bound
};

// EVT 2.0: 32-bit little-endian words. Appends the CD events to `events`.
void decode_evt2(const RawData& data, const std::filesystem::path& name, std::vector<CameraEvent>& events);

// EVT 3.0: 16-bit little-endian words with vectorized events. Appends the CD events to `events`.
void decode_evt3(const RawData& data, const std::filesystem::path& name, std::vector<CameraEvent>& events);

// The error for an event outside the bounds (shared wording for both encodings).
[[noreturn]] void throw_outside(const std::filesystem::path& name, std::uint64_t offset, std::uint32_t x,
                                std::uint32_t y, const RawData& data);

}  // namespace eligo::prophesee
