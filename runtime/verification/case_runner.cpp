#include "runtime/verification/case_runner.hpp"

#include <algorithm>

#include "runtime/losses/cross_entropy_loss.hpp"
#include "runtime/network/sequential_driver.hpp"
#include "runtime/network/weights_digest.hpp"

namespace eligo {

CaseResult run_reference_case(const ReferenceCase& c, const PartitionOptions& partition) {
  BuiltNetwork network = build_network(c.network, partition);
  SequentialDriver driver(network, c.n_steps);
  RecordedSignals recorded;
  recorded.n_out = c.network.n_out;
  CaseResult result;
  while (driver.step()) {
    const Step first = driver.clock().first_step(driver.next_slice() - 1);
    const SliceOutput& out = driver.readout_output();
    for (Step o = 0; o < static_cast<Step>(out.errors.n_steps); ++o) {
      const Step t = first + o;
      if (t < c.loss.first_step || t > c.loss.last_step) continue;
      const auto row = out.readout_signal.begin() + o * recorded.n_out;
      const auto target_row = out.target_signal.begin() + o * recorded.n_out;
      recorded.readout_signal.insert(recorded.readout_signal.end(), row, row + recorded.n_out);
      recorded.target_signal.insert(recorded.target_signal.end(), target_row, target_row + recorded.n_out);
    }
    std::size_t entries = 0;
    for (const auto& shard : network.shards) entries += shard->counters().history_entries;
    result.history_entries_max = std::max(result.history_entries_max, entries);
  }
  result.loss = sequence_loss(recorded, c.loss.n_iter, c.loss.group_size, c.loss.sequence, c.loss.function,
                              c.loss.in_sequence_first, c.loss.in_sequence_last);
  result.comparison = compare_losses(result.loss, c.loss_reference);
  for (const auto& shard : network.shards) {
    const ShardCounters k = shard->counters();
    if (shard->role() == ShardRole::recurrent) result.rec_spikes += k.spikes_emitted;
    result.synaptic_events += k.synaptic_events;
  }
  const std::vector<WeightRecord> weights = canonical_weights(network);
  result.weights_digest = weights_digest(weights);
  result.weight_deviation = compare_final_weights(c, weights);
  return result;
}

}  // namespace eligo
