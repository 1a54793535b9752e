#pragma once
#include <CLI/CLI.hpp>

namespace eligo::cli {

// `eligo bench`: builds the standard benchmark network (docs/benchmark.md), trains it and
// prints one JSON object of figures.
void add_bench_command(CLI::App& app, int& exit_code);

}  // namespace eligo::cli
