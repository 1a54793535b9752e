// The writing half of run_directory.hpp. The layout of every file (field order, number formatting,
// TSV headers) is what `eligo plot` and users' scripts read; change it only together with the reader.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>
#include <utility>

#include "actors/session/run_directory.hpp"
#include "runtime/core/atomic_file.hpp"

namespace eligo::session {

namespace fs = std::filesystem;

RunDirectoryWriter::JsonLines::JsonLines(const fs::path& path, std::int64_t keep_through_iteration,
                                         std::vector<IterationMetrics>* kept) {
  std::string kept_text;
  if (keep_through_iteration >= 0) {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
      // Lenient: a line cut short by the interruption is dropped, not an error.
      const auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (!j.is_object() || !j.contains(fields::kIteration) || !j[fields::kIteration].is_number_integer()) continue;
      const std::int64_t iteration = j[fields::kIteration].get<std::int64_t>();
      if (iteration > keep_through_iteration) continue;
      kept_text += line + "\n";
      if (kept == nullptr) continue;
      IterationMetrics m;
      m.iteration = iteration;
      if (const auto it = j.find(fields::kLoss); it != j.end() && it->is_number()) m.loss = it->get<double>();
      kept->push_back(m);
    }
  }
  write_file_atomically(path, kept_text);
  out_ = std::make_unique<AppendFile>(path);
}

void RunDirectoryWriter::JsonLines::append(const std::string& line) { out_->append(line + '\n'); }

RunDirectoryWriter::RunDirectoryWriter(fs::path dir, std::int64_t keep_through_iteration)
    : dir_(std::move(dir)),
      metrics_(dir_ / files::kMetrics, keep_through_iteration, &kept_metrics_),
      evaluations_(dir_ / files::kEvaluations, keep_through_iteration, nullptr) {}

void RunDirectoryWriter::append(const IterationMetrics& m) {
  nlohmann::ordered_json line{{fields::kIteration, m.iteration}};
  if (m.loss) line[fields::kLoss] = *m.loss;
  if (m.accuracy) line[fields::kAccuracy] = *m.accuracy;
  if (m.spikes) line[fields::kSpikes] = *m.spikes;
  if (m.rate_hz) line[fields::kRateHz] = *m.rate_hz;
  if (m.wall_seconds) line[fields::kWallSeconds] = *m.wall_seconds;
  metrics_.append(line.dump());
}

void RunDirectoryWriter::append(const HeldOutEvaluation& e) {
  nlohmann::ordered_json line{{fields::kIteration, e.iteration}};
  if (e.accuracy) line[fields::kAccuracy] = *e.accuracy;
  if (e.loss) line[fields::kLoss] = *e.loss;
  if (e.samples) line[fields::kSamples] = *e.samples;
  evaluations_.append(line.dump());
}

void RunDirectoryWriter::write_recording(const actors::Recording& recording, const NetworkDescription& net,
                                         Step steps) const {
  const fs::path dir = dir_ / files::kRecording;
  fs::create_directories(dir);
  const Step begin = recording.first_step, end = recording.first_step + steps;

  const std::vector<std::pair<Step, std::uint32_t>> input = input_spikes_between(net, begin, end);
  std::ostringstream spikes;
  spikes << columns::kSpikesHeader;
  for (const auto& [t, i] : input) spikes << t << '\t' << populations::kInput << '\t' << i << '\n';
  for (const auto& [t, j] : recording.rec_spikes) spikes << t << '\t' << populations::kRecurrent << '\t' << j << '\n';
  write_file_atomically(dir / files::kSpikes, spikes.str());

  std::ostringstream readout;
  readout.precision(10);
  readout << columns::kReadoutHeader;
  const std::size_t n_out = recording.n_out;
  for (std::size_t row = 0; n_out > 0 && row < recording.readout_signal.size() / n_out; ++row) {
    for (std::size_t k = 0; k < n_out; ++k) {
      readout << recording.first_step + static_cast<Step>(row) << '\t' << k << '\t'
              << recording.readout_signal[row * n_out + k] << '\t' << recording.target_signal[row * n_out + k] << '\n';
    }
  }
  write_file_atomically(dir / files::kReadout, readout.str());
}

namespace {

double per_spike(std::uint64_t bytes, std::uint64_t spikes) {
  return spikes > 0 ? static_cast<double>(bytes) / static_cast<double>(spikes) : 0.0;
}

}  // namespace

fs::path RunDirectoryWriter::write_summary(const RunSummary& s) const {
  namespace f = fields;
  nlohmann::ordered_json j;
  j[f::kName] = s.name;
  j[f::kTask] = s.task;
  j[f::kConfig] = s.config;
  j[f::kSeed] = s.seed;
  j[f::kIterations] = s.iterations;
  if (s.resumed_from_iteration) j[f::kResumedFromIteration] = *s.resumed_from_iteration;
  j[f::kFinalLoss] = s.final_loss;
  j[f::kBestLoss] = s.best_loss;
  if (s.final_accuracy) j[f::kFinalAccuracy] = *s.final_accuracy;
  if (s.held_out_accuracy) j[f::kHeldOutAccuracy] = *s.held_out_accuracy;
  if (s.held_out_samples) j[f::kHeldOutSamples] = *s.held_out_samples;
  j[f::kWeightsDigest] = s.weights_digest;
  j[f::kNSynapses] = s.n_synapses;
  j[f::kRecSpikes] = s.rec_spikes;
  j[f::kSynapticEvents] = s.synaptic_events;
  j[f::kHistoryEntriesMax] = s.history_entries_max;
  j[f::kThreads] = s.threads;
  j[f::kShards] = s.shards;
  j[f::kBuildSeconds] = s.build_seconds;
  j[f::kSimulateSeconds] = s.simulate_seconds;
  if (s.cluster) {
    const std::uint64_t spikes = s.rec_spikes + s.input_spikes;
    j[f::kNodes] = s.cluster->nodes;
    j[f::kDataBytesSent] = s.cluster->data_bytes_sent;
    j[f::kDataBytesPerSpike] = per_spike(s.cluster->data_bytes_sent, spikes);
    // Spike frames only, per spike and per node it was sent to (empty slices included).
    j[f::kSpikeFrameBytes] = s.cluster->spike_frame_bytes;
    j[f::kErrorFrameBytes] = s.cluster->error_frame_bytes;
    j[f::kSpikeFrameBytesPerSpike] = per_spike(s.cluster->spike_frame_bytes, spikes);
  }
  j[f::kNsPerSynapticEvent] =
      s.synaptic_events > 0 ? s.simulate_seconds * 1e9 / static_cast<double>(s.synaptic_events) : 0.0;
  if (s.cluster) {
    nlohmann::ordered_json recoveries = nlohmann::ordered_json::array();
    for (const RunSummary::Recovery& r : s.recoveries) {
      nlohmann::ordered_json one;
      one["failure"] = r.failure;
      one["lost_nodes"] = r.lost_nodes;
      one["moved_shards"] = r.moved_shards;
      one["to_nodes"] = r.to_nodes;
      one["checkpoint"] = r.checkpoint.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(r.checkpoint);
      one["from_iteration"] = r.from_iteration;
      one["seconds"] = r.seconds;
      recoveries.push_back(std::move(one));
    }
    j[f::kRecoveries] = std::move(recoveries);
  }
  fs::path file = dir_ / files::kSummary;
  write_file_atomically(file, j.dump(2) + "\n");
  return file;
}

}  // namespace eligo::session
