#include "runtime/losses/classification_accuracy.hpp"

#include <stdexcept>

namespace eligo {
namespace {

// argmax over readouts of the mean over steps [first, first + window) of a step-major signal; the
// means go to `means` when given.
std::uint32_t argmax_of_window_mean(const std::vector<double>& signal, std::size_t n_out, std::size_t first,
                                    std::size_t window, std::vector<double>* means = nullptr) {
  std::uint32_t best = 0;
  double best_mean = 0.0;
  for (std::size_t k = 0; k < n_out; ++k) {
    double sum = 0.0;
    for (std::size_t m = 0; m < window; ++m) sum += signal[(first + m) * n_out + k];
    const double mean = sum / static_cast<double>(window);
    if (means) means->push_back(mean);
    if (k == 0 || mean > best_mean) {
      best = static_cast<std::uint32_t>(k);
      best_mean = mean;
    }
  }
  return best;
}

}  // namespace

double ClassificationResult::accuracy() const {
  if (label.empty()) return 0.0;
  std::size_t correct = 0;
  for (std::size_t i = 0; i < label.size(); ++i) correct += predicted[i] == label[i];
  return static_cast<double>(correct) / static_cast<double>(label.size());
}

ClassificationResult classify_sequences(const RecordedSignals& signals, std::size_t sequence, std::size_t window) {
  const std::size_t steps = signals.steps();
  if (sequence == 0 || window == 0 || window > sequence || steps % sequence != 0)
    throw std::invalid_argument("classify_sequences: " + std::to_string(steps) + " steps are not whole sequences of " +
                                std::to_string(sequence) + " with a window of " + std::to_string(window));
  ClassificationResult r;
  for (std::size_t first = 0; first < steps; first += sequence) {
    const std::size_t window_first = first + sequence - window;
    std::vector<double>& scores = r.scores.emplace_back();
    r.predicted.push_back(argmax_of_window_mean(signals.readout_signal, signals.n_out, window_first, window, &scores));
    r.label.push_back(argmax_of_window_mean(signals.target_signal, signals.n_out, window_first, window));
  }
  return r;
}

}  // namespace eligo
