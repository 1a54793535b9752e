#pragma once
// The common body of every actor that advances a shard slice by slice: it collects inbound batches in a
// SliceInbox, runs each slice as soon as its inputs are complete, and hands the output to publish().
// The three roles (shard, input source, supervisor) differ only in what they publish.
#include <caf/event_based_actor.hpp>

#include <memory>
#include <vector>

#include "actors/messages.hpp"
#include "actors/slice_inbox.hpp"
#include "runtime/core/slice_clock.hpp"
#include "runtime/network/shard.hpp"

namespace eligo::actors {

using wire_atom = caf::atom_constant<caf::atom("wire")>;  // (wire_atom, spike subscribers, error subscribers)

class SliceActor : public caf::event_based_actor {
 public:
  SliceActor(caf::actor_config& cfg, std::shared_ptr<Shard> shard, std::uint32_t feeders, Step error_lag,
             caf::actor coordinator);
  caf::behavior make_behavior() override;

 protected:
  // Sends the slice's output to whoever needs it. Called once per slice, in slice order.
  virtual void publish(Step slice, SliceOutput& out) = 0;
  void send_spikes(SliceOutput& out);

  std::shared_ptr<Shard> shard_;
  caf::actor coordinator_;
  std::vector<caf::actor> spike_subscribers_;
  std::vector<caf::actor> error_subscribers_;
  SliceInput input_;  // the inputs of the slice being published (valid during publish())
  SliceClock clock_;

 private:
  void pump();

  SliceInbox inbox_;
  Step next_ = 0;
  Step end_ = 0;  // slices
  bool reported_done_ = true;
  std::vector<SpikeBatchPtr> held_;
  ErrorBatchPtr held_errors_;
};

}  // namespace eligo::actors
