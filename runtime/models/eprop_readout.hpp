#pragma once
// eprop_readout: leaky integrator with a mean-squared-error signal (docs/numerics.md §5.3).
//
//   v ← P_i·i_in + x_t + P_v·v ;  v ← max(v, V_min)
//   y ← v + E_L ;  ε ← (y − target)·lw
//   i_in ← I_t + I_e
// target and lw are the last rate values received (phase A, docs/numerics.md §5.5).
#include <algorithm>
#include <cstddef>
#include <vector>

#include "runtime/models/readout_constants.hpp"

namespace eligo {

class StateReader;
class StateWriter;

struct ReadoutState {
  std::vector<double> v, i_in, target, learning_window;
  ReadoutState() = default;
  ReadoutState(std::size_t n, const ReadoutConstants& c)
      : v(n, c.V_m_initial), i_in(n, 0.0), target(n, 0.0), learning_window(n, 0.0) {}
  std::size_t size() const { return v.size(); }

  // Checkpoints (neuron_state_checkpoint.cpp), as for RecurrentState.
  void save_state(StateWriter& w) const;
  void load_state(StateReader& r);
};

struct ReadoutStep {
  double y;    // readout signal before the learning-window product
  double eps;  // error, already multiplied by the learning window
};

struct EpropReadout {
  static ReadoutStep update(std::size_t k, double x, const ReadoutConstants& c, ReadoutState& s) {
    double v = c.P_i * s.i_in[k] + x + c.P_v * s.v[k];
    v = std::max(v, c.V_min);
    s.v[k] = v;
    const double y = v + c.E_L;
    s.i_in[k] = c.I_e;
    return {y, (y - s.target[k]) * s.learning_window[k]};
  }
};

}  // namespace eligo
