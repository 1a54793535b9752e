#pragma once
// The constants an eprop_readout population computes once before a run (docs/numerics.md §5.3), with every
// voltage relative to E_L and every time in steps.
#include "runtime/core/time.hpp"
#include "runtime/models/model_parameters.hpp"

namespace eligo {

struct ReadoutConstants {
  double P_v = 0.0;
  double P_i = 0.0;
  double E_L = 0.0;
  double I_e = 0.0;
  double V_min = 0.0;  // relative to E_L
  double V_m_initial = 0.0;
  Step cutoff = kInfiniteSteps;

  static ReadoutConstants from(const ReadoutParams& p, double resolution_ms);
};

}  // namespace eligo
