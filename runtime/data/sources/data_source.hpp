#pragma once
// Where a run's stimulus comes from (docs/architecture.md §3.1): a data source yields samples one at a
// time, on demand, and never holds the run. A sample is what the network sees in `sequence` steps: the
// input spikes at steps relative to the sample's start, and its supervision (a label, or a target value
// per readout and step). SampleStream (sample_stream.hpp) lays the samples out on the time line.
//
// The sources of the tasks are pure functions of the config and its seed (a frozen raster, trials drawn
// from the seed, the files of a labelled folder), so every shard that needs stimulus opens a source of
// its own and all of them see the same samples, in any number of threads, shards or processes. A source
// may also block in next() until its sample exists (a client connection); runtime/ itself never waits.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "runtime/core/time.hpp"

namespace eligo {

struct InputSpike {
  Step step;            // relative to the sample's first step, 0 … sequence−1
  std::uint32_t input;  // input neuron
  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 misreads the 0 of a defaulted <=>.
  auto operator<=>(const InputSpike&) const = default;
};

// Per readout, the target of each of the sample's steps ([n_out][sequence]); shared, as a sine-wave
// source hands out the same patterns with every sample.
using TargetPatterns = std::shared_ptr<const std::vector<std::vector<double>>>;

struct Sample {
  std::vector<InputSpike> spikes;  // any order; repeated (step, input) pairs are several spikes
  std::uint32_t label = 0;         // classification: readout index
  TargetPatterns targets;          // regression: set, and the label is ignored
};

// What a consumer needs of a sample: the readout shard reads only the supervision, and a source that
// can (a labelled folder: the label is the folder) then skips reading the spikes.
enum class SampleParts { all, supervision };

class DataSource {
 public:
  virtual ~DataSource() = default;
  // The next sample, or nullopt when the source has no more.
  virtual std::optional<Sample> next(SampleParts parts) = 0;
  // Passes over n samples (a consumer that starts mid-run, e.g. on resume). The default reads them;
  // sources that can seek override it.
  virtual void skip(std::int64_t n);
  // How many samples the source gives in all, once it knows (a stream that has closed); nullopt while
  // more may come. Only open-ended runs ask.
  virtual std::optional<std::int64_t> total() const { return std::nullopt; }
};

// Opens a fresh source positioned at its first sample. Each consumer calls it once (or again to rewind).
using DataSourceFactory = std::function<std::unique_ptr<DataSource>()>;

}  // namespace eligo
