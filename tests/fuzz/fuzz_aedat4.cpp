// libFuzzer target: arbitrary bytes as an AEDAT 4 file (runtime/data/formats/aedat4_file.cpp). An
// EventFileError is a correct answer; a crash, a hang, another exception or a sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "runtime/data/formats/camera_events.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    eligo::read_aedat4_bytes(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.aedat4");
  } catch (const eligo::EventFileError&) {
  }
  return 0;
}
