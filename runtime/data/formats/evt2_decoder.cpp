// Prophesee EVT 2.0 (docs.prophesee.ai, "EVT 2.0 Format"): one 32-bit little-endian word per record,
// the type in bits 31–28:
//   0x0 CD_OFF, 0x1 CD_ON   bits 27–22 time low (6 bits), 21–11 x, 10–0 y
//   0x8 TIME_HIGH           bits 27–0: bits 33–6 of the µs time
//   0xA EXT_TRIGGER, 0xE OTHERS, 0xF CONTINUED (skipped; so are the types the format leaves unused)
// An event's time is (TIME_HIGH << 6) | time low. Words before the first TIME_HIGH are skipped, as
// OpenEB does: their time is unknown. The 34-bit time wraps after about 4.8 hours; a wrap is counted
// when TIME_HIGH falls back by nearly the whole range (OpenEB's rule, 10 ms of slack).
#include <cstring>
#include <string>

#include "runtime/data/formats/prophesee_raw_decoders.hpp"

namespace eligo::prophesee {
namespace {

constexpr std::uint32_t kCdOff = 0x0, kCdOn = 0x1, kTimeHigh = 0x8;
constexpr std::int64_t kTimeLowBits = 6;
constexpr std::int64_t kMaxTimeHigh = ((std::int64_t{1} << 28) - 1) << kTimeLowBits;
constexpr std::int64_t kTimeLoop = kMaxTimeHigh + (std::int64_t{1} << kTimeLowBits);  // 2^34 µs
constexpr std::int64_t kLoopSlack = 10000;

std::uint32_t word_at(std::string_view bytes, std::size_t at) {
  const auto* b = reinterpret_cast<const unsigned char*>(bytes.data() + at);
  return std::uint32_t{b[0]} | (std::uint32_t{b[1]} << 8) | (std::uint32_t{b[2]} << 16) | (std::uint32_t{b[3]} << 24);
}

}  // namespace

void decode_evt2(const RawData& data, const std::filesystem::path& name, std::vector<CameraEvent>& events) {
  const std::size_t size = data.bytes.size() - data.data_offset;
  const std::size_t words = size / 4;
  if (size % 4 != 0) {
    const std::size_t at = data.data_offset + words * 4;
    throw EventFileError(name, at, "truncated EVT 2.0 word: " + std::to_string(size % 4) + " trailing bytes, not 4");
  }
  events.reserve(events.size() + words);
  bool have_time = false;
  std::int64_t time_high = 0;  // includes the counted wraps
  std::int64_t loops = 0;
  for (std::size_t i = 0; i < words; ++i) {
    const std::size_t at = data.data_offset + i * 4;
    const std::uint32_t w = word_at(data.bytes, at);
    const std::uint32_t type = w >> 28;
    if (type == kTimeHigh) {
      std::int64_t t = (std::int64_t{w & 0x0FFFFFFFu} << kTimeLowBits) + loops * kTimeLoop;
      if (have_time && t < time_high && time_high - t >= kMaxTimeHigh - kLoopSlack) {
        ++loops;
        t += kTimeLoop;
      }
      time_high = t;
      have_time = true;
    } else if ((type == kCdOff || type == kCdOn) && have_time) {
      const std::uint32_t x = (w >> 11) & 0x7FF;
      const std::uint32_t y = w & 0x7FF;
      if (x >= data.max_width || y >= data.max_height) throw_outside(name, at, x, y, data);
      events.push_back({time_high + ((w >> 22) & 0x3F), static_cast<std::uint16_t>(x), static_cast<std::uint16_t>(y),
                        type == kCdOn});
    }
  }
}

}  // namespace eligo::prophesee
