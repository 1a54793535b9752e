#pragma once
#include <CLI/CLI.hpp>

namespace eligo::cli {

// `eligo plot DIR`: draws the output directory of `eligo train` as PNG figures in DIR/plots (with the
// gnuplot data files and scripts that made them).
void add_plot_command(CLI::App& app, int& exit_code);

}  // namespace eligo::cli
