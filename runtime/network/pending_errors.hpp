#pragma once
// Readout errors on their way to a recurrent shard through the feedback connections (docs/numerics.md §7, §16):
// each step's error vector waits here until the step it arrives in. Shared by both variants' recurrent shards,
// with one checkpoint format.
#include <cstddef>
#include <deque>
#include <vector>

#include "runtime/core/spike_batch.hpp"
#include "runtime/core/time.hpp"

namespace eligo {

class StateReader;
class StateWriter;

struct PendingErrors {
  Step arrival;
  Step step;                // the readout step they belong to
  std::vector<double> eps;  // one per readout
};

class PendingErrorQueue {
 public:
  // Every step of the batch, arriving `delay` steps after it.
  void add(const ErrorBatch& batch, Step delay);
  bool due(Step t) const { return !errors_.empty() && errors_.front().arrival <= t; }
  const PendingErrors& front() const { return errors_.front(); }
  void pop() { errors_.pop_front(); }

  // Section "pending_errors"; a load checks that each vector holds at least `readouts_needed` values and changes
  // nothing when it fails.
  void save_state(StateWriter& w) const;
  void load_state(StateReader& r, std::size_t readouts_needed);

 private:
  std::deque<PendingErrors> errors_;  // in order of arrival
};

}  // namespace eligo
