#include "cli/fashion_mnist_command.hpp"

#include <spdlog/spdlog.h>

#include <memory>
#include <string>
#include <vector>

#include "cli/conversion_options.hpp"
#include "cli/guarded_run.hpp"
#include "runtime/data/conversion/fashion_mnist_converter.hpp"
#include "runtime/data/formats/fashion_mnist.hpp"

namespace eligo::cli {
namespace {

const std::string kCommand = "fashion-mnist-events";

struct FashionMnistEventsOptions {
  std::filesystem::path source{std::string(kFashionMnistFolder)};
  FashionMnistConversionOptions conversion;
};

int run_fashion_mnist_events(const FashionMnistEventsOptions& o) {
  // Check the options before reading 30 MB of images, not after.
  if (const std::string problem = validate(o.conversion.sensor); !problem.empty()) {
    spdlog::error("{}: {}", kCommand, problem);
    return 2;
  }
  // The data set is an optional Debian package (30 MB, not installed by deploy/setup.sh): say which.
  if (const std::vector<std::string> missing = missing_fashion_mnist_files(o.source); !missing.empty()) {
    std::string names;
    for (const std::string& m : missing) names += (names.empty() ? "" : ", ") + m;
    spdlog::error(
        "{}: Fashion-MNIST is not in {} (missing {}): install it with `apt-get install {}`, or pass "
        "--source DIR with the four IDX files",
        kCommand, o.source.string(), names, kFashionMnistDebianPackage);
    return 2;
  }
  const FashionMnist set = read_fashion_mnist(o.source, o.conversion.train_per_class, o.conversion.test_per_class);
  spdlog::info("{}: {} Train and {} Test images from {}, output in {}", kCommand, set.train.count(), set.test.count(),
               o.source.string(), o.conversion.out.string());
  const EventConversionSummary s = convert_fashion_mnist_to_events(set, o.conversion, progress_logger(kCommand));
  log_summary(kCommand, s, o.conversion.out);
  return 0;
}

}  // namespace

void add_fashion_mnist_events_command(CLI::App& data, int& exit_code) {
  auto o = std::make_shared<FashionMnistEventsOptions>();
  CLI::App* cmd = data.add_subcommand(
      kCommand, "Convert Fashion-MNIST (Debian package dataset-fashion-mnist) into N-MNIST event files (docs/data.md)");
  cmd->add_option("--out", o->conversion.out, "Output folder: Train/<class>/*.bin, Test/<class>/*.bin, conversion.json")
      ->required();
  cmd->add_option("--source", o->source, "Folder with the four gzipped IDX files")->capture_default_str();
  cmd->add_option("--train-per-class", o->conversion.train_per_class,
                  "Training images per class to convert (0: all 6,000)")
      ->capture_default_str();
  cmd->add_option("--test-per-class", o->conversion.test_per_class, "Test images per class to convert (0: all 1,000)")
      ->capture_default_str();
  cmd->add_option("--seed", o->conversion.seed, "Seed of the pixels' threshold mismatch")->capture_default_str();
  add_sensor_options(*cmd, o->conversion.sensor);
  cmd->add_flag("--overwrite", o->conversion.overwrite, "Replace an earlier conversion in --out");
  cmd->callback([o, &exit_code] { run_guarded(exit_code, [&] { return run_fashion_mnist_events(*o); }); });
}

}  // namespace eligo::cli
