#pragma once
// `eligo bench stream CONFIG`: streams a config's own samples to an in-process `eligo serve` and
// prints the throughput and latency of the session as one JSON line (docs/benchmark.md, "Streaming
// sessions"); with --check-offline also the offline run's digest, which must be the stream's.
#include <CLI/CLI.hpp>

namespace eligo::cli {

// Adds `stream` under `bench` and returns it: bench's own callback skips when it was parsed.
CLI::App* add_bench_stream_command(CLI::App& bench, int& exit_code);

}  // namespace eligo::cli
