#pragma once
// Lays samples out on the time line, one after another, each `sequence` steps long, as NEST's
// classification examples do (docs/numerics.md §15), and answers for a window of steps which input
// arrivals and which targets and learning window it holds (docs/architecture.md §3.1):
//
//   step 1 + s·S + r    input i receives the spikes of sample s at relative step r (0 ≤ r < S)
//   step 2 + s·S + r    every readout's target is the sample's value for step r (classification:
//                       target_value on the label's readout, 0 elsewhere); the learning window is
//                       open for r ≥ S − W (the sample's last W steps)
//   after the task      targets and window keep their last values
//
// The stream pulls samples from its data source on demand and holds only those the current window
// needs plus at most `read_ahead` more: memory does not grow with the run. Windows move forward; one
// that starts earlier than the samples held (a shard restored from a checkpoint) reopens the source.
#include <cstdint>
#include <deque>
#include <utility>
#include <vector>

#include "runtime/data/sources/data_source.hpp"

namespace eligo {

inline constexpr Step kTaskOffsetGen = 1;      // generators deliver from step 1 on
inline constexpr Step kTaskTotalOffset = 2;    // offset_gen + the one-step delay input → rec
inline constexpr Step kBsshslmTaskOffset = 4;  // offset_gen + delay_in_rec + delay_rec_out + delay_out_norm

struct SampleLayout {
  Step sequence = 0;         // steps per sample
  Step learning_window = 0;  // the sample's last steps whose error counts (1 … sequence)
  double target_value = 1.0;
  std::int64_t group_size = 1;  // samples per iteration
  bool final_update_spike = true;
  // The first step the readouts see a sample's targets: offset_gen + the delays in front of them (2; NEST's
  // original variant, with its delay_rec_out and delay_out_norm, 4: kBsshslmTaskOffset).
  Step supervision_offset = 2;
};

// Everything a consumer needs to open its own stream; copied freely (NetworkDescription holds one).
struct SampleStreamPlan {
  SampleLayout layout;
  std::int64_t samples = 0;  // samples in the run
  // A stream's run (docs/architecture.md §10): `samples` is only a bound, and the task ends where the
  // source says it has ended (DataSource::total).
  bool open_ended = false;
  std::uint32_t n_in = 0, n_out = 0;
  DataSourceFactory source;
  std::int64_t read_ahead = 2;  // samples pulled beyond the one in use
};

// (absolute step, input index relative to the requested range)
using StepArrival = std::pair<Step, std::uint32_t>;

class SampleStream {
 public:
  SampleStream(SampleStreamPlan plan, SampleParts parts);

  // Sample `index` (0 … samples−1), validated: pulls up to index + read_ahead and drops the samples
  // before index. Throws std::invalid_argument naming the sample for an input, step or label out of
  // range, or when the source ends early.
  const Sample& sample(std::int64_t index);

  // Appends the arrivals of steps [first, first + steps) into inputs [first_input, first_input + n),
  // ordered by (step, input), input relative to first_input.
  void input_arrivals(Step first, Step steps, std::uint32_t first_input, std::uint32_t n,
                      std::vector<StepArrival>& out);
  // The target of every readout (targets.size() == n_out) and the learning window in step t.
  void supervision(Step t, std::vector<double>& targets, double& window);

  const SampleStreamPlan& plan() const { return plan_; }
  std::int64_t pulled() const { return next_index_; }  // samples taken from the current source so far
  std::size_t held() const { return held_.size(); }

 private:
  void reopen();
  void pull();
  void learn_end(std::int64_t wanted);
  SampleStreamPlan plan_;
  SampleParts parts_;
  std::unique_ptr<DataSource> source_;
  std::deque<Sample> held_;  // samples first_held_ … next_index_ − 1
  std::int64_t first_held_ = 0;
  std::int64_t next_index_ = 0;  // the source's next sample
};

}  // namespace eligo
