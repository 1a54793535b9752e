// Checkpoints of the events waiting in InboundSpikes (docs/architecture.md §7): with delays longer than a
// slice, events emitted before the checkpoint arrive after it.
#include <limits>
#include <string>

#include "runtime/checkpoint/state_stream.hpp"
#include "runtime/synapses/inbound_spikes.hpp"

namespace eligo {
namespace {
constexpr std::size_t kMaxRecords = std::numeric_limits<std::uint32_t>::max();
constexpr std::size_t kStepBytes = 8 + 8;           // arrival step, event count
constexpr std::size_t kEventBytes = 8 + 8 + 4 + 1;  // sender, emitted, multiplicity, kind
}  // namespace

void InboundSpikes::save_state(StateWriter& w) const {
  w.section("inbound_spikes");
  w.u64(by_step_.size());
  for (const auto& [arrival, events] : by_step_) {
    w.i64(arrival);
    w.u64(events.size());
    for (const PendingEvent& e : events) {
      w.u64(e.sender_gid);
      w.i64(e.emitted);
      w.u32(e.multiplicity);
      w.u8(static_cast<std::uint8_t>(e.kind));
    }
  }
}

void InboundSpikes::load_state(StateReader& r) {
  r.section("inbound_spikes");
  std::map<Step, std::vector<PendingEvent>> by_step;
  const std::size_t steps = r.count("arrival steps", kStepBytes, kMaxRecords);
  for (std::size_t i = 0; i < steps; ++i) {
    const Step arrival = r.i64("arrival step");
    if (by_step.contains(arrival)) r.fail("arrival step", "step " + std::to_string(arrival) + " appears twice");
    std::vector<PendingEvent>& events = by_step[arrival];
    events.resize(r.count("events", kEventBytes, kMaxRecords));
    for (PendingEvent& e : events) {
      e.sender_gid = r.u64("sender");
      e.emitted = r.i64("emitted");
      e.multiplicity = r.u32("multiplicity");
      const std::uint8_t kind = r.u8("kind");
      if (kind > static_cast<std::uint8_t>(EventKind::flush)) {
        r.fail("kind", std::to_string(kind) + " is neither a spike (0) nor a flush (1)");
      }
      e.kind = static_cast<EventKind>(kind);
    }
  }
  by_step_ = std::move(by_step);
  current_.clear();
}

}  // namespace eligo
