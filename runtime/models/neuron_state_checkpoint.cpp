// Checkpoints of the neuron state arrays (RecurrentState, ReadoutState; docs/architecture.md §7). Each array
// must have the size this shard's build gave it; nothing changes until all of them are read.
#include "runtime/checkpoint/state_stream.hpp"
#include "runtime/models/eprop_readout.hpp"
#include "runtime/models/recurrent_state.hpp"

namespace eligo {

void RecurrentState::save_state(StateWriter& w) const {
  w.section("recurrent_neurons");
  w.vector(v);
  w.vector(i_in);
  w.vector(r);
  w.vector(z);
  w.vector(a);
  w.vector(v_th_adapt);
  w.vector(refr_buf);
  w.vector(f_ema);
  w.vector(last_event);
}

void RecurrentState::load_state(StateReader& in) {
  in.section("recurrent_neurons");
  const std::size_t n = size();
  RecurrentState s;
  s.v = in.vector_of_size<double>("v", n);
  s.i_in = in.vector_of_size<double>("i_in", n);
  s.r = in.vector_of_size<std::int64_t>("r", n);
  s.z = in.vector_of_size<std::uint8_t>("z", n);
  s.a = in.vector_of_size<double>("a", n);
  s.v_th_adapt = in.vector_of_size<double>("v_th_adapt", n);
  s.refr_buf = in.vector_of_size<double>("refr_buf", n);
  s.f_ema = in.vector_of_size<double>("f_ema", n);
  s.last_event = in.vector_of_size<Step>("last_event", n);
  *this = std::move(s);
}

void ReadoutState::save_state(StateWriter& w) const {
  w.section("readout_neurons");
  w.vector(v);
  w.vector(i_in);
  w.vector(target);
  w.vector(learning_window);
}

void ReadoutState::load_state(StateReader& in) {
  in.section("readout_neurons");
  const std::size_t n = size();
  ReadoutState s;
  s.v = in.vector_of_size<double>("v", n);
  s.i_in = in.vector_of_size<double>("i_in", n);
  s.target = in.vector_of_size<double>("target", n);
  s.learning_window = in.vector_of_size<double>("learning_window", n);
  *this = std::move(s);
}

}  // namespace eligo
