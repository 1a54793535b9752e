#include "cli/run_outputs.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "runtime/core/atomic_file.hpp"

namespace eligo::cli {

namespace fs = std::filesystem;

JsonLines::JsonLines(fs::path path, std::int64_t keep_through_iteration) : path_(std::move(path)) {
  std::string kept;
  if (keep_through_iteration >= 0) {
    std::ifstream in(path_);
    std::string line;
    while (std::getline(in, line)) {
      const auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (j.is_object() && j.contains("iteration") && j["iteration"].is_number_integer() &&
          j["iteration"].get<std::int64_t>() <= keep_through_iteration) {
        kept += line + "\n";
        kept_.push_back(j);
      }
    }
  }
  write_file_atomically(path_, kept);
  out_.open(path_, std::ios::app);
  if (!out_) throw std::runtime_error("cannot write " + path_.string());
}

void JsonLines::append(const nlohmann::ordered_json& line) {
  out_ << line.dump() << '\n' << std::flush;
  if (!out_) throw std::runtime_error("cannot write " + path_.string());
}

void write_recording(const fs::path& out_dir, const actors::Recording& recording, const NetworkDescription& net,
                     Step steps) {
  const fs::path dir = out_dir / "recording";
  fs::create_directories(dir);
  const Step begin = recording.first_step, end = recording.first_step + steps;

  std::vector<std::pair<Step, std::uint32_t>> input;  // (step, input neuron) in the window
  for (std::uint32_t i = 0; i < net.input_spike_steps.size(); ++i) {
    const auto& s = net.input_spike_steps[i];
    for (auto it = std::lower_bound(s.begin(), s.end(), begin); it != s.end() && *it < end; ++it)
      input.emplace_back(*it, i);
  }
  std::sort(input.begin(), input.end());
  std::ostringstream spikes;
  spikes << "# step\tpopulation\tneuron\n";
  for (const auto& [t, i] : input) spikes << t << "\tin\t" << i << '\n';
  for (const auto& [t, j] : recording.rec_spikes) spikes << t << "\trec\t" << j << '\n';
  write_file_atomically(dir / "spikes.tsv", spikes.str());

  std::ostringstream readout;
  readout.precision(10);
  readout << "# step\treadout\tsignal\ttarget\n";
  const std::size_t n_out = recording.n_out;
  for (std::size_t row = 0; n_out > 0 && row < recording.readout_signal.size() / n_out; ++row) {
    for (std::size_t k = 0; k < n_out; ++k) {
      readout << recording.first_step + static_cast<Step>(row) << '\t' << k << '\t'
              << recording.readout_signal[row * n_out + k] << '\t' << recording.target_signal[row * n_out + k] << '\n';
    }
  }
  write_file_atomically(dir / "readout.tsv", readout.str());
}

}  // namespace eligo::cli
