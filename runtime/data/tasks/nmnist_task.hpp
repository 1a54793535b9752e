#pragma once
// The N-MNIST classification task of NEST's example (eprop_supervised_classification_neuromorphic_mnist.py):
// each sample's events drive 2 × 34 × 34 inputs (input = polarity · 34² + y · 34 + x), an event at t µs
// spikes at relative step clamp(⌊t / (1000 h)⌋, 1, sequence − 1), and the label is the digit. Samples
// come from a labelled folder (runtime/data/sources/labelled_folder_source.hpp) in a fixed order of the
// split (shuffled with the seed, or sorted), cycling when the run needs more samples than the split
// has, as the example's data loader does.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "runtime/data/formats/labelled_folder.hpp"
#include "runtime/data/formats/nmnist_file.hpp"
#include "runtime/data/sources/labelled_folder_source.hpp"

namespace eligo {

inline constexpr std::uint32_t kNmnistInputs = 2 * kNmnistSide * kNmnistSide;

class NmnistSplit {
 public:
  // Lists root/<split>/<digit>/*.bin (or the files `layout` names: an event folder of any format);
  // DataFileError when the folder is missing or holds no sample.
  NmnistSplit(const std::filesystem::path& root, const std::string& split, SampleOrder order, std::uint64_t seed,
              const LabelledFolderLayout& layout = {});

  std::size_t size() const { return files_->size(); }
  const NmnistSampleFile& file(std::int64_t index) const {
    return (*files_)[static_cast<std::size_t>(index) % files_->size()];
  }
  // Opens a source at the split's first sample (in the run's order); each caller gets its own.
  DataSourceFactory source(Step sequence, double resolution_ms, EventFileReader reader = read_nmnist_recording,
                           const SensorMapping& sensor = SensorMapping::identity(kNmnistSide, kNmnistSide)) const;

 private:
  std::shared_ptr<const std::vector<NmnistSampleFile>> files_;
};

}  // namespace eligo
