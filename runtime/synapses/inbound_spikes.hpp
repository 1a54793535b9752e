#pragma once
// Spike and flush events on their way to a shard: an event emitted in step e through a connection block
// with delay D arrives in step e + D (docs/architecture.md §2). Events wait here, by arrival step, and come out
// in the canonical order of phase B: ascending sender global id (docs/numerics.md §14.9).
#include <algorithm>
#include <cstdint>
#include <map>
#include <vector>

#include "runtime/core/spike_batch.hpp"

namespace eligo {

class StateReader;
class StateWriter;

struct PendingEvent {
  std::uint64_t sender_gid;
  Step emitted;  // the e-prop rule stamps the event emitted + 1 (docs/numerics.md §1), whatever the delay
  std::uint32_t multiplicity;
  EventKind kind;
};

class InboundSpikes {
 public:
  void add(const SpikeBatch& batch, Step delay) {
    for (const SpikeEvent& ev : batch.events) {
      const Step emitted = batch.first_step + ev.step_offset;
      by_step_[emitted + delay].push_back({batch.sender_first_gid + ev.local_index, emitted, ev.multiplicity, ev.kind});
    }
  }

  // The events arriving in step t, in canonical order; valid until the next call.
  const std::vector<PendingEvent>& arriving(Step t) {
    current_.clear();
    if (auto it = by_step_.find(t); it != by_step_.end()) {
      current_.swap(it->second);
      by_step_.erase(it);
      auto by_sender = [](const PendingEvent& a, const PendingEvent& b) { return a.sender_gid < b.sender_gid; };
      // Batches of one slice are added in sender order, so the usual case is already sorted.
      if (!std::is_sorted(current_.begin(), current_.end(), by_sender)) {
        std::sort(current_.begin(), current_.end(), by_sender);
      }
    }
    return current_;
  }

  bool empty() const { return by_step_.empty(); }

  // Checkpoints (docs/architecture.md §7; inbound_spikes_state.cpp): the events still waiting for their arrival
  // step, in the order they were added. A failed load leaves the queue as it was.
  void save_state(StateWriter& w) const;
  void load_state(StateReader& r);

 private:
  std::map<Step, std::vector<PendingEvent>> by_step_;
  std::vector<PendingEvent> current_;
};

}  // namespace eligo
