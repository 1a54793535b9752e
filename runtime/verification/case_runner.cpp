#include "runtime/verification/case_runner.hpp"

#include <chrono>

#include "runtime/losses/regression_loss.hpp"
#include "runtime/network/sequential_driver.hpp"
#include "runtime/network/weights_digest.hpp"

namespace eligo {

CaseResult run_reference_case(const ReferenceCase& c, const PartitionOptions& partition,
                              const std::function<void(Step, Step)>& on_step) {
  const auto start = std::chrono::steady_clock::now();
  BuiltNetwork network = build_network(c.network, partition);
  SequentialDriver driver(network);
  RecordedSignals recorded;
  recorded.n_out = c.network.n_out;
  CaseResult result;
  for (Step t = 0; t < c.n_steps; ++t) {
    driver.step();
    if (t >= c.loss.first_step && t <= c.loss.last_step) {
      const SliceOutput& out = driver.readout_output();
      recorded.readout_signal.insert(recorded.readout_signal.end(), out.readout_signal.begin(), out.readout_signal.end());
      recorded.target_signal.insert(recorded.target_signal.end(), out.target_signal.begin(), out.target_signal.end());
    }
    std::size_t entries = 0;
    for (const auto& shard : network.shards) entries += shard->counters().history_entries;
    result.history_entries_max = std::max(result.history_entries_max, entries);
    if (on_step) on_step(t, c.n_steps);
  }
  result.loss = regression_loss(recorded, c.loss.n_iter, c.loss.group_size, c.loss.sequence);
  result.comparison = compare_losses(result.loss, c.loss_reference);
  for (const auto& shard : network.shards) {
    const ShardCounters k = shard->counters();
    if (shard->role() == ShardRole::recurrent) result.rec_spikes += k.spikes_emitted;
    result.synaptic_events += k.synaptic_events;
    result.history_entries_end += k.history_entries;
  }
  result.weights_digest = weights_digest(network);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace eligo
