#pragma once
// The straightforward layout of a sample stream that the engine no longer builds: every sample of the
// run expanded into explicit per-input spike lists, target signals and learning window for the whole
// run, as the loader did before the stimulus was streamed (docs/architecture.md §3.1). Tests compare
// the stream against it, and feed it to the explicit path of the shards, on small runs.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "runtime/data/sources/data_source.hpp"
#include "runtime/network/network_description.hpp"

namespace eligo::test {

// A fixed list of samples as a data source, counting how many were taken.
class ListSource final : public DataSource {
 public:
  ListSource(std::vector<Sample> samples, std::shared_ptr<std::int64_t> taken = nullptr)
      : samples_(std::move(samples)), taken_(std::move(taken)) {}
  std::optional<Sample> next(SampleParts) override {
    if (index_ >= samples_.size()) return std::nullopt;
    if (taken_) ++*taken_;
    return samples_[index_++];
  }

 private:
  std::vector<Sample> samples_;
  std::size_t index_ = 0;
  std::shared_ptr<std::int64_t> taken_;
};

inline DataSourceFactory list_source(std::vector<Sample> samples, std::shared_ptr<std::int64_t> taken = nullptr) {
  return [samples = std::move(samples), taken] { return std::make_unique<ListSource>(samples, taken); };
}

// net with its sample stream replaced by explicit lists for the whole run.
inline NetworkDescription expand_sample_stream(NetworkDescription net) {
  if (!net.sample_stream) return net;
  const SampleStreamPlan plan = *net.sample_stream;
  net.sample_stream.reset();
  net.input_spike_steps.assign(net.n_in, {});
  net.targets.assign(net.n_out, StepSignal{});
  net.learning_window = StepSignal{};
  const SampleLayout& l = plan.layout;
  std::unique_ptr<DataSource> source = plan.source();
  for (std::int64_t s = 0; s < plan.samples; ++s) {
    std::optional<Sample> sample = source->next(SampleParts::all);
    if (!sample) throw std::invalid_argument("the source ended early");
    std::vector<InputSpike> spikes = sample->spikes;
    std::stable_sort(spikes.begin(), spikes.end(),
                     [](const InputSpike& a, const InputSpike& b) { return a.step < b.step; });
    const Step start = s * l.sequence;
    for (const InputSpike& x : spikes) net.input_spike_steps[x.input].push_back(kTaskOffsetGen + start + x.step);
    const Step first = kTaskTotalOffset + start;
    for (std::uint32_t k = 0; k < net.n_out; ++k) {
      if (sample->targets) {
        for (Step r = 0; r < l.sequence; ++r) {
          net.targets[k].time.push_back(first + r);
          net.targets[k].value.push_back((*sample->targets)[k][static_cast<std::size_t>(r)]);
        }
      } else {
        net.targets[k].time.push_back(first);
        net.targets[k].value.push_back(k == sample->label ? l.target_value : 0.0);
      }
    }
    const Step open = first + l.sequence - l.learning_window;
    if (sample->targets && !net.learning_window.value.empty() && open == first) continue;  // the window stays open
    if (open > first) {
      net.learning_window.time.push_back(first);
      net.learning_window.value.push_back(0.0);
    }
    net.learning_window.time.push_back(open);
    net.learning_window.value.push_back(1.0);
  }
  return net;
}

}  // namespace eligo::test
