#pragma once
// The loss of NEST's bsshslm_2020 classification test (docs/numerics.md §16), in numpy's order:
//
//   loss[i] = −mean_{g, m} Σ_k y*_k · log(y_k)
//
// over samples reshaped to (n_out, n_iter, group_size, window): the readouts are added in order (a reduction
// over the outer axis), the group and window samples of one iteration pairwise (one contiguous block).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "runtime/losses/regression_loss.hpp"
#include "runtime/models/model_parameters.hpp"

namespace eligo {

std::vector<double> cross_entropy_loss(const RecordedSignals& signals, std::size_t n_iter, std::size_t group_size,
                                       std::size_t window);

// The samples m ∈ [first, last] of each sequence of `sequence` recorded steps, in order.
RecordedSignals sequence_window(const RecordedSignals& signals, std::size_t sequence, std::size_t first,
                                std::size_t last);

}  // namespace eligo

namespace eligo {

// The per-iteration loss of recorded sequences with the readouts' loss function, over the samples m ∈
// [first, last] of each sequence (last < 0: to the sequence's end): mean squared error as regression_loss,
// cross-entropy as above.
std::vector<double> sequence_loss(const RecordedSignals& signals, std::size_t n_iter, std::size_t group_size,
                                  std::size_t sequence, ReadoutLoss function, std::int64_t first, std::int64_t last);

}  // namespace eligo
