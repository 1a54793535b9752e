#pragma once
// The whole conversion of MNIST digits into an N-MNIST-style folder:
//   OUT/Train/<digit>/<n>.bin, OUT/Test/<digit>/<n>.bin   (n = 00001, 00002, ... per folder)
//   OUT/conversion.json                                   (parameters, counts, source; written last)
// so the N-MNIST reader (nmnist_file.hpp) serves converted and real N-MNIST alike.
//
// The split is a fixed rule, not a random draw: of the first per_digit images of each class (package
// order), the last round(per_digit × test_fraction) go to Test (at least one when test_fraction > 0
// and a class has two images or more) and the others to Train. The events of
// image i of digit d come from the random stream (seed, d, i), so a sample does not depend on
// --per-digit or on which other samples were converted.
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>

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

struct MnistConversionSummary {
  std::array<std::size_t, 10> train{}, test{};  // samples per digit
  std::uint64_t events = 0;
  std::size_t samples = 0;
  double seconds = 0.0;
  double mean_events() const { return samples ? static_cast<double>(events) / static_cast<double>(samples) : 0.0; }
};

// Called after each written sample with (samples done, samples in total).
using ConversionProgress = std::function<void(std::size_t done, std::size_t total)>;

// Converts and writes everything. Each .bin is written to a temporary name and renamed, so an
// interrupted run leaves no truncated sample; conversion.json appears only when all samples exist.
// Errors (unusable options, an output folder that exists or cannot be written) name the option or path.
MnistConversionSummary convert_mnist_to_events(const MnistDigits& digits, const MnistConversionOptions& options,
                                               const ConversionProgress& progress = {});

}  // namespace eligo
