#include "runtime/losses/regression_loss.hpp"

#include <stdexcept>

namespace eligo {

double numpy_pairwise_sum(const double* a, std::size_t n) {
  constexpr std::size_t kBlock = 128;  // numpy's PW_BLOCKSIZE
  if (n < 8) {
    double res = 0.0;
    for (std::size_t i = 0; i < n; ++i) res += a[i];
    return res;
  }
  if (n <= kBlock) {
    double r[8];
    for (std::size_t j = 0; j < 8; ++j) r[j] = a[j];
    std::size_t i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (std::size_t j = 0; j < 8; ++j) r[j] += a[i + j];
    }
    double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += a[i];
    return res;
  }
  std::size_t n2 = n / 2;
  n2 -= n2 % 8;
  return numpy_pairwise_sum(a, n2) + numpy_pairwise_sum(a + n2, n - n2);
}

std::vector<double> regression_loss(const RecordedSignals& s, std::size_t n_iter, std::size_t group_size,
                                    std::size_t sequence) {
  const std::size_t steps = n_iter * group_size * sequence;
  if (s.steps() != steps || s.target_signal.size() != s.readout_signal.size()) {
    throw std::invalid_argument("regression_loss: " + std::to_string(s.steps()) + " recorded steps, expected " +
                                std::to_string(steps));
  }
  // Squared errors, laid out as numpy sees them: (n_out, n_iter, group_size, sequence).
  std::vector<double> sq(s.n_out * steps);
  for (std::size_t k = 0; k < s.n_out; ++k) {
    for (std::size_t m = 0; m < steps; ++m) {
      const double d = s.readout_signal[m * s.n_out + k] - s.target_signal[m * s.n_out + k];
      sq[k * steps + m] = d * d;
    }
  }
  std::vector<double> loss(n_iter);
  std::vector<double> per_group(group_size);
  for (std::size_t i = 0; i < n_iter; ++i) {
    // np.mean over axes (0, 2): numpy reduces the contiguous group axis pairwise for each readout,
    // then adds the readouts in order (checked against numpy 1.24 on random arrays).
    double total = 0.0;
    for (std::size_t k = 0; k < s.n_out; ++k) {
      for (std::size_t g = 0; g < group_size; ++g) {
        per_group[g] = numpy_pairwise_sum(&sq[k * steps + (i * group_size + g) * sequence], sequence);
      }
      total += numpy_pairwise_sum(per_group.data(), group_size);
    }
    loss[i] = 0.5 * (total / static_cast<double>(s.n_out * group_size));
  }
  return loss;
}

}  // namespace eligo
