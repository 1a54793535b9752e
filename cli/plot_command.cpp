#include "cli/plot_command.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <memory>
#include <string>

#include "actors/session/run_directory.hpp"
#include "cli/guarded_run.hpp"
#include "cli/plotting/gnuplot_figures.hpp"

namespace eligo::cli {
namespace {

namespace fs = std::filesystem;

struct PlotOptions {
  std::string dir;
  FigureOptions figures;
};

int run_plot(const PlotOptions& o) {
  const session::RunDirectoryContents run = session::read_run_directory(o.dir);
  const fs::path plots = fs::path(o.dir) / "plots";
  const auto written = draw_figures(run, plots, o.figures);
  spdlog::info("plot: {} figure(s) in {}; edit and re-run with: cd {} && gnuplot <figure>.gp", written.size(),
               plots.string(), plots.string());
  return 0;
}

}  // namespace

void add_plot_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<PlotOptions>();
  CLI::App* cmd = app.add_subcommand("plot", "Draw the output directory of `eligo train` as PNG figures (gnuplot)");
  cmd->footer(
      "Writes into DIR/plots: training.png (loss; training and held-out accuracy when recorded), raster.png\n"
      "(from recording/spikes.tsv) and readout.png (from recording/readout.tsv), only those whose inputs exist.\n"
      "The gnuplot data files (*.dat) and scripts (*.gp) stay in DIR/plots: edit them and re-run with\n"
      "  cd DIR/plots && gnuplot training.gp");
  // No CLI::ExistingDirectory check: the reader's own message names the path and what is expected.
  cmd->add_option("dir", o->dir, "Output directory of eligo train (holds metrics.jsonl)")->required();
  cmd->add_option("--gnuplot", o->figures.gnuplot, "gnuplot program to run (name in PATH or path)")
      ->capture_default_str();
  cmd->callback([o, &exit_code] { run_guarded(exit_code, [&] { return run_plot(*o); }); });
}

}  // namespace eligo::cli
