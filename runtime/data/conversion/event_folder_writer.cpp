#include "runtime/data/conversion/event_folder_writer.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>

#include "runtime/data/formats/nmnist_file.hpp"

namespace eligo {
namespace {

namespace fs = std::filesystem;

const char* const kSplits[] = {"Train", "Test"};

// N-MNIST names its files with five digits; zero padding keeps name order equal to number order.
std::string sample_name(std::size_t n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%05zu.bin", n);
  return buf;
}

void create_folder(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) throw DataFileError(dir, "", "cannot create the folder: " + ec.message());
}

// Renaming a complete temporary file is what keeps a killed run from leaving half a file behind.
void publish(const fs::path& tmp, const fs::path& final_path) {
  std::error_code ec;
  fs::rename(tmp, final_path, ec);
  if (ec) throw DataFileError(final_path, "", "cannot move the written file into place: " + ec.message());
}

// An earlier conversion in `out` is replaced only on request; mixing two runs' samples would go unnoticed.
void prepare_output(const fs::path& out, bool overwrite) {
  std::error_code ec;
  for (const char* name : {"Train", "Test", "conversion.json"}) {
    const fs::path p = out / name;
    if (!fs::exists(p, ec)) continue;
    if (!overwrite) {
      throw DataFileError(
          out, "", "already holds a conversion (" + std::string(name) + "); choose another folder or pass --overwrite");
    }
    fs::remove_all(p, ec);
    if (ec) throw DataFileError(p, "", "cannot remove the earlier conversion: " + ec.message());
  }
  for (const char* split : kSplits) {
    for (int d = 0; d <= 9; ++d) create_folder(out / split / std::to_string(d));
  }
}

nlohmann::ordered_json sensor_json(const SaccadeSensorParams& p) {
  return {{"contrast_threshold", p.contrast_threshold},
          {"threshold_mismatch", p.threshold_mismatch},
          {"log_offset", p.log_offset},
          {"saccade_amplitude_px", p.saccade_amplitude_px},
          {"saccade_ms", p.saccade_ms},
          {"tick_us", p.tick_us},
          {"refractory_us", p.refractory_us}};
}

// The manifest holds no wall-clock time, so two runs with the same inputs write the same bytes.
void write_manifest(nlohmann::ordered_json j, const EventFolderOptions& o, const EventConversionSummary& s) {
  j["sensor"] = sensor_json(o.sensor);
  j["samples"] = {{"Train", s.train}, {"Test", s.test}};
  j["events"] = s.events;
  j["mean_events_per_sample"] = s.mean_events();

  const fs::path path = o.out / "conversion.json";
  const fs::path tmp = o.out / "conversion.json.tmp";
  {
    std::ofstream f(tmp, std::ios::trunc);
    f << j.dump(2) << '\n';
    f.flush();
    if (!f) throw DataFileError(tmp, "", "cannot write the file");
  }
  publish(tmp, path);
}

}  // namespace

EventConversionSummary write_event_folders(const std::vector<EventSampleSpec>& samples, const EventFolderOptions& o,
                                           nlohmann::ordered_json manifest, const ConversionProgress& progress) {
  if (const std::string problem = validate(o.sensor); !problem.empty()) throw std::invalid_argument(problem);
  for (const EventSampleSpec& s : samples) {
    if (s.image == nullptr || s.label > 9)
      throw std::invalid_argument("write_event_folders: a sample without image or class");
  }
  const auto start = std::chrono::steady_clock::now();
  prepare_output(o.out, o.overwrite);

  EventConversionSummary summary;
  for (const EventSampleSpec& s : samples) {
    CounterRng rng(o.seed, s.stream, s.index);
    const std::vector<NmnistEvent> events = simulate_saccade_events(*s.image, o.sensor, rng);
    std::size_t& count = s.test ? summary.test[s.label] : summary.train[s.label];
    const fs::path final_path = o.out / (s.test ? "Test" : "Train") / std::to_string(s.label) / sample_name(++count);
    // ".tmp", not ".bin": a leftover from a killed run is never listed as a sample.
    const fs::path tmp = final_path.string() + ".tmp";
    write_nmnist_file(tmp, events);
    publish(tmp, final_path);
    summary.events += events.size();
    ++summary.samples;
    if (progress) progress(summary.samples, samples.size());
  }
  write_manifest(std::move(manifest), o, summary);
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace eligo
