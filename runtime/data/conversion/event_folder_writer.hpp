#pragma once
// Writes images as simulated saccade recordings into an N-MNIST-style folder:
//   OUT/Train/<class>/<n>.bin, OUT/Test/<class>/<n>.bin   (n = 00001, 00002, ... per folder)
//   OUT/conversion.json                                   (what the caller says, then sensor, counts; last)
// so the N-MNIST reader (nmnist_file.hpp) serves converted and real N-MNIST alike. The image sources
// (mnist_events_converter.hpp, fashion_mnist_converter.hpp) decide which image goes where; this file
// does the simulation, the numbering, the safe writing and the manifest for all of them.
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <vector>

#include "runtime/data/conversion/saccade_events.hpp"
#include "runtime/data/formats/mnist_digits.hpp"

namespace eligo {

// One output sample: its image, where it goes, and the random stream of its pixel mismatch,
// CounterRng(seed, stream, index). The source picks stream and index so that a sample does not
// depend on which other samples are converted.
struct EventSampleSpec {
  const MnistImage* image = nullptr;
  std::size_t label = 0;  // 0..9: the class folder
  bool test = false;      // Test/ rather than Train/
  std::uint64_t stream = 0;
  std::uint64_t index = 0;
};

struct EventFolderOptions {
  std::filesystem::path out;
  std::uint64_t seed = 1;
  SaccadeSensorParams sensor;
  bool overwrite = false;  // replace an earlier conversion in `out` (only Train/, Test/, conversion.json)
};

struct EventConversionSummary {
  std::array<std::size_t, 10> train{}, test{};  // samples per class
  std::uint64_t events = 0;
  std::size_t samples = 0;
  double seconds = 0.0;
  double mean_events() const { return samples ? static_cast<double>(events) / static_cast<double>(samples) : 0.0; }
};

// Called after each written sample with (samples done, samples in total).
using ConversionProgress = std::function<void(std::size_t done, std::size_t total)>;

// Converts and writes the samples in the given order (files are numbered in that order within each
// folder). Each .bin is written to a temporary name and renamed, so an interrupted run leaves no
// truncated sample; conversion.json appears only when all samples exist. `manifest` holds the
// source's fields (format, source, seed, split); sensor, samples, events and mean events per sample
// are appended. Errors (unusable sensor parameters, an output folder that exists or cannot be
// written) name the parameter or path.
EventConversionSummary write_event_folders(const std::vector<EventSampleSpec>& samples,
                                           const EventFolderOptions& options, nlohmann::ordered_json manifest,
                                           const ConversionProgress& progress = {});

}  // namespace eligo
