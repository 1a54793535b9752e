#include "cli/plotting/gnuplot_figures.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "cli/process/subprocess.hpp"

namespace eligo::cli {
namespace {

namespace fs = std::filesystem;
using session::HeldOutEvaluation;
using session::IterationMetrics;
using session::Population;
using session::ReadoutSample;
using session::RecordedSpike;
using session::RunDirectoryContents;

// --- data files -------------------------------------------------------------------------------------

// Shortest text that reads back as the same double. "NaN" marks a value that was not recorded:
// gnuplot skips the point and breaks the line there instead of drawing through it.
std::string number(double x) {
  if (!std::isfinite(x)) return "NaN";
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, res.ptr);
}
std::string number(const std::optional<double>& x) { return x ? number(*x) : "NaN"; }

void write_text(const fs::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::trunc | std::ios::binary);
  out << text;
  out.flush();
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

// --- script text ------------------------------------------------------------------------------------

// A gnuplot single-quoted string. Inside one gnuplot expands neither backquotes nor @macros and knows
// no backslash escapes, so a run name is inert once '' is doubled and control characters (which
// could end the line) are blanked.
std::string quoted(const std::string& text) {
  std::string q = "'";
  for (const char c : text) {
    if (c == '\'') {
      q += "''";
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      q += ' ';
    } else {
      q += c;
    }
  }
  return q + "'";
}

std::string run_title(const RunDirectoryContents& run) {
  return run.task.empty() ? run.name : run.name + " (" + run.task + ")";
}

// Terminal, size and output. pngcairo draws antialiased lines; plain png (libgd) is the fallback
// gnuplot builds without cairo still have. noenhanced: names like sine_wave are text, not subscripts.
std::string preamble(const std::string& figure, int width, int height) {
  std::ostringstream gp;
  gp << "# Written by eligo plot. Edit freely; re-run in this directory with: gnuplot " << figure << ".gp\n"
     << "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
     << "  set terminal pngcairo size " << width << "," << height << " noenhanced font ',10'\n"
     << "} else {\n"
     << "  set terminal png size " << width << "," << height << " noenhanced\n"
     << "}\n"
     << "set output '" << figure << ".png'\n"
     << "set grid\n"
     << "set key top right\n";
  return gp.str();
}

// One curve of a panel. Curves without any finite point are left out: gnuplot stops with
// "all points y value undefined" when a plot has nothing to draw.
struct Series {
  std::string data;  // file name, with "index N" if it is one block of several
  std::string using_;
  std::string style;
  std::string title;
  bool has_data = false;
};

// A placeholder with fixed ranges when no curve has data, so a panel says so instead of failing.
void plot_panel(std::ostream& gp, const std::vector<Series>& series, const std::string& empty_text,
                const std::string& empty_ranges = "[0:1] [0:1]") {
  std::vector<std::string> parts;
  for (const Series& s : series) {
    if (s.has_data) parts.push_back(s.data + " using " + s.using_ + " with " + s.style + " title " + quoted(s.title));
  }
  if (parts.empty()) {
    gp << "set label 1 " << quoted(empty_text) << " at graph 0.5, 0.5 center\n"
       << "plot " << empty_ranges << " NaN notitle\n"
       << "unset label 1\n";
    return;
  }
  gp << "plot ";
  for (std::size_t i = 0; i < parts.size(); ++i) gp << (i > 0 ? ", \\\n     " : "") << parts[i];
  gp << "\n";
}

// Thousands of iterations as points would hide the curve; a few as bare lines would hide the points.
std::string line_style(std::size_t n_points) {
  return n_points > 60 ? "lines lw 1.5" : "linespoints pt 7 ps 0.6 lw 1.5";
}

// --- the figures ------------------------------------------------------------------------------------

// Iterations are whole numbers: with few of them gnuplot's automatic ticks would show 1.5, and with
// one of them the range would be empty (gnuplot warns and widens it).
std::string iteration_axis(const RunDirectoryContents& run) {
  std::vector<std::int64_t> its;
  for (const IterationMetrics& m : run.metrics) its.push_back(m.iteration);
  for (const HeldOutEvaluation& e : run.evaluations) its.push_back(e.iteration);
  if (its.empty()) return "";
  const auto [lo, hi] = std::minmax_element(its.begin(), its.end());
  std::string axis;
  if (*hi - *lo <= 15) axis += "set xtics 1\n";
  if (*hi == *lo) axis += "set xrange [" + std::to_string(*lo - 1) + ":" + std::to_string(*hi + 1) + "]\n";
  return axis;
}

// training.dat: iteration loss accuracy; evaluations.dat: iteration accuracy loss.
std::string training_figure(const RunDirectoryContents& run, const fs::path& dir) {
  std::ostringstream data;
  data << "# iteration\tloss\taccuracy\n";
  bool any_loss = false, any_accuracy = false;
  for (const IterationMetrics& m : run.metrics) {
    data << m.iteration << '\t' << number(m.loss) << '\t' << number(m.accuracy) << '\n';
    any_loss = any_loss || (m.loss && std::isfinite(*m.loss));
    any_accuracy = any_accuracy || (m.accuracy && std::isfinite(*m.accuracy));
  }
  write_text(dir / "training.dat", data.str());

  bool any_eval_loss = false, any_eval_accuracy = false;
  if (!run.evaluations.empty()) {
    std::ostringstream eval;
    eval << "# iteration\taccuracy\tloss\tsamples\n";
    for (const HeldOutEvaluation& e : run.evaluations) {
      eval << e.iteration << '\t' << number(e.accuracy) << '\t' << number(e.loss) << '\t'
           << (e.samples ? std::to_string(*e.samples) : "NaN") << '\n';
      any_eval_loss = any_eval_loss || (e.loss && std::isfinite(*e.loss));
      any_eval_accuracy = any_eval_accuracy || (e.accuracy && std::isfinite(*e.accuracy));
    }
    write_text(dir / "evaluations.dat", eval.str());
  }

  const bool accuracy_panel = any_accuracy || any_eval_accuracy;
  const std::string style = line_style(run.metrics.size());
  const std::string eval_style = "linespoints pt 5 ps 0.8 lw 1.5";
  std::ostringstream gp;
  gp << preamble("training", 1000, accuracy_panel ? 800 : 500);
  gp << "set multiplot layout " << (accuracy_panel ? 2 : 1) << ",1 title " << quoted(run_title(run) + ": training")
     << "\n";
  gp << "set xlabel 'iteration'\nset ylabel 'loss'\n" << iteration_axis(run);
  plot_panel(gp,
             {{"'training.dat'", "1:2", style, "training loss", any_loss},
              {"'evaluations.dat'", "1:3", eval_style, "held-out loss", any_eval_loss}},
             "no loss recorded");
  if (accuracy_panel) {
    gp << "set ylabel 'accuracy'\nset yrange [0:1]\nset key bottom right\n";
    plot_panel(gp,
               {{"'training.dat'", "1:3", style, "training accuracy", any_accuracy},
                {"'evaluations.dat'", "1:2", eval_style, "held-out accuracy", any_eval_accuracy}},
               "no accuracy recorded");
  }
  gp << "unset multiplot\n";
  write_text(dir / "training.gp", gp.str());
  return "training";
}

// raster_in.dat and raster_rec.dat: step neuron. Both panels share the step range so they line up.
std::string raster_figure(const RunDirectoryContents& run, const fs::path& dir) {
  const std::vector<RecordedSpike>& spikes = *run.spikes;
  std::ostringstream in_data, rec_data;
  in_data << "# step\tneuron (input population)\n";
  rec_data << "# step\tneuron (recurrent population)\n";
  std::int64_t first = 0, last = 0, max_in = -1, max_rec = -1;
  for (std::size_t i = 0; i < spikes.size(); ++i) {
    const RecordedSpike& s = spikes[i];
    first = i == 0 ? s.step : std::min(first, s.step);
    last = i == 0 ? s.step : std::max(last, s.step);
    const bool input = s.population == Population::input;
    (input ? in_data : rec_data) << s.step << '\t' << s.neuron << '\n';
    std::int64_t& top = input ? max_in : max_rec;
    top = std::max(top, s.neuron);
  }
  write_text(dir / "raster_in.dat", in_data.str());
  write_text(dir / "raster_rec.dat", rec_data.str());

  const std::string x_range = "[" + std::to_string(first - 1) + ":" + std::to_string(last + 1) + "]";
  std::ostringstream gp;
  gp << preamble("raster", 1000, 800);
  gp << "set multiplot layout 2,1 title " << quoted(run_title(run) + ": recorded spikes") << "\n";
  gp << "set xrange " << x_range << "\nset ylabel 'neuron'\nunset key\n";
  const auto panel = [&](const char* name, const char* file, std::int64_t top, const char* color) {
    gp << "set title " << quoted(name) << "\n";
    if (top >= 0) gp << "set yrange [-0.5:" << top << ".5]\n";
    plot_panel(gp, {{file, "1:2", std::string("points pt 7 ps 0.3 lc rgb '") + color + "'", name, top >= 0}},
               "no spikes", x_range + " [0:1]");
  };
  panel("input", "'raster_in.dat'", max_in, "#1f77b4");
  gp << "set xlabel 'step'\n";
  panel("recurrent", "'raster_rec.dat'", max_rec, "#d62728");
  gp << "unset multiplot\n";
  write_text(dir / "raster.gp", gp.str());
  return "raster";
}

// readout.dat: one block per readout (gnuplot "index i"), columns step signal target.
std::string readout_figure(const RunDirectoryContents& run, const fs::path& dir) {
  std::map<std::int64_t, std::vector<const ReadoutSample*>> by_readout;
  for (const ReadoutSample& s : *run.readout) by_readout[s.readout].push_back(&s);

  std::ostringstream data, gp;
  data << "# step\tsignal\ttarget; one block per readout, separated by two blank lines\n";
  const int panels = std::max<int>(1, static_cast<int>(by_readout.size()));
  gp << preamble("readout", 1000, std::clamp(80 + 200 * panels, 480, 4000));
  gp << "set multiplot layout " << panels << ",1 title " << quoted(run_title(run) + ": readouts") << "\n";
  // Padding keeps a flat target (0 or 1 in classification) off the frame; the key sits outside the
  // panel so that it never covers a curve.
  gp << "set ylabel 'signal'\nset offsets 0, 0, graph 0.08, graph 0.08\nset autoscale xfix\n"
     << "set key outside right top\n";
  if (by_readout.empty()) {
    gp << "set xlabel 'step'\n";
    plot_panel(gp, {}, "no readout samples");
  }
  int index = 0;
  for (auto& [readout, samples] : by_readout) {
    std::stable_sort(samples.begin(), samples.end(),
                     [](const ReadoutSample* a, const ReadoutSample* b) { return a->step < b->step; });
    if (index > 0) data << "\n\n";
    data << "# readout " << readout << "\n";
    bool any_signal = false, any_target = false;
    for (const ReadoutSample* s : samples) {
      data << s->step << '\t' << number(s->signal) << '\t' << number(s->target) << '\n';
      any_signal = any_signal || std::isfinite(s->signal);
      any_target = any_target || std::isfinite(s->target);
    }
    const std::string block = "'readout.dat' index " + std::to_string(index);
    gp << "set title " << quoted("readout " + std::to_string(readout)) << "\n";
    if (index + 1 == panels) gp << "set xlabel 'step'\n";
    plot_panel(gp,
               {{block, "1:2", "lines lw 1.5 lc rgb '#1f77b4'", "signal", any_signal},
                {block, "1:3", "lines lw 1.5 dt 2 lc rgb '#ff7f0e'", "target", any_target}},
               "no finite values");
    ++index;
  }
  gp << "unset multiplot\n";
  write_text(dir / "readout.dat", data.str());
  write_text(dir / "readout.gp", gp.str());
  return "readout";
}

// --- running gnuplot --------------------------------------------------------------------------------

// Runs `program script` in dir. stdin is /dev/null so a stray `pause` cannot wait forever; stderr is
// kept for the error message.
Subprocess run_program(const std::string& program, const std::string& script, const fs::path& dir,
                       const std::string& command) {
  SubprocessOptions options;
  options.working_directory = dir;
  options.stdin_from_null = true;
  options.stdout_to = SubprocessOptions::Stdout::discard;
  options.capture_stderr = true;
  Subprocess r;
  try {
    r = run_subprocess({program, script}, options);
  } catch (const SubprocessError& e) {
    throw GnuplotError("cannot run " + command + ": " + e.what());
  }
  if (r.spawn_error != 0) {
    throw GnuplotError(
        "cannot run " + command + " in " + dir.string() + ": " + std::strerror(r.spawn_error) +
        (r.spawn_error == ENOENT ? " (is gnuplot installed? deploy/setup.sh installs gnuplot-nox)" : ""));
  }
  return r;
}

fs::path run_gnuplot(const std::string& figure, const fs::path& dir, const FigureOptions& options) {
  // The child changes into dir before exec: a relative program path is named absolute, as it runs.
  std::string program = options.gnuplot;
  if (program.find('/') != std::string::npos) program = fs::absolute(program).string();
  const std::string script = figure + ".gp";
  const std::string command = "`" + program + " " + script + "`";
  // An old image must not pass for a new one in the check below.
  const fs::path png = dir / (figure + ".png");
  std::error_code ec;
  fs::remove(png, ec);
  const Subprocess r = run_program(program, script, dir, command);
  const std::string errors = r.errors.empty() ? "" : ":\n" + r.errors;
  if (r.killed()) {
    throw GnuplotError(command + " in " + dir.string() + " was killed by signal " + std::to_string(r.signal()) +
                       errors);
  }
  if (!r.exited_normally()) {
    throw GnuplotError(command + " in " + dir.string() + " failed with exit status " + std::to_string(r.exit_status()) +
                       errors);
  }
  if (!fs::exists(png, ec) || fs::file_size(png, ec) == 0) {
    throw GnuplotError(command + " in " + dir.string() + " exited normally but wrote no " + png.filename().string() +
                       errors);
  }
  // The image is there, so what gnuplot said is advice (e.g. "empty y range, adjusting").
  if (!r.errors.empty()) spdlog::debug("plot: gnuplot {}: {}", script, r.errors);
  return png;
}

}  // namespace

std::vector<fs::path> draw_figures(const RunDirectoryContents& run, const fs::path& plots_dir,
                                   const FigureOptions& options) {
  std::error_code ec;
  fs::create_directories(plots_dir, ec);
  if (ec) throw std::runtime_error("cannot create " + plots_dir.string() + ": " + ec.message());

  std::vector<std::string> figures;
  if (!run.metrics.empty() || !run.evaluations.empty()) {
    figures.push_back(training_figure(run, plots_dir));
  } else {
    spdlog::warn("plot: {} has no iterations yet, no training.png", (run.dir / "metrics.jsonl").string());
  }
  if (run.spikes) figures.push_back(raster_figure(run, plots_dir));
  if (run.readout) figures.push_back(readout_figure(run, plots_dir));

  std::vector<fs::path> written;
  for (const std::string& figure : figures) {
    written.push_back(run_gnuplot(figure, plots_dir, options));
    spdlog::info("plot: wrote {}", written.back().string());
  }
  return written;
}

}  // namespace eligo::cli
