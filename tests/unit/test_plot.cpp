// `eligo plot`: reading a run directory (actors/session/run_directory.hpp) and drawing it with gnuplot
// (cli/plotting/gnuplot_figures.hpp). The run directories are written here; the figures are checked as PNG
// files chunk by chunk. gnuplot is part of the setup (deploy/setup.sh), so these tests fail without it.
#include <unistd.h>

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "actors/session/run_directory.hpp"
#include "cli/plotting/gnuplot_figures.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using eligo::cli::draw_figures;
using eligo::cli::FigureOptions;
using eligo::cli::GnuplotError;
using eligo::session::Population;
using eligo::session::read_run_directory;
using eligo::session::RunDirectoryContents;
using eligo::session::RunFileError;

// A run directory with its recording/ folder, removed at the end.
struct RunDir : eligo::test::TempDir {
  RunDir() : TempDir("eligo_plot_test") { fs::create_directories(path() / "recording"); }
};

// CRC-32 of PNG chunks (ISO 3309, reflected polynomial 0xEDB88320), written out so the test does
// not depend on zlib.
std::uint32_t crc32(const unsigned char* data, std::size_t n) {
  static const std::array<std::uint32_t, 256> table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  std::uint32_t c = 0xFFFFFFFFu;
  for (std::size_t i = 0; i < n; ++i) c = table[(c ^ data[i]) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

std::uint32_t big_endian(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

// "" for a valid PNG, else what is wrong: the signature, then IHDR first with a non-zero size, every
// chunk's CRC correct, and IEND as the last chunk, ending the file.
std::string png_problem(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return "cannot open " + file.string();
  const std::vector<unsigned char> b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const unsigned char signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  if (b.size() < 8 || !std::equal(signature, signature + 8, b.begin())) return "no PNG signature";
  std::size_t at = 8;
  for (int index = 0;; ++index) {
    if (b.size() - at < 12) return "truncated chunk header at byte " + std::to_string(at);
    const std::uint32_t length = big_endian(&b[at]);
    const std::string type(b.begin() + static_cast<long>(at) + 4, b.begin() + static_cast<long>(at) + 8);
    if (b.size() - at - 12 < length) return "chunk " + type + " runs past the end";
    if (crc32(&b[at + 4], 4 + length) != big_endian(&b[at + 8 + length])) return "bad CRC in chunk " + type;
    if (index == 0) {
      if (type != "IHDR" || length != 13) return "first chunk is " + type + ", not a 13-byte IHDR";
      if (big_endian(&b[at + 8]) == 0 || big_endian(&b[at + 12]) == 0) return "IHDR width or height is 0";
    }
    at += 12 + length;
    if (type == "IEND") return at == b.size() ? "" : "bytes after IEND";
  }
}

// A run directory as `eligo train` leaves it after a classification run with recordings.
void write_full_run(const RunDir& run) {
  run.write("metrics.jsonl",
            "{\"iteration\":1,\"loss\":2.5,\"accuracy\":0.25,\"spikes\":120,\"rate_hz\":12.5,\"wall_seconds\":0.1}\n"
            "{\"iteration\":2,\"loss\":null,\"accuracy\":0.5,\"spikes\":110,\"rate_hz\":11.0,\"wall_seconds\":0.2}\n"
            "{\"iteration\":3,\"loss\":1.5,\"spikes\":100,\"rate_hz\":10.0,\"wall_seconds\":0.3}\n"
            "{\"iteration\":4,\"loss\":1.0,\"accuracy\":0.75,\"spikes\":90,\"rate_hz\":9.0,\"wall_seconds\":0.4}\n");
  run.write("evaluations.jsonl",
            "{\"iteration\":2,\"accuracy\":0.4,\"loss\":2.0,\"samples\":32}\n"
            "{\"iteration\":4,\"accuracy\":0.7,\"loss\":1.2,\"samples\":32}\n");
  std::string spikes = "# step\tpopulation\tneuron\n";
  for (int step = 0; step < 50; ++step) {
    spikes += std::to_string(step) + "\tin\t" + std::to_string(step % 7) + "\n";
    if (step % 3 == 0) spikes += std::to_string(step) + "\trec\t" + std::to_string(step % 11) + "\n";
  }
  run.write("recording/spikes.tsv", spikes);
  std::string readout = "# step\treadout\tsignal\ttarget\n";
  for (int step = 0; step < 40; ++step) {
    for (int k = 0; k < 2; ++k) {
      const std::string target = step < 30 ? "nan" : (k == 1 ? "1" : "0");
      readout += std::to_string(step) + "\t" + std::to_string(k) + "\t" + std::to_string(0.01 * step * (k + 1)) + "\t" +
                 target + "\n";
    }
  }
  run.write("recording/readout.tsv", readout);
}

// The RunFileError message reading `dir` gives; fails the test when there is none.
std::string read_error(const fs::path& dir) {
  try {
    read_run_directory(dir);
  } catch (const RunFileError& e) {
    return e.what();
  }
  FAIL("reading " << dir << " raised no RunFileError");
  return "";
}

std::string draw_error(const RunDirectoryContents& run, const fs::path& plots, const std::string& program) {
  try {
    draw_figures(run, plots, FigureOptions{program});
  } catch (const GnuplotError& e) {
    return e.what();
  }
  FAIL("drawing with " << program << " raised no GnuplotError");
  return "";
}

}  // namespace

TEST_CASE("a full run directory is read with its optional files and missing fields", "[plot]") {
  const RunDir run;
  write_full_run(run);
  run.write("summary.json", R"({"name": "digits", "task": "nmnist", "final_loss": 1.0})");
  const RunDirectoryContents r = read_run_directory(run.path());
  CHECK(r.name == "digits");
  CHECK(r.task == "nmnist");
  REQUIRE(r.metrics.size() == 4);
  CHECK(r.metrics[0].iteration == 1);
  CHECK(r.metrics[0].loss == 2.5);
  CHECK(r.metrics[0].spikes == 120);
  CHECK_FALSE(r.metrics[1].loss.has_value());  // null, as nlohmann writes NaN
  CHECK_FALSE(r.metrics[2].accuracy.has_value());
  REQUIRE(r.evaluations.size() == 2);
  CHECK(r.evaluations[1].accuracy == 0.7);
  CHECK(r.evaluations[1].samples == 32);
  REQUIRE(r.spikes.has_value());
  CHECK(r.spikes->size() == 67);
  CHECK(r.spikes->at(1).population == Population::recurrent);
  REQUIRE(r.readout.has_value());
  CHECK(r.readout->size() == 80);
  CHECK(std::isnan(r.readout->front().target));
}

TEST_CASE("a run without summary, recordings or evaluations is named after its directory", "[plot]") {
  const RunDir run;
  run.write("metrics.jsonl", "{\"iteration\": 1.0, \"loss\": 3}\r\n\r\n{\"iteration\": 2, \"loss\": 2}\n\n");
  const RunDirectoryContents r = read_run_directory(run.path().string() + "/");
  CHECK(r.name == run.path().filename().string());
  CHECK(r.task.empty());
  REQUIRE(r.metrics.size() == 2);  // CRLF and blank lines are fine; 1.0 reads as iteration 1
  CHECK(r.metrics[0].iteration == 1);
  CHECK(r.evaluations.empty());
  CHECK_FALSE(r.spikes.has_value());
  CHECK_FALSE(r.readout.has_value());
}

TEST_CASE("plotting a full run writes valid training, raster and readout PNGs with their scripts", "[plot]") {
  const RunDir run;
  write_full_run(run);
  // A hostile name: a quote, a newline and a backquoted command must stay text in the gnuplot scripts.
  const fs::path pwned = run.path() / "pwned";
  run.write("summary.json", "{\"name\": \"it's `touch " + pwned.string() + "`\\nrun\", \"task\": \"nmnist\"}");
  const fs::path plots = run.path() / "plots";
  const std::vector<fs::path> written = draw_figures(read_run_directory(run.path()), plots);
  CHECK(written == std::vector<fs::path>{plots / "training.png", plots / "raster.png", plots / "readout.png"});
  for (const fs::path& png : written) {
    INFO(png);
    CHECK(png_problem(png) == "");
  }
  // Kept so that users can edit and re-run them.
  for (const char* kept : {"training.gp", "training.dat", "evaluations.dat", "raster.gp", "raster_in.dat",
                           "raster_rec.dat", "readout.gp", "readout.dat"}) {
    CHECK(fs::exists(plots / kept));
  }
  CHECK_FALSE(fs::exists(pwned));
}

TEST_CASE("only the figures whose inputs exist are drawn, and a silent population still gets a raster", "[plot]") {
  const RunDir run;
  run.write("metrics.jsonl", "{\"iteration\":1,\"loss\":4}\n{\"iteration\":2,\"loss\":3}\n");
  run.write("recording/spikes.tsv", "# step\tpopulation\tneuron\n5\trec\t0\n9\trec\t3\n");
  const fs::path plots = run.path() / "plots";
  const std::vector<fs::path> written = draw_figures(read_run_directory(run.path()), plots);
  CHECK(written == std::vector<fs::path>{plots / "training.png", plots / "raster.png"});
  for (const fs::path& png : written) CHECK(png_problem(png) == "");
  CHECK_FALSE(fs::exists(plots / "readout.png"));
}

TEST_CASE("a run directory or metrics file that is missing is named in the error", "[plot]") {
  const RunDir run;
  const fs::path missing = run.path() / "no_such_run";
  CHECK_THAT(read_error(missing), Catch::Contains(missing.string()) && Catch::Contains("no such run directory"));
  CHECK_THAT(read_error(run.path()),
             Catch::Contains((run.path() / "metrics.jsonl").string()) && Catch::Contains("missing"));
}

TEST_CASE("a malformed line is named by file and line number", "[plot]") {
  const RunDir run;
  const std::string good = "{\"iteration\":1,\"loss\":4}\n";
  const fs::path metrics = run.path() / "metrics.jsonl";

  run.write("metrics.jsonl", good + "\n" + "{\"iteration\":2,\"loss\":\n");
  CHECK_THAT(read_error(run.path()), Catch::Contains(metrics.string() + ":3: malformed JSON"));
  run.write("metrics.jsonl", good + "{\"iteration\":2,\"loss\":\"low\"}\n");
  CHECK_THAT(read_error(run.path()), Catch::Contains(metrics.string() + ":2: field \"loss\" must be a number"));
  run.write("metrics.jsonl", good + "{\"loss\":3}\n");
  CHECK_THAT(read_error(run.path()), Catch::Contains(metrics.string() + ":2: field \"iteration\" is missing"));
  run.write("metrics.jsonl", good + "[1, 2]\n");
  CHECK_THAT(read_error(run.path()), Catch::Contains(metrics.string() + ":2: expected a JSON object"));

  run.write("metrics.jsonl", good);
  run.write("evaluations.jsonl", "{\"iteration\":1,\"accuracy\":0.5}\n{\"iteration\":2,\"samples\":1.5}\n");
  CHECK_THAT(read_error(run.path()),
             Catch::Contains((run.path() / "evaluations.jsonl").string() + ":2: field \"samples\" must be an integer"));
  fs::remove(run.path() / "evaluations.jsonl");

  const fs::path spikes = run.write("recording/spikes.tsv", "# step\tpopulation\tneuron\n1\tin\t0\n2\tout\t1\n");
  CHECK_THAT(read_error(run.path()), Catch::Contains(spikes.string() + ":3: column population"));
  run.write("recording/spikes.tsv", "# header\n1\tin\t-1\n");
  CHECK_THAT(read_error(run.path()), Catch::Contains(spikes.string() + ":2: column neuron must be >= 0"));
  fs::remove(spikes);

  const fs::path readout = run.write("recording/readout.tsv", "# header\n0\t0\t0.5\t1\n1\t0\t0.5x\t1\n2\t0\t0.5\n");
  CHECK_THAT(read_error(run.path()), Catch::Contains(readout.string() + ":3: column signal must be a number"));
  run.write("recording/readout.tsv", "# header\n2\t0\t0.5\n");
  CHECK_THAT(read_error(run.path()), Catch::Contains(readout.string() + ":2: expected 4 columns"));
  fs::remove(readout);

  const fs::path summary = run.write("summary.json", "{\"name\": 3}");
  CHECK_THAT(read_error(run.path()), Catch::Contains(summary.string()) && Catch::Contains("\"name\""));
}

TEST_CASE("a gnuplot that is missing or fails is named with its exit status and error output", "[plot]") {
  const RunDir run;
  run.write("metrics.jsonl", "{\"iteration\":1,\"loss\":4}\n");
  const RunDirectoryContents r = read_run_directory(run.path());
  const fs::path plots = run.path() / "plots";

  const std::string missing = (run.path() / "no_gnuplot_here").string();
  CHECK_THAT(draw_error(r, plots, missing),
             Catch::Contains(missing + " training.gp") && Catch::Contains("No such file or directory"));

  const fs::path failing = run.write("failing_gnuplot", "#!/bin/sh\necho \"cannot draw $1\" >&2\nexit 3\n");
  fs::permissions(failing, fs::perms::owner_all);
  CHECK_THAT(draw_error(r, plots, failing.string()), Catch::Contains(failing.string() + " training.gp") &&
                                                         Catch::Contains("exit status 3") &&
                                                         Catch::Contains("cannot draw training.gp"));

  // Exits 0 but draws nothing: the missing image is reported, not passed over.
  const fs::path silent = run.write("silent_gnuplot", "#!/bin/sh\nexit 0\n");
  fs::permissions(silent, fs::perms::owner_all);
  CHECK_THAT(draw_error(r, plots, silent.string()), Catch::Contains("wrote no training.png"));
}
