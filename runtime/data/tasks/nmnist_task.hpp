#pragma once
// The N-MNIST classification task of NEST's example (eprop_supervised_classification_neuromorphic_mnist.py):
// each sample's events drive 2 × 34 × 34 inputs (input = polarity · 34² + y · 34 + x), an event at t µs
// spikes at relative step clamp(⌊t / (1000 h)⌋, 1, sequence − 1), and the label is the digit. Samples
// are drawn from a fixed permutation of the split (seeded), cycling when the run needs more samples
// than the split has, as the example's data loader does.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "runtime/data/formats/nmnist_file.hpp"
#include "runtime/data/tasks/sample_sequence.hpp"

namespace eligo {

inline constexpr std::uint32_t kNmnistInputs = 2 * kNmnistSide * kNmnistSide;

class NmnistSamples {
 public:
  // Lists root/<split>/<digit>/*.bin; DataFileError when the folder is missing or holds no sample.
  NmnistSamples(const std::filesystem::path& root, const std::string& split, std::uint64_t seed);

  std::size_t size() const { return files_.size(); }
  // The index-th sample of the permuted split (cycling), read and converted to input spikes.
  LabeledSample sample(std::int64_t index, Step sequence, double resolution_ms) const;

 private:
  std::vector<NmnistSampleFile> files_;
  std::vector<std::uint32_t> order_;
};

}  // namespace eligo
