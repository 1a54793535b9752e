#pragma once
// The engine's unit of work (docs/architecture.md §1, "the seam"): a shard owns a contiguous range of one
// population's neurons, their incoming synapses and their history, and advances one slice per call:
//
//     outbound = shard.advance(slice k, inbound spike batches of slice k−1, error batch of slice k−1)
//
// A slice is d_min steps (SliceClock); NEST-exact e-prop has d_min = 1 (docs/numerics.md §1), and longer delays only
// make slices longer. An event emitted in step e reaches its targets in step e + D (D: the delay of its
// connection block, D ≥ d_min, so always in a later slice). Inbound spike batches may come in any order;
// the shard applies the events of each step in the canonical order (ascending sender global id, docs/numerics.md
// §14.9). Tests and `eligo verify` wire shards by hand (SequentialDriver); the actors of actors/ drive the same shards
// concurrently.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "runtime/core/spike_batch.hpp"
#include "runtime/core/time.hpp"
#include "runtime/core/weight_record.hpp"

namespace eligo {

class StateReader;
class StateWriter;

enum class ShardRole { input, recurrent, readout };

struct SliceInput {
  Step slice = 0;
  Step first_step = 0;  // the slice's steps: [first_step, first_step + steps)
  Step steps = 1;
  std::vector<const SpikeBatch*> spikes;  // slice − 1 output of every shard that feeds this one
  const ErrorBatch* errors = nullptr;     // slice − 1 errors of the readouts (recurrent shards)
};

struct SliceOutput {
  SpikeBatch spikes;
  ErrorBatch errors;  // readout shards only
  // Readout shards: per step of the slice (step-major), y·lw and y*·lw of every readout (docs/numerics.md §15).
  std::vector<double> readout_signal;
  std::vector<double> target_signal;
};

struct ShardCounters {
  std::uint64_t spikes_emitted = 0;
  std::uint64_t flushes_emitted = 0;
  std::uint64_t synaptic_events = 0;    // spikes delivered through one synapse each
  std::size_t history_entries = 0;      // now
  std::size_t history_entries_max = 0;  // over the run
  std::size_t synapse_bytes = 0;
  std::size_t history_bytes_max = 0;  // the archive's largest buffer over the run (layout: not checkpointed)
  // How intervals were integrated (docs/numerics.md §19; counts since the shard was built, not checkpointed).
  std::uint64_t closed_windows = 0, loop_windows = 0, clamp_fallbacks = 0;
};

class Shard {
 public:
  virtual ~Shard() = default;
  virtual ShardRole role() const = 0;
  virtual std::uint32_t id() const = 0;
  virtual SliceOutput advance(const SliceInput& in) = 0;
  virtual ShardCounters counters() const = 0;
  // Appends this shard's plastic weights, each source's synapses in connection order.
  virtual void append_weights(std::vector<WeightRecord>& out) const = 0;
  // The same weights as columns for the digest (shards without plastic synapses leave it empty).
  virtual void weight_columns(WeightColumns& /*out*/) const {}
  // An open-ended run learns its end only when its stream closes (docs/architecture.md §10): then every
  // input relay and recurrent neuron gets the final-update spike the task layout would have built in
  // (runtime/data/tasks/task_timing.hpp), at a step the shard has not run yet. Readouts get nothing.
  virtual void add_final_update_spike(Step /*step*/, double /*weight*/) {}

  // Checkpoints (docs/architecture.md §7). Between two advance() calls, save_state writes everything a run
  // changes; load_state restores it into a shard built from the same network description and partition,
  // which then continues with the next slice exactly as the saved one would have. load_state first checks
  // that the state is this shard's (role, id, placement, synapses) and throws StateError otherwise, or
  // when the state is corrupt; after a failed load the shard must be rebuilt.
  // runtime/checkpoint/shard_checkpoint.hpp wraps both into a self-checking blob.
  // Not pure only so that test doubles wrapping a shard (tests/integration) need not forward them.
  virtual void save_state(StateWriter&) const { throw std::logic_error("this shard cannot save its state"); }
  virtual void load_state(StateReader&) { throw std::logic_error("this shard cannot load a state"); }
};

// Where a shard sits in the network: population, global id of its first neuron, neuron count.
struct ShardPlacement {
  std::uint32_t shard_id = 0;
  ShardRole role = ShardRole::recurrent;
  std::uint32_t first_index = 0;  // within the population
  std::uint32_t size = 0;
  std::uint64_t first_gid = 0;  // global id = population offset + index (input < rec < out)
};

// The outbound batch of a slice, before any event: who sent it and which steps it covers.
inline SpikeBatch start_batch(const ShardPlacement& p, const SliceInput& in) {
  SpikeBatch b;
  b.slice = in.slice;
  b.first_step = in.first_step;
  b.sender_shard = p.shard_id;
  b.sender_first_gid = p.first_gid;
  return b;
}

// A readout shard's output of a slice, sized for its readouts and steps, before any value.
inline SliceOutput start_readout_output(const ShardPlacement& p, const SliceInput& in) {
  const std::size_t values = std::size_t{p.size} * static_cast<std::size_t>(in.steps);
  SliceOutput out;
  out.spikes = start_batch(p, in);
  out.errors.slice = in.slice;
  out.errors.first_step = in.first_step;
  out.errors.n_readouts = p.size;
  out.errors.n_steps = static_cast<std::uint32_t>(in.steps);
  out.errors.eps.resize(values);
  out.readout_signal.resize(values);
  out.target_signal.resize(values);
  return out;
}

}  // namespace eligo
