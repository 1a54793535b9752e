#pragma once
// Checkpoints of the messages in flight at a slice boundary (docs/architecture.md §7): a shard's output of
// slice S is the input of slice S+1 for its receivers, so a run resumed after slice S needs it back.
// Each shard's checkpoint carries its own last output (shard_checkpoint.hpp).
#include "runtime/checkpoint/state_stream.hpp"
#include "runtime/core/spike_batch.hpp"
#include "runtime/network/shard.hpp"

namespace eligo {

void save_spike_batch(StateWriter& w, const SpikeBatch& b);
SpikeBatch load_spike_batch(StateReader& r);

// Loading checks that eps holds n_readouts values for each of the n_steps steps.
void save_error_batch(StateWriter& w, const ErrorBatch& b);
ErrorBatch load_error_batch(StateReader& r);

void save_slice_output(StateWriter& w, const SliceOutput& out);
SliceOutput load_slice_output(StateReader& r);

}  // namespace eligo
