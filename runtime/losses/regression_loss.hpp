#pragma once
// The loss as NEST's test_eprop_regression and its examples compute it (docs/numerics.md §15):
//
//   loss[i] = 0.5 · mean_{k, g} Σ_{m < sequence} (y − y*)²
//
// over samples reshaped C-contiguously to (n_out, n_iter, group_size, sequence), with numpy's own
// summation order (pairwise along the sequence axis), so that losses agree with NEST's bit for bit.
#include <cstddef>
#include <vector>

namespace eligo {

// numpy's pairwise summation of a contiguous double array (np.add.reduce, identity start).
double numpy_pairwise_sum(const double* a, std::size_t n);

struct RecordedSignals {
  std::size_t n_out = 0;
  // Step-major samples of the recorded steps: value[s * n_out + k].
  std::vector<double> readout_signal;
  std::vector<double> target_signal;
  std::size_t steps() const { return n_out == 0 ? 0 : readout_signal.size() / n_out; }
};

// Per-iteration losses of the recorded steps (which must be n_iter · group_size · sequence steps).
std::vector<double> regression_loss(const RecordedSignals& signals, std::size_t n_iter, std::size_t group_size,
                                    std::size_t sequence);

}  // namespace eligo
