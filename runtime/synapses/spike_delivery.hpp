#pragma once
// Phase B of docs/numerics.md §1.1: deliver the spike and flush events that arrive in step t through the shard's
// e-prop synapses, in canonical order, running SEND for each and adding the updated weight ×
// multiplicity of a spike to the target's input of step t.
#include <cstdint>
#include <vector>

#include "runtime/synapses/eprop_synapses.hpp"
#include "runtime/synapses/inbound_spikes.hpp"

namespace eligo {

// Returns the number of synaptic events (spikes × synapses) delivered.
template <class Target>
std::uint64_t deliver_spikes(const std::vector<PendingEvent>& events, EpropSynapses& synapses, const Target& target,
                             double* input) {
  std::uint64_t delivered = 0;
  for (const PendingEvent& ev : events) {
    const std::int64_t r = synapses.run_of(ev.sender_gid);
    if (r < 0) continue;
    const bool is_flush = ev.kind == EventKind::flush;
    // The stamp is emission + 1 (docs/numerics.md §1): with delay 1 the arrival step, with longer delays the rule
    // still sees when the spike left, so the learning signals it reads are final on arrival.
    synapses.send(static_cast<std::size_t>(r), ev.emitted + 1, is_flush, target);
    if (is_flush) continue;
    // docs/numerics.md §14.2: the weight transmitted is the weight after this spike's update.
    const auto targets = synapses.targets(static_cast<std::size_t>(r));
    const auto weights = synapses.weights(static_cast<std::size_t>(r));
    const double multiplicity = static_cast<double>(ev.multiplicity);
    for (std::size_t i = 0; i < targets.size(); ++i) input[targets[i]] += weights[i] * multiplicity;
    delivered += targets.size();
  }
  return delivered;
}

}  // namespace eligo
