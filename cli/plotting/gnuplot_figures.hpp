#pragma once
// Draws the figures of one training run with gnuplot: for each figure it writes plain data files and a
// gnuplot script into the plots directory, runs the gnuplot program on the script (no shell), and
// checks that the PNG appeared (cli/process/subprocess.hpp). Data and scripts stay next to the PNGs so
// that users can edit them and re-run `cd <plots> && gnuplot <figure>.gp`.
//
//   training.png   loss vs iteration; a second panel (0–1) with training and held-out accuracy when recorded
//   raster.png     spike raster, input and recurrent populations in two panels (recording/spikes.tsv)
//   readout.png    each readout's signal and target vs step, one panel per readout (recording/readout.tsv)
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "actors/session/run_directory.hpp"

namespace eligo::cli {

// gnuplot could not be started, failed, or wrote no image; the message names the command, the
// directory it ran in, and gnuplot's exit status and error output.
class GnuplotError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct FigureOptions {
  std::string gnuplot = "gnuplot";  // program: a name looked up in PATH, or a path
};

// Draws every figure whose input is in `run` into plots_dir (created if missing) and returns the PNGs
// written, in order. Logs each one. Throws GnuplotError, or std::runtime_error when a file cannot be
// written.
std::vector<std::filesystem::path> draw_figures(const session::RunDirectoryContents& run,
                                                const std::filesystem::path& plots_dir,
                                                const FigureOptions& options = {});

}  // namespace eligo::cli
