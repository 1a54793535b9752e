// Fuzz target (tests/fuzz/fuzz_target.hpp): arbitrary bytes as an N-MNIST .bin file, through both readers
// (runtime/data/formats/nmnist_file.cpp): read_nmnist_bytes, which eligo reads samples with, and the
// file reader read_nmnist_file. An EventFileError or DataFileError is a correct answer; a crash, another
// exception, an event outside the 34 × 34 sensor or out of time order is a bug.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>
#include <string_view>

#include "runtime/data/formats/camera_events.hpp"
#include "runtime/data/formats/nmnist_file.hpp"
#include "tests/fuzz/fuzz_target.hpp"

ELIGO_FUZZ_TARGET(nmnist) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    const eligo::CameraRecording r = eligo::read_nmnist_bytes(bytes, "fuzz.bin");
    for (std::size_t i = 0; i < r.events.size(); ++i) {
      eligo::fuzz::expect(r.events[i].x < r.width && r.events[i].y < r.height, "every event inside the sensor");
      eligo::fuzz::expect(i == 0 || r.events[i - 1].t_us <= r.events[i].t_us, "events in time order");
    }
  } catch (const eligo::EventFileError&) {
  }
  static const std::string file = "/dev/shm/eligo_fuzz_nmnist_" + std::to_string(getpid()) + ".bin";
  std::ofstream(file, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(size));
  try {
    const std::vector<eligo::NmnistEvent> events = eligo::read_nmnist_file(file);
    for (const eligo::NmnistEvent& e : events)
      eligo::fuzz::expect(e.x < eligo::kNmnistSide && e.y < eligo::kNmnistSide, "every event inside 34 × 34");
  } catch (const eligo::DataFileError&) {
  }
}
