#pragma once
// Accuracy as NEST's classification examples evaluate it (docs/numerics.md §15): for each sequence, the predicted
// class is the readout with the largest mean signal over the sequence's last `window` steps, the true
// class the one with the largest mean target there (numpy's argmax: the first of equal maxima).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "runtime/losses/regression_loss.hpp"

namespace eligo {

struct ClassificationResult {
  std::vector<std::uint32_t> predicted, label;  // one per sequence
  std::vector<std::vector<double>> scores;      // per sequence, each readout's mean over the window
  double accuracy() const;
};

// `signals` holds whole sequences of `sequence` steps each.
ClassificationResult classify_sequences(const RecordedSignals& signals, std::size_t sequence, std::size_t window);

}  // namespace eligo
