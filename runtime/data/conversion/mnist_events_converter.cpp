#include "runtime/data/conversion/mnist_events_converter.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
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
void write_manifest(const MnistDigits& digits, const MnistConversionOptions& o, const MnistConversionSummary& s) {
  nlohmann::ordered_json j;
  j["format"] = "N-MNIST binary events (Orchard et al. 2015): <split>/<digit>/<n>.bin";
  j["source"] = {{"package", std::string(kMnistPackageSpec)},
                 {"version", digits.version},
                 {"integrity", digits.integrity},
                 {"is_registry_tarball", digits.integrity == kMnistPackageIntegrity}};
  j["seed"] = o.seed;
  j["per_digit"] = o.per_digit;
  j["test_fraction"] = o.test_fraction;
  j["split_rule"] =
      "per digit, in package order: the last round(n * test_fraction) (at least 1 if test_fraction > 0 and n >= 2) of "
      "the first n images are Test";
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

MnistConversionSummary convert_mnist_to_events(const MnistDigits& digits, const MnistConversionOptions& o,
                                               const ConversionProgress& progress) {
  if (const std::string problem = validate(o.sensor); !problem.empty()) throw std::invalid_argument(problem);
  if (!(o.test_fraction >= 0.0 && o.test_fraction < 1.0)) {
    throw std::invalid_argument("test fraction must be in [0, 1)");
  }
  const auto start = std::chrono::steady_clock::now();
  prepare_output(o.out, o.overwrite);

  std::array<std::size_t, 10> take{};
  std::size_t total = 0;
  for (std::size_t d = 0; d < 10; ++d) {
    const std::size_t available = digits.images[d].size();
    take[d] = o.per_digit == 0 ? available : std::min(o.per_digit, available);
    total += take[d];
  }

  MnistConversionSummary summary;
  for (std::size_t d = 0; d < 10; ++d) {
    auto n_test = static_cast<std::size_t>(std::llround(static_cast<double>(take[d]) * o.test_fraction));
    // A quick run (--per-digit 2) must still give a Test split the N-MNIST reader accepts.
    if (o.test_fraction > 0 && n_test == 0 && take[d] >= 2) n_test = 1;
    const std::size_t n_train = take[d] - n_test;
    for (std::size_t i = 0; i < take[d]; ++i) {
      CounterRng rng(o.seed, d, i);
      const std::vector<NmnistEvent> events = simulate_saccade_events(digits.images[d][i], o.sensor, rng);
      const bool is_train = i < n_train;
      std::size_t& count = is_train ? summary.train[d] : summary.test[d];
      const fs::path final_path = o.out / (is_train ? "Train" : "Test") / std::to_string(d) / sample_name(++count);
      // ".tmp", not ".bin": a leftover from a killed run is never listed as a sample.
      const fs::path tmp = final_path.string() + ".tmp";
      write_nmnist_file(tmp, events);
      publish(tmp, final_path);
      summary.events += events.size();
      ++summary.samples;
      if (progress) progress(summary.samples, total);
    }
  }
  write_manifest(digits, o, summary);
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace eligo
