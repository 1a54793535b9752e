// Prophesee EVT 3.0 (docs.prophesee.ai, "EVT 3.0 Format"): 16-bit little-endian words, the type in
// bits 15–12, a state machine that sends only what changes:
//   0x0 EVT_ADDR_Y     bits 10–0 y (bit 11: system type); the row of the events that follow
//   0x2 EVT_ADDR_X     bit 11 polarity, 10–0 x: one event at (x, y)
//   0x3 VECT_BASE_X    bit 11 polarity, 10–0 x: the first column of the vectors that follow
//   0x4 VECT_12        bits 11–0: an event at base_x + i for each set bit i; then base_x += 12
//   0x5 VECT_8         bits 7–0: likewise; then base_x += 8
//   0x6 EVT_TIME_LOW   bits 11–0: the low 12 bits of the µs time
//   0x8 EVT_TIME_HIGH  bits 11–0: the next 12 bits (time = TIME_HIGH << 12 | TIME_LOW, 24 bits)
//   0x7 CONTINUED_4, 0xA EXT_TRIGGER, 0xE OTHERS, 0xF CONTINUED_12 and the unused types: skipped
// Following OpenEB: words before the first TIME_HIGH are skipped; a new TIME_HIGH value resets
// TIME_LOW to 0 until the next TIME_LOW; the 24-bit time wraps (every 16.8 s) and a wrap is counted
// when TIME_HIGH goes back by at least half its range (2,048), never when TIME_LOW decreases; events
// before the first EVT_ADDR_Y, and vectors before the first VECT_BASE_X, are skipped (no row or
// column yet); type 0x1 (a row of non-CD events) makes the following events non-CD until the next
// EVT_ADDR_Y, and they are skipped.
#include <string>

#include "runtime/data/formats/prophesee_raw_decoders.hpp"

namespace eligo::prophesee {
namespace {

enum Type : std::uint16_t {
  kAddrY = 0x0,
  kAddrYOther = 0x1,
  kAddrX = 0x2,
  kVectBaseX = 0x3,
  kVect12 = 0x4,
  kVect8 = 0x5,
  kTimeLow = 0x6,
  kTimeHigh = 0x8,
};

constexpr std::uint32_t kHalfTimeHigh = 1u << 11;

std::uint16_t word_at(std::string_view bytes, std::size_t at) {
  const auto* b = reinterpret_cast<const unsigned char*>(bytes.data() + at);
  return static_cast<std::uint16_t>(b[0] | (b[1] << 8));
}

}  // namespace

void decode_evt3(const RawData& data, const std::filesystem::path& name, std::vector<CameraEvent>& events) {
  const std::size_t size = data.bytes.size() - data.data_offset;
  const std::size_t words = size / 2;
  if (size % 2 != 0) {
    throw EventFileError(name, data.data_offset + words * 2, "truncated EVT 3.0 word: 1 trailing byte, not 2");
  }
  events.reserve(events.size() + words);
  bool have_time = false, have_row = false, have_base = false, row_is_cd = false;
  std::uint32_t time_high = 0, time_low = 0;
  std::int64_t loops = 0;
  std::uint32_t y = 0, base_x = 0;
  bool base_on = false;
  const auto time = [&] { return (loops << 24) | std::int64_t{time_high << 12} | time_low; };
  const auto emit = [&](std::size_t at, std::uint32_t x, bool on) {
    if (x >= data.max_width || y >= data.max_height) throw_outside(name, at, x, y, data);
    events.push_back({time(), static_cast<std::uint16_t>(x), static_cast<std::uint16_t>(y), on});
  };
  for (std::size_t i = 0; i < words; ++i) {
    const std::size_t at = data.data_offset + i * 2;
    const std::uint16_t w = word_at(data.bytes, at);
    const std::uint16_t type = w >> 12;
    const std::uint32_t content = w & 0xFFF;
    if (type == kTimeHigh) {
      if (have_time) {
        if (time_high >= content + kHalfTimeHigh) ++loops;
        if (content != time_high) time_low = 0;
      }
      time_high = content;
      have_time = true;
      continue;
    }
    if (!have_time) continue;
    switch (type) {
      case kAddrY:
        y = content & 0x7FF;
        have_row = row_is_cd = true;
        break;
      case kAddrYOther:
        row_is_cd = false;
        break;
      case kAddrX:
        if (have_row && row_is_cd) emit(at, content & 0x7FF, (content & 0x800) != 0);
        break;
      case kVectBaseX:
        base_x = content & 0x7FF;
        base_on = (content & 0x800) != 0;
        have_base = true;
        break;
      case kVect12:
      case kVect8: {
        if (!have_base) break;
        const std::uint32_t bits = type == kVect12 ? 12 : 8;
        if (have_row && row_is_cd) {
          for (std::uint32_t b = 0; b < bits; ++b) {
            if ((content >> b) & 1u) emit(at, base_x + b, base_on);
          }
        }
        // base_x stays small: a run of vectors past the last column emits nothing and stops growing.
        if (base_x < data.max_width) base_x += bits;
        break;
      }
      case kTimeLow:
        time_low = content;
        break;
      default:
        break;  // CONTINUED_4, EXT_TRIGGER, OTHERS, CONTINUED_12, unused types
    }
  }
}

}  // namespace eligo::prophesee
