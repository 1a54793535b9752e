#pragma once
// A shard actor: wraps one shard of a recurrent population (or of the input relays, see
// input_source_actor.hpp) and sends its spike batch to its subscribers every slice, even when empty.
#include "actors/slice_actor.hpp"

namespace eligo::actors {

class ShardActor final : public SliceActor {
 public:
  using SliceActor::SliceActor;
  const char* name() const override { return "eligo.shard"; }

 protected:
  void send_output(SliceOutput& out) override { send_spikes(out); }
};

}  // namespace eligo::actors
