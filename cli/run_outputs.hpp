#pragma once
// What `eligo train` writes into its output directory (docs/architecture.md §9), one writer per file:
//   metrics.jsonl      one JSON object per training iteration (loss, accuracy, spikes, rates, time)
//   evaluations.jsonl  one JSON object per held-out evaluation (accuracy, loss, samples)
//   recording/         spikes.tsv and readout.tsv of the run's last sequence, for `eligo plot`
//   summary.json       written last, atomically
// Every line is flushed as soon as it is known, so an interrupted run loses nothing it reported.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "actors/messages.hpp"
#include "runtime/network/network_description.hpp"

namespace eligo::cli {

// An append-only JSON-lines file. On resume the lines after the checkpoint's iteration are dropped,
// so the file reads as if the run had never stopped.
class JsonLines {
 public:
  // keep_through_iteration < 0: start a new file; otherwise keep lines with "iteration" ≤ it.
  JsonLines(std::filesystem::path path, std::int64_t keep_through_iteration);
  void append(const nlohmann::ordered_json& line);
  const std::vector<nlohmann::json>& kept() const { return kept_; }

 private:
  std::vector<nlohmann::json> kept_;
  std::filesystem::path path_;
  std::ofstream out_;
};

// recording/spikes.tsv (input spikes from the task, recurrent spikes from the run) and
// recording/readout.tsv for the steps of `recording`.
void write_recording(const std::filesystem::path& out_dir, const actors::Recording& recording,
                     const NetworkDescription& net, Step steps);

}  // namespace eligo::cli
