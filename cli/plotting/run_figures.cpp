#include "cli/plotting/run_figures.hpp"

#include <spdlog/spdlog.h>

#include <string>

#include "actors/session/run_directory.hpp"
#include "cli/plotting/gnuplot_figures.hpp"

namespace eligo::cli {

namespace fs = std::filesystem;

void draw_figures_after_training(const fs::path& out) {
  const std::string later = "eligo plot " + out.string();
  try {
    const auto written = draw_figures(session::read_run_directory(out), out / "plots");
    for (const fs::path& png : written)
      if (png.filename() == "readout.png") spdlog::info("train: the readout against its target: {}", png.string());
  } catch (const std::exception& e) {  // gnuplot missing: the error asks whether it is installed
    spdlog::warn("train: no figures drawn: {}; the run is complete, draw them with: {}", e.what(), later);
  }
}

}  // namespace eligo::cli
