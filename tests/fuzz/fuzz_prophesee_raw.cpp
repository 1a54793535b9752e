// Fuzz target (tests/fuzz/fuzz_target.hpp): the Prophesee RAW reader (EVT 2.0 and EVT 3.0) on arbitrary bytes. Every
// input must give a recording or an EventFileError; anything else (a crash, a sanitizer report, another exception) is a
// finding.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "runtime/data/formats/camera_events.hpp"
#include "tests/fuzz/fuzz_target.hpp"

ELIGO_FUZZ_TARGET(prophesee_raw) {
  try {
    const eligo::CameraRecording r =
        eligo::read_prophesee_raw_bytes(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.raw");
    for (const eligo::CameraEvent& e : r.events) {
      eligo::fuzz::expect(e.x < r.width && e.y < r.height, "every event inside the sensor");
    }
  } catch (const eligo::EventFileError&) {
  }
}
