#pragma once
// Conservative slice synchronization (docs/architecture.md §2): an actor may run slice k once it holds the
// slice k−1 spike batch of every actor that feeds it and, where it listens to the supervisor, the
// error batch of slice k − error_lag. Batches may arrive in any order and up to a few slices early;
// the inbox keeps them by slice until they are used.
#include <cstdint>
#include <map>
#include <vector>

#include "actors/messages.hpp"
#include "runtime/network/shard.hpp"

namespace eligo::actors {

class SliceInbox {
 public:
  // error_lag 0: no error batches needed. 1: recurrent shards (errors of k−1 in phase A of k).
  // W > 1: input sources, which use the supervisor's broadcast only as a clock to stay at most W
  // slices ahead.
  SliceInbox(std::uint32_t feeders, Step error_lag) : feeders_(feeders), error_lag_(error_lag) {}

  void add(SpikeBatchPtr batch) { spikes_[batch->slice].push_back(std::move(batch)); }
  void add(ErrorBatchPtr batch) { errors_[batch->slice] = std::move(batch); }

  bool ready(Step k) const {
    if (k > 0 && feeders_ > 0) {
      auto it = spikes_.find(k - 1);
      if (it == spikes_.end() || it->second.size() < feeders_) return false;
    }
    const Step e = k - error_lag_;
    if (error_lag_ > 0 && e >= 0 && e > consumed_through_ && errors_.find(e) == errors_.end()) return false;
    return true;
  }

  // After a resume at slice S+1: the error batches before slice S were consumed before the checkpoint
  // (the supervisor sends slice S's again, the spike batches of slice S come again from every feeder).
  void resume_after(Step s) { consumed_through_ = s - 1; }

  // Moves the inputs of slice k out of the inbox; `in` points into `held`, which must outlive its use.
  void take(Step k, SliceInput& in, std::vector<SpikeBatchPtr>& held, ErrorBatchPtr& held_errors) {
    in.slice = k;
    in.spikes.clear();
    held.clear();
    if (auto it = spikes_.find(k - 1); it != spikes_.end()) {
      held = std::move(it->second);
      spikes_.erase(it);
    }
    for (const SpikeBatchPtr& b : held) in.spikes.push_back(b.get());
    held_errors = nullptr;
    in.errors = nullptr;
    if (auto it = errors_.find(k - error_lag_); error_lag_ > 0 && it != errors_.end()) {
      held_errors = std::move(it->second);
      errors_.erase(it);
      if (error_lag_ == 1) in.errors = held_errors.get();
    }
  }

 private:
  std::uint32_t feeders_;
  Step error_lag_;
  std::map<Step, std::vector<SpikeBatchPtr>> spikes_;
  std::map<Step, ErrorBatchPtr> errors_;
  Step consumed_through_ = -1;
};

}  // namespace eligo::actors
