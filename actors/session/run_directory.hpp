#pragma once
// A training run's output directory (docs/architecture.md §9): every file name and field name once,
// the writer `eligo train` uses and the reader `eligo plot` uses, so the two cannot drift apart.
//
//   metrics.jsonl              one JSON object per iteration: iteration (required, 1-based), loss,
//                              accuracy (classification), spikes, rate_hz, wall_seconds
//   evaluations.jsonl          one JSON object per held-out evaluation: iteration (required),
//                              accuracy, loss, samples
//   recording/spikes.tsv       '#' header, then step<TAB>population (in|rec)<TAB>neuron
//   recording/readout.tsv      '#' header, then step<TAB>readout<TAB>signal<TAB>target
//   summary.json               written last, atomically (RunSummary)
//   checkpoints/               runtime/checkpoint/checkpoint_directory.hpp
// The writer hands every line to the kernel as soon as it is known, so an interrupted run loses nothing
// it reported; a line that does not fit (a full disk) is an error naming the file, and the file keeps
// only whole lines. The reader accepts missing fields (a JSON null, how nlohmann writes NaN, counts as
// missing) and missing optional files.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "actors/messages.hpp"
#include "runtime/core/atomic_file.hpp"
#include "runtime/network/network_description.hpp"

namespace eligo::session {

namespace files {
inline constexpr char kMetrics[] = "metrics.jsonl";
inline constexpr char kEvaluations[] = "evaluations.jsonl";
inline constexpr char kSummary[] = "summary.json";
inline constexpr char kRecording[] = "recording";
inline constexpr char kSpikes[] = "spikes.tsv";    // in recording/
inline constexpr char kReadout[] = "readout.tsv";  // in recording/
}  // namespace files

namespace fields {
// metrics.jsonl and evaluations.jsonl (and the line `eligo eval` prints)
inline constexpr char kIteration[] = "iteration";
inline constexpr char kLoss[] = "loss";
inline constexpr char kAccuracy[] = "accuracy";
inline constexpr char kSpikes[] = "spikes";
inline constexpr char kRateHz[] = "rate_hz";
inline constexpr char kWallSeconds[] = "wall_seconds";
inline constexpr char kSamples[] = "samples";
inline constexpr char kCheckpoint[] = "checkpoint";
inline constexpr char kSeconds[] = "seconds";
// summary.json
inline constexpr char kName[] = "name";
inline constexpr char kTask[] = "task";
inline constexpr char kConfig[] = "config";
inline constexpr char kSeed[] = "seed";
inline constexpr char kIterations[] = "iterations";
inline constexpr char kResumedFromIteration[] = "resumed_from_iteration";
inline constexpr char kFinalLoss[] = "final_loss";
inline constexpr char kBestLoss[] = "best_loss";
inline constexpr char kFinalAccuracy[] = "final_accuracy";
inline constexpr char kHeldOutAccuracy[] = "held_out_accuracy";
inline constexpr char kHeldOutSamples[] = "held_out_samples";
inline constexpr char kWeightsDigest[] = "weights_digest";
inline constexpr char kNSynapses[] = "n_synapses";
inline constexpr char kRecSpikes[] = "rec_spikes";
inline constexpr char kSynapticEvents[] = "synaptic_events";
inline constexpr char kHistoryEntriesMax[] = "history_entries_max";
inline constexpr char kThreads[] = "threads";
inline constexpr char kShards[] = "shards";
inline constexpr char kBuildSeconds[] = "build_seconds";
inline constexpr char kSimulateSeconds[] = "simulate_seconds";
inline constexpr char kNodes[] = "nodes";
inline constexpr char kDataBytesSent[] = "data_bytes_sent";
inline constexpr char kDataBytesPerSpike[] = "data_bytes_per_spike";
inline constexpr char kSpikeFrameBytes[] = "spike_frame_bytes";
inline constexpr char kErrorFrameBytes[] = "error_frame_bytes";
inline constexpr char kSpikeFrameBytesPerSpike[] = "spike_frame_bytes_per_spike";
inline constexpr char kNsPerSynapticEvent[] = "ns_per_synaptic_event";
inline constexpr char kRecoveries[] = "recoveries";  // train --restart: one object per recovery
}  // namespace fields

// The recordings' header lines and the population column of recording/spikes.tsv.
namespace columns {
inline constexpr char kSpikesHeader[] = "# step\tpopulation\tneuron\n";
inline constexpr char kReadoutHeader[] = "# step\treadout\tsignal\ttarget\n";
}  // namespace columns
namespace populations {
inline constexpr char kInput[] = "in";
inline constexpr char kRecurrent[] = "rec";
}  // namespace populations

// --- one line of metrics.jsonl / evaluations.jsonl, one row of the recordings -----------------------

struct IterationMetrics {
  std::int64_t iteration = 0;  // 1-based
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

// summary.json. Optional parts are written only when set, in this order.
struct RunSummary {
  std::string name, task, config;
  std::uint64_t seed = 0;
  std::int64_t iterations = 0;
  std::optional<std::int64_t> resumed_from_iteration;
  double final_loss = 0.0;  // NaN (written as null) when no iteration ran in this process
  double best_loss = 0.0;
  std::optional<double> final_accuracy;
  std::optional<double> held_out_accuracy;
  std::optional<std::int64_t> held_out_samples;
  std::string weights_digest;
  std::size_t n_synapses = 0;
  std::uint64_t rec_spikes = 0, input_spikes = 0, synaptic_events = 0;
  std::size_t history_entries_max = 0;
  std::uint32_t threads = 0, shards = 0;
  double build_seconds = 0.0, simulate_seconds = 0.0;
  struct Cluster {
    std::size_t nodes = 0;
    std::uint64_t data_bytes_sent = 0, spike_frame_bytes = 0, error_frame_bytes = 0;
  };
  std::optional<Cluster> cluster;  // cluster runs
  // train --restart: each time the run lost nodes and carried on without them.
  struct Recovery {
    std::string failure;                  // what stopped the run
    std::vector<std::string> lost_nodes;  // "name (host:port)"
    std::vector<std::uint32_t> moved_shards;
    std::vector<std::string> to_nodes;  // the nodes that took the moved shards
    std::string checkpoint;             // restored from; empty: from the start
    std::int64_t from_iteration = 0;    // iterations done at that checkpoint
    double seconds = 0.0;               // from the failure until the run went on (its next iteration)
  };
  std::vector<Recovery> recoveries;
};

// --- writing ----------------------------------------------------------------------------------------

// The files of one run as it goes. On resume the lines after the checkpoint's iteration are dropped,
// so the files read as if the run had never stopped.
class RunDirectoryWriter {
 public:
  // keep_through_iteration < 0: new files; otherwise keep the lines with iteration ≤ it.
  RunDirectoryWriter(std::filesystem::path dir, std::int64_t keep_through_iteration);

