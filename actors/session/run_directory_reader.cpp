// The reading half of run_directory.hpp: strict, with errors that name the file and line.
#include <charconv>
#include <cmath>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string_view>

#include "actors/session/run_directory.hpp"

namespace eligo::session {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// "<file>:<line>" so editors and terminals can jump to the offending line.
std::string where(const fs::path& file, std::size_t line) { return file.string() + ":" + std::to_string(line); }

[[noreturn]] void fail_at(const fs::path& file, std::size_t line, const std::string& problem) {
  throw RunFileError(where(file, line) + ": " + problem);
}

std::ifstream open_for_reading(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw RunFileError(file.string() + ": cannot open for reading");
  return in;
}

// Calls on_line(text, number) for each line that carries data: blank lines (such as a final newline)
// and '#' comment lines (the TSV headers) are skipped, CR of CRLF files is dropped.
void for_each_data_line(const fs::path& file, const std::function<void(const std::string&, std::size_t)>& on_line) {
  std::ifstream in = open_for_reading(file);
  std::string text;
  for (std::size_t number = 1; std::getline(in, text); ++number) {
    if (!text.empty() && text.back() == '\r') text.pop_back();
    const std::size_t first = text.find_first_not_of(" \t");
    if (first == std::string::npos || text[first] == '#') continue;
    on_line(text, number);
  }
  if (in.bad()) throw RunFileError(file.string() + ": read error");
}

// --- JSON lines -------------------------------------------------------------------------------------

// One parsed JSON line, with what is needed to name it in errors.
struct JsonLine {
  json object;
  const fs::path& file;
  std::size_t line;

  [[noreturn]] void fail(const std::string& field, const std::string& problem) const {
    fail_at(file, line, "field \"" + field + "\" " + problem);
  }
  // Absent and null are both "not recorded": nlohmann writes a NaN loss as null.
  const json* find(const std::string& field) const {
    const auto it = object.find(field);
    return it == object.end() || it->is_null() ? nullptr : &*it;
  }
  std::optional<double> number(const std::string& field) const {
    const json* v = find(field);
    if (v == nullptr) return std::nullopt;
    if (!v->is_number()) fail(field, "must be a number (got " + v->dump() + ")");
    return v->get<double>();
  }
  std::optional<std::int64_t> integer(const std::string& field) const {
    const json* v = find(field);
    if (v == nullptr) return std::nullopt;
    if (v->is_number_integer()) return v->get<std::int64_t>();
    // 3.0 is accepted as 3: some writers print every number as a double.
    if (v->is_number_float()) {
      const double d = v->get<double>();
      if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.0e15) return static_cast<std::int64_t>(d);
    }
    fail(field, "must be an integer (got " + v->dump() + ")");
  }
  std::int64_t required_integer(const std::string& field) const {
    const std::optional<std::int64_t> v = integer(field);
    if (!v) fail(field, "is missing");
    return *v;
  }
};

std::vector<JsonLine> read_json_lines(const fs::path& file) {
  std::vector<JsonLine> lines;
  for_each_data_line(file, [&](const std::string& text, std::size_t number) {
    json object;
    try {
      object = json::parse(text);
    } catch (const json::parse_error& e) {
      // nlohmann counts lines within the one string parsed; the file's line is ours, keep its column.
      const std::string what = e.what();
      const std::size_t detail = what.find(": ", what.find("column"));
      fail_at(file, number,
              "malformed JSON at column " + std::to_string(e.byte) + ": " +
                  (detail == std::string::npos ? what : what.substr(detail + 2)));
    }
    if (!object.is_object()) fail_at(file, number, "expected a JSON object, got " + std::string(object.type_name()));
    lines.push_back(JsonLine{std::move(object), file, number});
  });
  return lines;
}

// --- tab-separated recordings ---------------------------------------------------------------------

std::vector<std::string> split_columns(const std::string& text) {
  std::vector<std::string> columns;
  std::istringstream in(text);
  for (std::string c; in >> c;) columns.push_back(c);
  return columns;
}

std::int64_t parse_integer(const std::string& text, const fs::path& file, std::size_t line, const char* column) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    fail_at(file, line, std::string("column ") + column + " must be an integer (got \"" + text + "\")");
  }
  return value;
}

std::int64_t parse_index(const std::string& text, const fs::path& file, std::size_t line, const char* column) {
  const std::int64_t value = parse_integer(text, file, line, column);
  if (value < 0) fail_at(file, line, std::string("column ") + column + " must be >= 0 (got " + text + ")");
  return value;
}

// Accepts "nan" too: a readout target is undefined outside the steps the task scores.
double parse_double(const std::string& text, const fs::path& file, std::size_t line, const char* column) {
  double value = 0.0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    fail_at(file, line, std::string("column ") + column + " must be a number (got \"" + text + "\")");
  }
  return value;
}

