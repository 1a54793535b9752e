#pragma once
// What `eligo train` left in its output directory, read back into plain structs for `eligo plot`.
// Reading only: no figure is drawn here, so the formats can be tested apart from gnuplot.
//
// Files (fields may be missing unless marked required):
//   metrics.jsonl              one JSON object per iteration: iteration (required, 1-based), loss,
//                              accuracy (classification), spikes, rate_hz, wall_seconds
//   evaluations.jsonl          optional; one JSON object per held-out evaluation: iteration (required),
//                              accuracy, loss, samples
//   recording/spikes.tsv       optional; '#' header, then step<TAB>population (in|rec)<TAB>neuron
//   recording/readout.tsv      optional; '#' header, then step<TAB>readout<TAB>signal<TAB>target
//   summary.json               optional here; name, task
// A JSON null (how nlohmann writes NaN) counts as a missing field.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace eligo::cli {

// A problem in one file of the run directory; the message names the file and, for line-based files,
// the line ("<file>:<line>: <problem>").
class RunFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct IterationMetrics {
  std::int64_t iteration = 0;
  std::optional<double> loss;
  std::optional<double> accuracy;
  std::optional<std::int64_t> spikes;
  std::optional<double> rate_hz;
  std::optional<double> wall_seconds;
};

struct HeldOutEvaluation {
  std::int64_t iteration = 0;
  std::optional<double> accuracy;
  std::optional<double> loss;
  std::optional<std::int64_t> samples;
};

enum class Population { input, recurrent };

struct RecordedSpike {
  std::int64_t step = 0;
  Population population = Population::input;
  std::int64_t neuron = 0;  // index within its population
};

struct ReadoutSample {
  std::int64_t step = 0;
  std::int64_t readout = 0;
  double signal = 0.0;
  double target = 0.0;  // may be NaN where the task sets no target
};

struct RunResults {
  std::filesystem::path dir;
  std::string name;  // summary.json "name", else the directory's name
  std::string task;  // summary.json "task", empty when absent
  std::vector<IterationMetrics> metrics;
  std::vector<HeldOutEvaluation> evaluations;         // empty when evaluations.jsonl is absent
  std::optional<std::vector<RecordedSpike>> spikes;   // set when recording/spikes.tsv exists
  std::optional<std::vector<ReadoutSample>> readout;  // set when recording/readout.tsv exists
};

// Reads the whole directory. Throws RunFileError when dir or metrics.jsonl is missing or any present
// file is malformed.
RunResults read_run_results(const std::filesystem::path& dir);

// The readers of the single files, for tests and for other tools.
std::vector<IterationMetrics> read_metrics(const std::filesystem::path& file);
std::vector<HeldOutEvaluation> read_evaluations(const std::filesystem::path& file);
std::vector<RecordedSpike> read_spike_recording(const std::filesystem::path& file);
std::vector<ReadoutSample> read_readout_recording(const std::filesystem::path& file);

}  // namespace eligo::cli
