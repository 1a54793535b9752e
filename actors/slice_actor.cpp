#include "actors/slice_actor.hpp"

#include <algorithm>
#include <caf/all.hpp>
#include <stdexcept>
#include <string>

#include "runtime/checkpoint/shard_checkpoint.hpp"

namespace eligo::actors {

SliceActor::SliceActor(caf::actor_config& cfg, std::shared_ptr<Shard> shard, std::uint32_t feeders, Step error_lag,
                       caf::actor coordinator)
    : caf::event_based_actor(cfg),
      shard_(std::move(shard)),
      coordinator_(std::move(coordinator)),
      inbox_(feeders, error_lag) {}

caf::behavior SliceActor::make_behavior() {
  // A numerical error (for example a history entry that is missing) ends this actor with the error's
  // text; the coordinator monitors every actor and stops the run.
  set_exception_handler([](caf::scheduled_actor*, std::exception_ptr& eptr) -> caf::error {
    try {
      std::rethrow_exception(eptr);
    } catch (const std::exception& e) {
      return caf::make_error(caf::sec::runtime_error, std::string(e.what()));
    } catch (...) {
      return caf::make_error(caf::sec::runtime_error, std::string("unknown exception"));
    }
  });
  return {
      [this](wire_atom, std::vector<caf::actor>& spikes, std::vector<caf::actor>& errors) {
        spike_subscribers_ = std::move(spikes);
        error_subscribers_ = std::move(errors);
      },
      [this](resume_atom, const ResumePtr& resume) { resume_ = resume; },
      [this](run_atom, const RunSpec& spec) { start(spec); },
      [this](limit_atom, Step slices) {
        limit_ = std::max(limit_, slices);
        pump();
      },
      [this](finish_atom, const RunEnd& end) { finish(end); },
      [this](cut_atom, Step slice) { add_checkpoint(slice); },
      [this](const SpikeBatchPtr& batch) {
        inbox_.add(batch);
        pump();
      },
      [this](const ErrorBatchPtr& batch) {
        inbox_.add(batch);
        pump();
      },
      [this](weights_atom) {
        WeightRecords w;
        shard_->append_weights(w);
        return w;
      },
      [this](columns_atom) {
        WeightColumns c;
        shard_->weight_columns(c);
        return c;
      },
      [this](counters_atom) { return shard_->counters(); },
  };
}

void SliceActor::on_exit() {
  spike_subscribers_.clear();
  error_subscribers_.clear();
  coordinator_ = nullptr;
  inbox_ = SliceInbox(0, 0);
  held_.clear();
  held_errors_ = nullptr;
  resume_ = nullptr;
  shard_.reset();
}

void SliceActor::start(const RunSpec& spec) {
  clock_ = SliceClock{spec.slice_steps, spec.n_steps};
  end_ = clock_.slices();
  checkpoint_slices_ = spec.checkpoint_slices;
  next_checkpoint_ = 0;
  next_ = spec.start_slice;
  limit_ = std::max(limit_, spec.limit);
  while (next_checkpoint_ < checkpoint_slices_.size() && checkpoint_slices_[next_checkpoint_] < next_)
    ++next_checkpoint_;
  if (resume_) {
    // The shard is already restored; the batches of the checkpoint slice are in nobody's inbox yet.
    load_actor_state(resume_->actor_state);
    inbox_.resume_after(next_ - 1);
    SliceOutput again = resume_->output;
    send_output(again);
    resume_ = nullptr;
  }
  reported_done_ = false;
  pump();
}

// The slices already run are full ones, so the clock of the final length covers them unchanged.
void SliceActor::finish(const RunEnd& end) {
  if (end.final_update_step >= 0) shard_->add_final_update_spike(end.final_update_step, end.final_update_weight);
  clock_.n_steps = end.n_steps;
  end_ = clock_.slices();
  limit_ = kNoSliceLimit;
  pump();
}

void SliceActor::add_checkpoint(Step slice) {
  if (slice < next_) throw std::logic_error("a checkpoint after slice " + std::to_string(slice) + ", already run");
  const auto at = std::lower_bound(checkpoint_slices_.begin() + static_cast<std::ptrdiff_t>(next_checkpoint_),
                                   checkpoint_slices_.end(), slice);
  if (at == checkpoint_slices_.end() || *at != slice) checkpoint_slices_.insert(at, slice);
}

void SliceActor::checkpoint(Step slice, const SliceOutput& out) {
  auto c = std::make_shared<ShardCheckpoint>();
  c->slice = slice;
  c->shard_id = shard_->id();
  c->blob = save_shard_checkpoint(*shard_, slice, out);
  c->actor_state = save_actor_state();
  shard_->append_weights(c->weights);
  send(coordinator_, checkpoint_atom::value, ShardCheckpointPtr(std::move(c)));
}

void SliceActor::pump() {
  while (next_ < end_ && next_ < limit_ && inbox_.ready(next_)) {
    inbox_.take(next_, input_, held_, held_errors_);
    input_.first_step = clock_.first_step(next_);
    input_.steps = clock_.steps_in(next_);
    SliceOutput out = shard_->advance(input_);
    observe(next_, out);
    if (next_checkpoint_ < checkpoint_slices_.size() && checkpoint_slices_[next_checkpoint_] == next_) {
      ++next_checkpoint_;
      checkpoint(next_, out);
    }
    send_output(out);
    held_.clear();
    held_errors_ = nullptr;
    ++next_;
  }
  if (next_ == end_ && !reported_done_) {
    reported_done_ = true;
    send(coordinator_, done_atom::value, shard_->id());
  }
}

void SliceActor::send_spikes(SliceOutput& out) {
  // One immutable batch, shared by every subscriber.
  auto batch = std::make_shared<const SpikeBatch>(std::move(out.spikes));
  for (const caf::actor& a : spike_subscribers_) send(a, batch);
}

}  // namespace eligo::actors
