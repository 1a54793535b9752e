#pragma once
// The figures at the end of `eligo train`: drawn at once when gnuplot is installed, so that a user
// sees the result of a run without a second command; otherwise the reason and the one command that
// draws them later.
#include <filesystem>

namespace eligo::cli {

// Draws the figures of the run directory `out` into out/plots (gnuplot_figures.hpp) and logs the path
// of the readout figure. A missing gnuplot or a failing one is logged, never thrown: the run's own
// files are complete either way, and `eligo plot DIR` draws them later.
void draw_figures_after_training(const std::filesystem::path& out);

}  // namespace eligo::cli
