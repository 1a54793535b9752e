// Fuzz target (tests/fuzz/fuzz_target.hpp): arbitrary bytes as an AEDAT 4 file (runtime/data/formats/aedat4_file.cpp).
// An EventFileError is a correct answer; a crash, a hang, another exception or a sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "runtime/data/formats/camera_events.hpp"
#include "tests/fuzz/fuzz_target.hpp"

ELIGO_FUZZ_TARGET(aedat4) {
  try {
    eligo::read_aedat4_bytes(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.aedat4");
  } catch (const eligo::EventFileError&) {
  }
}
