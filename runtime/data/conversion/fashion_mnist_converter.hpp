#pragma once
// Fashion-MNIST (fashion_mnist.hpp) as an N-MNIST-style folder (event_folder_writer.hpp), recorded by
// the same simulated saccade camera as the MNIST digits:
//   OUT/Train/<class>/<n>.bin, OUT/Test/<class>/<n>.bin, OUT/conversion.json (source files, split)
//
// The split is the data set's own: the training files go to Train, the t10k files to Test. Of each
// class the first train_per_class (test_per_class) images in file order are converted (0: all). The
// events of the i-th Train image of class c come from the random stream (seed, c, i), those of the
// i-th Test image from (seed, 10 + c, i), so a sample does not depend on the limits.
#include <cstddef>
#include <cstdint>
#include <filesystem>

#include "runtime/data/conversion/event_folder_writer.hpp"
#include "runtime/data/formats/fashion_mnist.hpp"

namespace eligo {

struct FashionMnistConversionOptions {
  std::filesystem::path out;
  std::size_t train_per_class = 0;  // 0: all 6,000
  std::size_t test_per_class = 0;   // 0: all 1,000
  std::uint64_t seed = 1;
  SaccadeSensorParams sensor;
  bool overwrite = false;  // replace an earlier conversion in `out` (only Train/, Test/, conversion.json)
};

// Converts the images `set` holds, at most the per-class limits of `options` (read_fashion_mnist can
// apply the same limits while reading, to save memory).
EventConversionSummary convert_fashion_mnist_to_events(const FashionMnist& set,
                                                       const FashionMnistConversionOptions& options,
                                                       const ConversionProgress& progress = {});

}  // namespace eligo
