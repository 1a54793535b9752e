#include "cli/plotting/run_figures.hpp"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <string>
#include <string_view>

#include "actors/session/run_directory.hpp"
#include "cli/plotting/gnuplot_figures.hpp"

namespace eligo::cli {
namespace {

namespace fs = std::filesystem;

// Whether a program of this name is an executable file in one of PATH's folders.
bool in_path(std::string_view program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  std::string_view dirs(path);
  while (!dirs.empty()) {
    const std::size_t colon = dirs.find(':');
    const std::string_view dir = dirs.substr(0, colon);
    std::error_code ec;
    const fs::path candidate = fs::path(dir.empty() ? "." : std::string(dir)) / program;
    if (fs::is_regular_file(candidate, ec) &&
        (fs::status(candidate, ec).permissions() & fs::perms::others_exec) != fs::perms::none)
      return true;
    if (colon == std::string_view::npos) break;
    dirs.remove_prefix(colon + 1);
  }
  return false;
}

}  // namespace

void draw_figures_after_training(const fs::path& out) {
  const std::string later = "eligo plot " + out.string();
  if (!in_path("gnuplot")) {
    spdlog::info("train: no figures drawn: gnuplot is not installed (apt-get install gnuplot-nox); then run: {}",
                 later);
    return;
  }
  try {
    const auto written = draw_figures(session::read_run_directory(out), out / "plots");
    for (const fs::path& png : written)
      if (png.filename() == "readout.png") spdlog::info("train: the readout against its target: {}", png.string());
  } catch (const std::exception& e) {
    spdlog::warn("train: no figures drawn: {}; the run is complete, draw them with: {}", e.what(), later);
  }
}

}  // namespace eligo::cli
