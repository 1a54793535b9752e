#include "cli/conversion_options.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>

#include "cli/progress.hpp"

namespace eligo::cli {

void add_sensor_options(CLI::App& cmd, SaccadeSensorParams& sensor) {
  cmd.add_option("--threshold", sensor.contrast_threshold, "Contrast threshold: ln-intensity change per event")
      ->capture_default_str();
  cmd.add_option("--mismatch", sensor.threshold_mismatch, "Relative spread (σ) of the pixels' thresholds")
      ->capture_default_str();
  cmd.add_option("--amplitude", sensor.saccade_amplitude_px, "Saccade triangle size in pixels (0 to 6)")
      ->capture_default_str();
  cmd.add_option("--saccade-ms", sensor.saccade_ms, "Duration of each of the three saccades")->capture_default_str();
  cmd.add_option("--tick-us", sensor.tick_us, "Render step (event times are interpolated within it)")
      ->capture_default_str();
  cmd.add_option("--refractory-us", sensor.refractory_us, "Minimum time between two events of one pixel")
      ->capture_default_str();
}

ConversionProgress progress_logger(const std::string& command) {
  const auto start = std::chrono::steady_clock::now();
  auto last = std::make_shared<double>(-1e9);
  return [command, start, last](std::size_t done, std::size_t total) {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (elapsed - *last < 5.0 && done != total) return;
    *last = elapsed;
    const double eta = elapsed / static_cast<double>(done) * static_cast<double>(total - done);
    spdlog::info("{}: {}/{} samples, elapsed {}, eta {}", command, done, total, format_duration(elapsed),
                 format_duration(eta));
  };
}

void log_summary(const std::string& command, const EventConversionSummary& s, const std::filesystem::path& out) {
  std::size_t train = 0, test = 0;
  for (std::size_t c = 0; c < 10; ++c) {
    train += s.train[c];
    test += s.test[c];
  }
  spdlog::info("{}: {} samples ({} Train, {} Test), {:.0f} events per sample on average, {}; manifest {}", command,
               s.samples, train, test, s.mean_events(), format_duration(s.seconds), (out / "conversion.json").string());
}

}  // namespace eligo::cli
