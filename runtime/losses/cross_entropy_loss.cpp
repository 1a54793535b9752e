#include "runtime/losses/cross_entropy_loss.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace eligo {

std::vector<double> cross_entropy_loss(const RecordedSignals& s, std::size_t n_iter, std::size_t group_size,
                                       std::size_t window) {
  const std::size_t per_iteration = group_size * window;
  if (s.steps() != n_iter * per_iteration || s.target_signal.size() != s.readout_signal.size()) {
    throw std::invalid_argument("cross_entropy_loss: " + std::to_string(s.steps()) + " recorded steps, expected " +
                                std::to_string(n_iter * per_iteration));
  }
  std::vector<double> summed(per_iteration);
  std::vector<double> loss(n_iter);
  for (std::size_t i = 0; i < n_iter; ++i) {
    for (std::size_t m = 0; m < per_iteration; ++m) {
      const std::size_t row = (i * per_iteration + m) * s.n_out;
      double acc = s.target_signal[row] * std::log(s.readout_signal[row]);
      for (std::size_t k = 1; k < s.n_out; ++k) acc += s.target_signal[row + k] * std::log(s.readout_signal[row + k]);
      summed[m] = acc;
    }
    loss[i] = -(numpy_pairwise_sum(summed.data(), per_iteration) / static_cast<double>(per_iteration));
  }
  return loss;
}

RecordedSignals sequence_window(const RecordedSignals& s, std::size_t sequence, std::size_t first, std::size_t last) {
  RecordedSignals out;
  out.n_out = s.n_out;
  for (std::size_t step = 0; step < s.steps(); ++step) {
    const std::size_t m = step % sequence;
    if (m < first || m > last) continue;
    const auto row = static_cast<std::ptrdiff_t>(step * s.n_out);
    const auto n = static_cast<std::ptrdiff_t>(s.n_out);
    out.readout_signal.insert(out.readout_signal.end(), s.readout_signal.begin() + row,
                              s.readout_signal.begin() + row + n);
    out.target_signal.insert(out.target_signal.end(), s.target_signal.begin() + row, s.target_signal.begin() + row + n);
  }
  return out;
}

std::vector<double> sequence_loss(const RecordedSignals& signals, std::size_t n_iter, std::size_t group_size,
                                  std::size_t sequence, ReadoutLoss function, std::int64_t first, std::int64_t last) {
  const auto end = last < 0 ? sequence - 1 : static_cast<std::size_t>(last);
  const auto begin = static_cast<std::size_t>(first);
  const bool whole = begin == 0 && end == sequence - 1;
  const RecordedSignals window = whole ? RecordedSignals{} : sequence_window(signals, sequence, begin, end);
  const RecordedSignals& s = whole ? signals : window;
  const std::size_t length = end - begin + 1;
  return function == ReadoutLoss::cross_entropy ? cross_entropy_loss(s, n_iter, group_size, length)
                                                : regression_loss(s, n_iter, group_size, length);
}

}  // namespace eligo
