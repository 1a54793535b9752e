#pragma once
// State of a range of recurrent neurons, structure of arrays (docs/architecture.md §8). Every voltage is
// relative to E_L.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "runtime/core/time.hpp"
#include "runtime/models/recurrent_constants.hpp"

namespace eligo {

class StateReader;
class StateWriter;

struct RecurrentState {
  std::vector<double> v;           // membrane
  std::vector<double> i_in;        // current to use in the next step
  std::vector<std::int64_t> r;     // remaining refractory steps
  std::vector<std::uint8_t> z;     // spike of the last updated step (adaptive models read it as z(t−1))
  std::vector<double> a;           // adaptation (adaptive models)
  std::vector<double> v_th_adapt;  // adaptive threshold (adaptive models)
  std::vector<double> refr_buf;    // input buffered while refractory (psc_delta, refractory_input)
  std::vector<double> f_ema;       // firing-rate average, spikes/ms (docs/numerics.md §12)
  std::vector<Step> last_event;    // step of the last spike or flush (docs/numerics.md §9.5)

  RecurrentState() = default;
  RecurrentState(std::size_t n, const RecurrentConstants& c)
      : v(n, c.V_m_initial),
        i_in(n, 0.0),
        r(n, 0),
        z(n, 0),
        a(n, c.adaptation_initial),
        v_th_adapt(n, c.V_th + c.beta * c.adaptation_initial),
        refr_buf(n, 0.0),
        f_ema(n, 0.0),
        last_event(n, 0) {}
  std::size_t size() const { return v.size(); }

  // Checkpoints (neuron_state_checkpoint.cpp): every array; loading checks their sizes against this
  // state's and changes nothing when one is wrong.
  void save_state(StateWriter& w) const;
  void load_state(StateReader& r);
};

}  // namespace eligo