  const std::filesystem::path& dir() const { return dir_; }
  // The metrics lines kept from before the resume.
  const std::vector<IterationMetrics>& kept_metrics() const { return kept_metrics_; }

  void append(const IterationMetrics& m);
  void append(const HeldOutEvaluation& e);
  // recording/spikes.tsv (input spikes from the task, recurrent spikes from the run) and
  // recording/readout.tsv for the steps of `recording`.
  void write_recording(const actors::Recording& recording, const NetworkDescription& net, Step steps) const;
  // Returns the file written.
  std::filesystem::path write_summary(const RunSummary& s) const;

 private:
  // An append-only JSON-lines file.
  class JsonLines {
   public:
    JsonLines(const std::filesystem::path& path, std::int64_t keep_through_iteration,
              std::vector<IterationMetrics>* kept);
    void append(const std::string& line);

   private:
    std::unique_ptr<AppendFile> out_;
  };

  std::filesystem::path dir_;
  std::vector<IterationMetrics> kept_metrics_;
  JsonLines metrics_, evaluations_;
};

// --- reading ----------------------------------------------------------------------------------------

// A problem in one file of the run directory; the message names the file and, for line-based files,
// the line ("<file>:<line>: <problem>").
class RunFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct RunDirectoryContents {
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
RunDirectoryContents read_run_directory(const std::filesystem::path& dir);

// The readers of the single files, for tests and for other tools.
std::vector<IterationMetrics> read_metrics(const std::filesystem::path& file);
std::vector<HeldOutEvaluation> read_evaluations(const std::filesystem::path& file);
std::vector<RecordedSpike> read_spike_recording(const std::filesystem::path& file);
std::vector<ReadoutSample> read_readout_recording(const std::filesystem::path& file);

}  // namespace eligo::session
