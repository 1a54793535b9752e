#pragma once
// A shard of input relays, which behave like NEST's parrot neurons (docs/numerics.md §5.4): n spikes received for
// step t leave as one event with multiplicity n (stamp t+1); a silent relay may send flush events.
#include <cstdint>
#include <vector>

#include "runtime/network/shard.hpp"

namespace eligo {

struct InputShardConfig {
  ShardPlacement placement;
  Step flush_interval = kInfiniteSteps;
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
  // The spike schedule is fixed by the build (only its length is checked); cursor, spikes received in
  // the current step, last event of each relay and the counters are saved.
  void save_state(StateWriter& w) const override;
  void load_state(StateReader& r) override;

 private:
  struct Arrival {
    Step step;
    std::uint32_t local_index;
    auto operator<=>(const Arrival&) const = default;
  };
  InputShardConfig config_;
  std::vector<Arrival> arrivals_;  // sorted by (step, index)
  std::size_t cursor_ = 0;
  std::vector<std::uint32_t> received_;  // spikes received in the current step
  std::vector<Step> last_event_;
  ShardCounters counters_;
};

}  // namespace eligo
