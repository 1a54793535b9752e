// Fuzz target (tests/fuzz/fuzz_target.hpp): arbitrary bytes as an IDX file, plain or gzipped
// (runtime/data/formats/idx_file.cpp), then paired as images or labels with a made-up partner of the right size. An
// IdxFileError is a correct answer; a crash, a hang, another exception or a sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "runtime/data/formats/idx_file.hpp"
#include "tests/fuzz/fuzz_target.hpp"

ELIGO_FUZZ_TARGET(idx_file) {
  try {
    const eligo::IdxArray a = eligo::parse_idx(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.gz");
    if (a.dims.size() == 3) {
      const eligo::IdxArray labels{{a.dims[0]}, std::vector<std::uint8_t>(a.dims[0], 3), false};
      eligo::pair_idx_images(a, "images", labels, "labels", 2);
    } else if (a.dims.size() == 1 && a.dims[0] <= 4096) {  // labels: the images it pairs with are blank
      const eligo::IdxArray images{
          {a.dims[0], 28, 28}, std::vector<std::uint8_t>(a.dims[0] * eligo::kMnistPixels), false};
      eligo::pair_idx_images(images, "images", a, "labels");
    }
  } catch (const eligo::IdxFileError&) {
  }
}
