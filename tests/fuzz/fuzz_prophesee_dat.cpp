// libFuzzer target: the Prophesee DAT reader on arbitrary bytes. Every input
// must give a recording or an EventFileError; anything else (a crash, a sanitizer report, another
// exception) is a finding.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "runtime/data/formats/camera_events.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const eligo::CameraRecording r =
        eligo::read_prophesee_dat_bytes(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.dat");
    for (const eligo::CameraEvent& e : r.events) {
      if (e.x >= r.width || e.y >= r.height) __builtin_trap();  // the recording's promise
    }
  } catch (const eligo::EventFileError&) {
  }
  return 0;
}
