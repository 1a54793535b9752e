#pragma once
// A shard of input relays, which behave like NEST's parrot neurons (docs/numerics.md §5.4): n spikes received for
// step t leave as one event with multiplicity n (stamp t+1); a silent relay may send flush events.
// What the relays receive comes from two places, merged step by step: the explicit arrivals given at
// build time (NEST cases' spike lists, the final-update spike) and, for a task, the shard's own sample
// stream, read one step at a time (docs/architecture.md §3.1).
#include <cstdint>
#include <optional>
#include <vector>

#include "runtime/data/sources/sample_stream.hpp"
#include "runtime/network/shard.hpp"

namespace eligo {

struct InputShardConfig {
  ShardPlacement placement;
  Step flush_interval = kInfiniteSteps;
  std::optional<SampleStreamPlan> stream;  // the task's samples; the shard reads its own inputs of them
};

class InputShard final : public Shard {
 public:
  explicit InputShard(const InputShardConfig& config);

  // One spike received by relay local_index in `step` (from its generator or an extra generator).
  void add_spike(Step step, std::uint32_t local_index);
  void finalize();

  ShardRole role() const override { return ShardRole::input; }
  std::uint32_t id() const override { return config_.placement.shard_id; }
  SliceOutput advance(const SliceInput& in) override;
  ShardCounters counters() const override { return counters_; }
  void append_weights(std::vector<WeightRecord>&) const override {}
  void add_final_update_spike(Step step, double weight) override;
  // The explicit arrivals are fixed by the build (only their count is checked) and the stream is a
  // function of the step (a restored shard reopens it where it continues); the cursor, spikes received
  // in the current step, last event of each relay and the counters are saved.
  void save_state(StateWriter& w) const override;
  void load_state(StateReader& r) override;

 private:
  struct Arrival {
    Step step;
    std::uint32_t local_index;
    // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 misreads the 0 of a defaulted <=>.
    auto operator<=>(const Arrival&) const = default;
  };
  InputShardConfig config_;
  std::vector<Arrival> arrivals_;  // explicit, sorted by (step, index)
  std::size_t cursor_ = 0;
  std::optional<SampleStream> stream_;
  std::vector<StepArrival> streamed_;    // the stream's arrivals of the current step
  std::vector<std::uint32_t> received_;  // spikes received in the current step
  std::vector<Step> last_event_;
  ShardCounters counters_;
};

}  // namespace eligo
