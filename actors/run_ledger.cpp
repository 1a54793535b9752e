#include "actors/run_ledger.hpp"

#include <algorithm>
#include <exception>

#include "runtime/network/weights_digest.hpp"

namespace eligo::actors {

CheckpointContents checkpoint_contents(const CheckpointParts& parts) {
  CheckpointContents c;
  for (const auto& p : parts.shards) {
    c.blobs.push_back(p->blob);
    c.actor_states.push_back(p->actor_state);
    c.weights.insert(c.weights.end(), p->weights.begin(), p->weights.end());
  }
  sort_canonically(c.weights);
  return c;
}

RunLedger::RunLedger(std::size_t n_shards, const Callbacks& callbacks, bool keep_weights, bool keep_iterations)
    : n_shards_(n_shards), callbacks_(callbacks), keep_weights_(keep_weights), keep_iterations_(keep_iterations) {}

void RunLedger::start() { start_ = Clock::now(); }

double RunLedger::elapsed() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

void RunLedger::stop() { result_.simulate_seconds = elapsed(); }

template <class F>
void RunLedger::guarded(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    failure_ = e.what();
  }
}

void RunLedger::on_iteration(const IterationReport& report) {
  if (!keep_iterations_) result_.iterations.clear();
  result_.iterations.push_back(report);
  guarded([&] {
    if (callbacks_.on_iteration) callbacks_.on_iteration(report, elapsed());
  });
}

bool RunLedger::on_checkpoint_part(const ShardCheckpointPtr& part) {
  if (part->shard_id >= n_shards_) return false;
  CheckpointParts& c = checkpoints_[part->slice];
  c.slice = part->slice;
  if (c.shards.empty()) c.shards.resize(n_shards_);
  c.shards[part->shard_id] = part;
  if (!std::all_of(c.shards.begin(), c.shards.end(), [](const auto& p) { return p != nullptr; })) return true;
  CheckpointParts complete = std::move(c);
  checkpoints_.erase(complete.slice);
  guarded([&] {
    if (callbacks_.on_checkpoint) callbacks_.on_checkpoint(std::move(complete));
  });
  return true;
}

void RunLedger::add_weights(WeightRecords weights) {
  result_.n_weights += weights.size();
  result_.weights.insert(result_.weights.end(), weights.begin(), weights.end());
}

void RunLedger::add_weight_columns(WeightColumns columns) {
  result_.n_weights += columns.weight.size();
  weight_parts_.push_back(std::move(columns));
}

void RunLedger::add_counters(ShardRole role, const ShardCounters& k) {
  result_.synaptic_events += k.synaptic_events;
  result_.history_entries_max += k.history_entries_max;
  result_.synapse_bytes += k.synapse_bytes;
  result_.history_bytes_max += k.history_bytes_max;
  result_.closed_windows += k.closed_windows;
  result_.loop_windows += k.loop_windows;
  result_.clamp_fallbacks += k.clamp_fallbacks;
  if (role == ShardRole::input) result_.input_spikes += k.spikes_emitted;
  if (role == ShardRole::recurrent) result_.rec_spikes += k.spikes_emitted;
}

void RunLedger::add_data_plane_bytes(std::uint64_t total, std::uint64_t spike_frames, std::uint64_t error_frames) {
  result_.data_bytes_sent += total;
  result_.spike_frame_bytes += spike_frames;
  result_.error_frame_bytes += error_frames;
}

RunResult RunLedger::finish() {
  if (!keep_weights_) {
    result_.weights_digest = weights_digest_of_columns(weight_parts_);
    return std::move(result_);
  }
  sort_canonically(result_.weights);
  result_.weights_digest = weights_digest(result_.weights);
  return std::move(result_);
}

}  // namespace eligo::actors
