// Saves and restores the messages in flight at a slice boundary (slice_output_state.hpp).
#include "runtime/checkpoint/slice_output_state.hpp"

#include <limits>
#include <string>

namespace eligo {
namespace {
constexpr std::size_t kMaxRecords = std::numeric_limits<std::uint32_t>::max();
constexpr std::size_t kEventBytes = 4 + 4 + 4 + 1;  // step offset, local index, multiplicity, kind
}  // namespace

void save_spike_batch(StateWriter& w, const SpikeBatch& b) {
  w.section("spike_batch");
  w.i64(b.slice);
  w.i64(b.first_step);
  w.u32(b.sender_shard);
  w.u64(b.sender_first_gid);
  w.u64(b.events.size());
  for (const SpikeEvent& e : b.events) {
    w.u32(e.step_offset);
    w.u32(e.local_index);
    w.u32(e.multiplicity);
    w.u8(static_cast<std::uint8_t>(e.kind));
  }
}

SpikeBatch load_spike_batch(StateReader& r) {
  r.section("spike_batch");
  SpikeBatch b;
  b.slice = r.i64("slice");
  b.first_step = r.i64("first_step");
  b.sender_shard = r.u32("sender_shard");
  b.sender_first_gid = r.u64("sender_first_gid");
  b.events.resize(r.count("events", kEventBytes, kMaxRecords));
  for (SpikeEvent& e : b.events) {
    e.step_offset = r.u32("step_offset");
    e.local_index = r.u32("local_index");
    e.multiplicity = r.u32("multiplicity");
    const std::uint8_t kind = r.u8("kind");
    if (kind > static_cast<std::uint8_t>(EventKind::flush)) {
      r.fail("kind", std::to_string(kind) + " is neither a spike (0) nor a flush (1)");
    }
    e.kind = static_cast<EventKind>(kind);
  }
  return b;
}

void save_error_batch(StateWriter& w, const ErrorBatch& b) {
  w.section("error_batch");
  w.i64(b.slice);
  w.i64(b.first_step);
  w.u32(b.n_readouts);
  w.u32(b.n_steps);
  w.vector(b.eps);
}

ErrorBatch load_error_batch(StateReader& r) {
  r.section("error_batch");
  ErrorBatch b;
  b.slice = r.i64("slice");
  b.first_step = r.i64("first_step");
  b.n_readouts = r.u32("n_readouts");
  b.n_steps = r.u32("n_steps");
  b.eps = r.vector_of_size<double>("eps", std::size_t{b.n_readouts} * b.n_steps);
  return b;
}

void save_slice_output(StateWriter& w, const SliceOutput& out) {
  save_spike_batch(w, out.spikes);
  save_error_batch(w, out.errors);
  w.section("readout_signals");
  w.vector(out.readout_signal);
  w.vector(out.target_signal);
}

SliceOutput load_slice_output(StateReader& r) {
  SliceOutput out;
  out.spikes = load_spike_batch(r);
  out.errors = load_error_batch(r);
  r.section("readout_signals");
  out.readout_signal = r.vector<double>("readout_signal", kMaxRecords);
  out.target_signal = r.vector_of_size<double>("target_signal", out.readout_signal.size());
  return out;
}

}  // namespace eligo
