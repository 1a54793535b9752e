#pragma once
// Phase B of spec §1.1: deliver the spike and flush events of step t−1 through the shard's e-prop
// synapses, in canonical order (ascending sender global id, i.e. NEST's node-id order, §14.9), running
// SEND for each and adding the updated weight × multiplicity of a spike to the target's input.
#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "runtime/core/spike_batch.hpp"
#include "runtime/synapses/eprop_synapses.hpp"

namespace eligo {

// Sorts the batches of one slice by sender. Senders own disjoint id ranges, so this orders all events.
inline void sort_by_sender(std::vector<const SpikeBatch*>& batches) {
  std::sort(batches.begin(), batches.end(), [](const SpikeBatch* a, const SpikeBatch* b) {
    return a->sender_first_gid < b->sender_first_gid;
  });
}

// Returns the number of synaptic events (spikes × synapses) delivered.
template <class Target>
std::uint64_t deliver_spikes(Step t, std::vector<const SpikeBatch*> batches, EpropSynapses& synapses,
                             const Target& target, double* input) {
  sort_by_sender(batches);
  std::uint64_t delivered = 0;
  for (const SpikeBatch* batch : batches) {
    for (const SpikeEvent& ev : batch->events) {
      const Step stamp = batch->slice + ev.step_offset + 1;  // emitted in step t−1, stamped t (§1)
      if (stamp != t) {
        throw std::logic_error("spike batch of shard " + std::to_string(batch->sender_shard) +
                               " carries stamp " + std::to_string(stamp) + " into step " + std::to_string(t));
      }
      const std::int64_t r = synapses.run_of(batch->sender_first_gid + ev.local_index);
      if (r < 0) continue;
      const bool is_flush = ev.kind == EventKind::flush;
      synapses.send(static_cast<std::size_t>(r), stamp, is_flush, target);
      if (is_flush) continue;
      // spec §14.2: the weight transmitted is the weight after this spike's update.
      const auto targets = synapses.targets(static_cast<std::size_t>(r));
      const auto weights = synapses.weights(static_cast<std::size_t>(r));
      const double multiplicity = static_cast<double>(ev.multiplicity);
      for (std::size_t i = 0; i < targets.size(); ++i) input[targets[i]] += weights[i] * multiplicity;
      delivered += targets.size();
    }
  }
  return delivered;
}

}  // namespace eligo
