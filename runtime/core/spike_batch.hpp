#pragma once
// The messages a shard consumes and produces each slice (docs/architecture.md §5). Inside one process they
// are plain structs shared immutably between actors; proto/eligo/messages.proto is their wire form.
#include <cstdint>
#include <vector>

#include "runtime/core/time.hpp"

namespace eligo {

enum class EventKind : std::uint8_t { spike = 0, flush = 1 };

// One event of one neuron. `multiplicity` > 1 only for input relays that received several spikes in
// one step (docs/numerics.md §5.4).
struct SpikeEvent {
  std::uint32_t step_offset = 0;  // step within the slice
  std::uint32_t local_index = 0;  // index within the sending shard
  std::uint32_t multiplicity = 1;
  EventKind kind = EventKind::spike;
  bool operator==(const SpikeEvent&) const = default;
};

// All events a shard emitted during one slice, in ascending (step_offset, local_index) order.
struct SpikeBatch {
  Step slice = 0;       // index of the slice
  Step first_step = 0;  // first step of the slice; an event was emitted in first_step + step_offset
  std::uint32_t sender_shard = 0;
  std::uint64_t sender_first_gid = 0;  // global id of the sender's local index 0
  std::vector<SpikeEvent> events;
  bool operator==(const SpikeBatch&) const = default;
};

// The readout errors of one slice: eps[step_offset * n_readouts + k] = ε_k (docs/numerics.md §5.3, §7).
struct ErrorBatch {
  Step slice = 0;
  Step first_step = 0;
  std::uint32_t n_readouts = 0;
  std::uint32_t n_steps = 0;
  std::vector<double> eps;
  double at(std::uint32_t step_offset, std::uint32_t k) const { return eps[step_offset * n_readouts + k]; }
  bool operator==(const ErrorBatch&) const = default;
};

}  // namespace eligo
