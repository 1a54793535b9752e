#pragma once
// Gradient descent STEP of spec §10: w = w − η_cur · cum; cum = 0.
#include <cstddef>

namespace eligo {

inline void gradient_descent_step(double eta, double* w, double* cum, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    w[i] = w[i] - eta * cum[i];
    cum[i] = 0.0;
  }
}

}  // namespace eligo