void expect_columns(const std::vector<std::string>& columns, std::size_t n, const char* layout, const fs::path& file,
                    std::size_t line) {
  if (columns.size() != n) {
    fail_at(file, line,
            "expected " + std::to_string(n) + " columns (" + layout + "), got " + std::to_string(columns.size()));
  }
}

// --- summary.json ---------------------------------------------------------------------------------

void read_summary(const fs::path& file, RunDirectoryContents& r) {
  std::ifstream in = open_for_reading(file);
  json summary;
  try {
    summary = json::parse(in);
  } catch (const json::parse_error& e) {
    throw RunFileError(file.string() + ": malformed JSON: " + e.what());
  }
  if (!summary.is_object()) throw RunFileError(file.string() + ": expected a JSON object");
  const auto text_field = [&](const char* field, std::string& out) {
    const auto it = summary.find(field);
    if (it == summary.end() || it->is_null()) return;
    if (!it->is_string()) throw RunFileError(file.string() + ": field \"" + field + "\" must be a string");
    out = it->get<std::string>();
  };
  text_field(fields::kName, r.name);
  text_field(fields::kTask, r.task);
}

}  // namespace

std::vector<IterationMetrics> read_metrics(const fs::path& file) {
  std::vector<IterationMetrics> metrics;
  for (const JsonLine& l : read_json_lines(file)) {
    metrics.push_back({l.required_integer(fields::kIteration), l.number(fields::kLoss), l.number(fields::kAccuracy),
                       l.integer(fields::kSpikes), l.number(fields::kRateHz), l.number(fields::kWallSeconds)});
  }
  return metrics;
}

std::vector<HeldOutEvaluation> read_evaluations(const fs::path& file) {
  std::vector<HeldOutEvaluation> evaluations;
  for (const JsonLine& l : read_json_lines(file)) {
    evaluations.push_back({l.required_integer(fields::kIteration), l.number(fields::kAccuracy), l.number(fields::kLoss),
                           l.integer(fields::kSamples)});
  }
  return evaluations;
}

std::vector<RecordedSpike> read_spike_recording(const fs::path& file) {
  std::vector<RecordedSpike> spikes;
  for_each_data_line(file, [&](const std::string& text, std::size_t line) {
    const std::vector<std::string> c = split_columns(text);
    expect_columns(c, 3, "step, population, neuron", file, line);
    RecordedSpike s;
    s.step = parse_integer(c[0], file, line, "step");
    if (c[1] == populations::kInput) {
      s.population = Population::input;
    } else if (c[1] == populations::kRecurrent) {
      s.population = Population::recurrent;
    } else {
      fail_at(file, line, "column population must be \"in\" or \"rec\" (got \"" + c[1] + "\")");
    }
    s.neuron = parse_index(c[2], file, line, "neuron");
    spikes.push_back(s);
  });
  return spikes;
}

std::vector<ReadoutSample> read_readout_recording(const fs::path& file) {
  std::vector<ReadoutSample> samples;
  for_each_data_line(file, [&](const std::string& text, std::size_t line) {
    const std::vector<std::string> c = split_columns(text);
    expect_columns(c, 4, "step, readout, signal, target", file, line);
    samples.push_back({parse_integer(c[0], file, line, "step"), parse_index(c[1], file, line, "readout"),
                       parse_double(c[2], file, line, "signal"), parse_double(c[3], file, line, "target")});
  });
  return samples;
}

RunDirectoryContents read_run_directory(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) throw RunFileError(dir.string() + ": no such run directory");
  if (!fs::is_directory(dir, ec)) throw RunFileError(dir.string() + ": not a directory");
  const fs::path metrics = dir / files::kMetrics;
  if (!fs::exists(metrics, ec)) {
    throw RunFileError(metrics.string() + ": missing (is " + dir.string() + " an output directory of eligo train?)");
  }

  RunDirectoryContents r;
  r.dir = dir;
  // The directory's own name is the best title while summary.json is not written yet (training runs).
  fs::path normal = fs::absolute(dir, ec).lexically_normal();
  if (!normal.has_filename()) normal = normal.parent_path();  // "out/sine_wave/" names sine_wave
  r.name = normal.filename().string();
  r.metrics = read_metrics(metrics);
  if (const fs::path f = dir / files::kEvaluations; fs::exists(f, ec)) r.evaluations = read_evaluations(f);
  const fs::path recording = dir / files::kRecording;
  if (const fs::path f = recording / files::kSpikes; fs::exists(f, ec)) r.spikes = read_spike_recording(f);
  if (const fs::path f = recording / files::kReadout; fs::exists(f, ec)) r.readout = read_readout_recording(f);
  if (const fs::path f = dir / files::kSummary; fs::exists(f, ec)) read_summary(f, r);
  return r;
}

}  // namespace eligo::session
