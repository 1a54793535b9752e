#include "runtime/data/tasks/task_timing.hpp"

namespace eligo {

ForcedSpikeGenerator final_update_spike(const NetworkDescription& net, Step task) {
  constexpr double kWeight = 1000.0;  // large enough to make every recurrent neuron spike
  ForcedSpikeGenerator g;
  g.spike_steps = {task + 1};
  g.input_targets.resize(net.n_in);
  g.rec_targets.resize(net.n_rec);
  for (std::uint32_t i = 0; i < net.n_in; ++i) g.input_targets[i] = i;
  for (std::uint32_t j = 0; j < net.n_rec; ++j) g.rec_targets[j] = j;
  g.weight = kWeight;
  return g;
}

}  // namespace eligo
