// The pattern-generation task of NEST's sine-wave example (eprop_supervised_regression_sine-waves.py)
// and of the standard benchmark (docs/benchmark.md), with the timing of the NEST reference
// cases (tests/data/nest/README.md §3):
//
//   step 0            nothing (generators deliver from step 1 on)
//   step 1 + it·S + s parrot i receives its spike if cell (i, s) of the frozen raster is set (the raster
//                     is one sample, repeated: runtime/data/sources/sample_stream.hpp)
//   step 2 + n        readout k uses target value pattern_k[n mod S]; the learning window is open
//   step 2 + task − 1 the last step whose readout sample enters the loss (task = S · iterations)
//   step task + 1     the final-update spike reaches every parrot and recurrent neuron
//   n_steps           2 + task + 3
//
// The random numbers come from CounterRng streams of their own, keyed by the seed and the input or
// readout index, so the task is the same whatever the network's connection blocks draw.
#include "runtime/data/tasks/sine_wave_task.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <numbers>
#include <stdexcept>
#include <string>
#include <vector>

#include "runtime/network/connection_rules.hpp"

namespace eligo {
namespace {

// Streams of the task's random numbers; connection blocks use small stream numbers (1 + block index).
constexpr std::uint64_t kInputRasterStream = 0x7461736b'00000001ULL;  // "task" · 1
constexpr std::uint64_t kTargetStream = 0x7461736b'00000002ULL;

// The sequence steps in which input i spikes: a Bernoulli draw with probability p per step.
std::vector<Step> raster_row(std::uint64_t seed, std::uint32_t input, std::int64_t sequence, double p) {
  CounterRng rng(seed, kInputRasterStream, input);
  std::vector<Step> cells;
  for (Step s = 0; s < sequence; ++s)
    if (rng.uniform() < p) cells.push_back(s);
  return cells;
}

// The frozen raster as one sample: the sequence steps in which each input spikes.
std::vector<InputSpike> raster(const NetworkDescription& net, const SineWaveTaskParams& params) {
  const double p = params.input_rate_hz * net.resolution_ms / 1000.0;
  std::vector<InputSpike> spikes;
  if (!(p > 0.0)) return spikes;  // no draw can fall below 0: the raster is empty
  for (std::uint32_t i = 0; i < net.n_in; ++i)
    for (Step s : raster_row(params.seed, i, params.sequence, p)) spikes.push_back({s, i});
  return spikes;
}

// Every iteration is the same sample: the frozen raster and the readouts' patterns.
class RepeatedSample final : public DataSource {
 public:
  explicit RepeatedSample(std::shared_ptr<const Sample> sample) : sample_(std::move(sample)) {}
  std::optional<Sample> next(SampleParts parts) override {
    if (parts == SampleParts::supervision) return Sample{{}, 0, sample_->targets};
    return *sample_;
  }
  void skip(std::int64_t) override {}

 private:
  std::shared_ptr<const Sample> sample_;
};

// numpy.linspace(start, stop, n)[m]: start + m·step, with the last sample exactly stop.
double linspace(double start, double stop, std::int64_t n, std::int64_t m) {
  if (n > 1 && m == n - 1) return stop;
  const double step = n > 1 ? (stop - start) / static_cast<double>(n - 1) : 0.0;
  return static_cast<double>(m) * step + start;
}

// One readout's pattern, as NEST's generate_superimposed_sines: Σ_j A_j sin(linspace(φ_j, φ_j + 2π·(S div T_j),
// S)) with A_j ~ U(low, high) and φ_j ~ U(0, 2π) (all amplitudes drawn first), minus its first sample,
// divided by max(max |·|, 1e-6). So the pattern starts at exactly 0 and peaks at exactly ±1.
std::vector<double> sine_pattern(const SineWaveTaskParams& params, std::uint32_t readout) {
  CounterRng rng(params.seed, kTargetStream, readout);
  constexpr int kSines = 4;
  double amplitude[kSines], phase[kSines];
  for (double& a : amplitude) a = params.amplitude_low + (params.amplitude_high - params.amplitude_low) * rng.uniform();
  for (double& phi : phase) phi = 2.0 * std::numbers::pi * rng.uniform();

  const std::int64_t n = params.sequence;
  std::vector<double> pattern(static_cast<std::size_t>(n), 0.0);
  for (int j = 0; j < kSines; ++j) {
    const double cycles = std::floor(static_cast<double>(n) / params.periods_steps[j]);
    const double stop = phase[j] + 2.0 * std::numbers::pi * cycles;
    for (std::int64_t m = 0; m < n; ++m) pattern[m] += amplitude[j] * std::sin(linspace(phase[j], stop, n, m));
  }
  const double first = pattern.front();
  double peak = 0.0;
  for (double& v : pattern) {
    v -= first;
    peak = std::max(peak, std::abs(v));
  }
  const double norm = std::max(peak, 1e-6);
  for (double& v : pattern) v /= norm;
  return pattern;
}

void check(const SineWaveTaskParams& params) {
  const auto fail = [](const std::string& what) { throw std::invalid_argument("sine-wave task: " + what); };
  if (params.sequence < 1) fail("sequence must be >= 1");
  if (params.iterations < 1) fail("iterations must be >= 1");
  if (!(params.input_rate_hz >= 0.0)) fail("input_rate_hz must be >= 0");
  if (!(params.amplitude_low <= params.amplitude_high)) fail("amplitude_low must be <= amplitude_high");
  for (double t : params.periods_steps)
    if (!(t > 0.0)) fail("periods must be > 0");
}

}  // namespace

TaskTiming make_sine_wave_task(NetworkDescription& net, const SineWaveTaskParams& params) {
  check(params);
  auto patterns = std::make_shared<std::vector<std::vector<double>>>();
  for (std::uint32_t k = 0; k < net.n_out; ++k) patterns->push_back(sine_pattern(params, k));
  auto sample = std::make_shared<const Sample>(Sample{raster(net, params), 0, std::move(patterns)});
  SampleLayout layout;
  layout.sequence = params.sequence;
  layout.learning_window = params.sequence;  // open from the first step on
  layout.final_update_spike = params.final_update_spike;
  TaskTiming timing =
      lay_out_samples(net, layout, params.iterations, [sample] { return std::make_unique<RepeatedSample>(sample); });
  timing.accuracy_window = 0;  // regression
  return timing;
}

}  // namespace eligo
