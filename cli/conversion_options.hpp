#pragma once
// What the image-to-events subcommands (`eligo data mnist-events`, `eligo data fashion-mnist-events`)
// share: the simulated camera's options and the progress log.
#include <CLI/CLI.hpp>
#include <string>

#include "runtime/data/conversion/event_folder_writer.hpp"
#include "runtime/data/conversion/saccade_events.hpp"

namespace eligo::cli {

// --threshold, --mismatch, --amplitude, --saccade-ms, --tick-us, --refractory-us (docs/data.md).
void add_sensor_options(CLI::App& cmd, SaccadeSensorParams& sensor);

// A log line "<command>: done/total samples, elapsed, eta" every few seconds: enough to see it move
// and when it will end, without flooding CI logs.
ConversionProgress progress_logger(const std::string& command);

// The closing log line: samples per split, mean events per sample, time, manifest.
void log_summary(const std::string& command, const EventConversionSummary& s, const std::filesystem::path& out);

}  // namespace eligo::cli
