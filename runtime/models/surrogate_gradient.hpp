#pragma once
// Surrogate gradients ψ = SG(r, v, v_th), docs/numerics.md §6. The NEST code, not its user documentation, is
// normative: no normalisation by v_th, and std::pow where NEST uses it (x*x may differ in the last bit).
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "runtime/models/model_parameters.hpp"

namespace eligo {

struct SurrogateGradient {
  SurrogateFunction function = SurrogateFunction::piecewise_linear;
  double height = 0.3;  // γ
  double width = 1.0;   // w

  // r: remaining refractory steps; v and v_th relative to E_L.
  double operator()(std::int64_t r, double v, double v_th) const {
    if (r > 0) return 0.0;
    switch (function) {
      case SurrogateFunction::piecewise_linear:
        return height * std::max(0.0, 1.0 - std::fabs(v - v_th) / width);
      case SurrogateFunction::exponential:
        return height * std::exp(-std::fabs(v - v_th) / width);
      case SurrogateFunction::fast_sigmoid_derivative:
        return height * std::pow(1.0 + std::fabs(v - v_th) / width, -2.0);
      case SurrogateFunction::arctan_derivative:
        return height / (1.0 + std::pow((v - v_th) / width, 2.0));
    }
    return 0.0;
  }
};

}  // namespace eligo
