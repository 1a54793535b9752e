#pragma once
// The common body of every actor that advances a shard slice by slice: it collects inbound batches in a
// SliceInbox, runs each slice as soon as its inputs are complete, lets the role observe the output,
// takes a checkpoint where the run spec asks for one, and sends the output on. The three roles (shard,
// input source, supervisor) differ only in what they observe and send.
#include <caf/event_based_actor.hpp>
#include <memory>
#include <string>
#include <string_view>
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
  // The subscribers are strong handles to this actor's peers and often to itself: a cycle that CAF never
  // breaks. An actor that ends lets go of them and of its shard, or every run's network stays in memory to the
  // end of the process (each held-out evaluation, each streamed session).
  void on_exit() override;

 protected:
  // Sends the slice's output to whoever needs it (and may move from it). Called once per slice, in
  // slice order, and once more on resume with the output of the checkpoint slice.
  virtual void send_output(SliceOutput& out) = 0;
  // Looks at the slice's output before it is sent (the supervisor's metrics).
  virtual void observe(Step /*slice*/, const SliceOutput& /*out*/) {}
  // The role's own state for checkpoints (empty by default).
  virtual std::string save_actor_state() const { return {}; }
  virtual void load_actor_state(std::string_view /*state*/) {}
  void send_spikes(SliceOutput& out);

  std::shared_ptr<Shard> shard_;
  caf::actor coordinator_;
  std::vector<caf::actor> spike_subscribers_;
  std::vector<caf::actor> error_subscribers_;
  SliceInput input_;  // the inputs of the slice being published (valid during publish())
  SliceClock clock_;

 private:
  void pump();
  void start(const RunSpec& spec);
  void checkpoint(Step slice, const SliceOutput& out);
  void finish(const RunEnd& end);
  void add_checkpoint(Step slice);

  SliceInbox inbox_;
  ResumePtr resume_;
  std::vector<Step> checkpoint_slices_;
  std::size_t next_checkpoint_ = 0;
  Step next_ = 0;
  Step end_ = 0;    // slices
  Step limit_ = 0;  // no slice at or after it runs (open-ended runs; kNoSliceLimit otherwise)
  bool reported_done_ = true;
  std::vector<SpikeBatchPtr> held_;
  ErrorBatchPtr held_errors_;
};

}  // namespace eligo::actors
