#pragma once
// An input-source actor: turns a data source (here the input relays' spike schedule, docs/numerics.md §5.4) into
// input spike batches. It has no feeders, so it listens to the supervisor's error broadcast as a clock
// and runs at most `window` slices ahead of it: bounded memory however slow the network is.
#include "actors/slice_actor.hpp"

namespace eligo::actors {

class InputSourceActor final : public SliceActor {
 public:
  static constexpr Step kWindow = 8;
  InputSourceActor(caf::actor_config& cfg, std::shared_ptr<Shard> shard, caf::actor coordinator)
      : SliceActor(cfg, std::move(shard), /*feeders=*/0, /*error_lag=*/kWindow, std::move(coordinator)) {}
  const char* name() const override { return "eligo.input"; }

 protected:
  void send_output(SliceOutput& out) override { send_spikes(out); }
};

}  // namespace eligo::actors
