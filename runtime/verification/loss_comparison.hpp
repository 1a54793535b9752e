#pragma once
// Compares per-iteration losses with NEST's reference losses.
#include <algorithm>
#include <cmath>
#include <vector>

namespace eligo {

struct LossComparison {
  std::vector<double> relative_deviation;  // |loss − ref| / |ref| per iteration
  double max_relative_deviation = 0.0;     // NaN when any deviation is NaN or the lengths differ
  bool within(double tolerance) const { return max_relative_deviation <= tolerance; }
};

inline LossComparison compare_losses(const std::vector<double>& loss, const std::vector<double>& reference) {
  LossComparison c;
  if (loss.size() != reference.size()) {
    c.max_relative_deviation = NAN;  // a NaN never passes a tolerance test
    return c;
  }
  for (std::size_t i = 0; i < loss.size(); ++i) {
    const double dev = std::fabs(loss[i] - reference[i]) / std::fabs(reference[i]);
    c.relative_deviation.push_back(dev);
    if (std::isnan(dev) || std::isnan(c.max_relative_deviation)) {
      c.max_relative_deviation = NAN;
    } else {
      c.max_relative_deviation = std::max(c.max_relative_deviation, dev);
    }
  }
  return c;
}

}  // namespace eligo
