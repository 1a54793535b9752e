// Fashion-MNIST to N-MNIST events: the folder of four gzipped IDX files, the data set's own split and
// the conversion through the same writer as the MNIST digits. The fixture (tests/support/idx_fixture.hpp)
// is a miniature folder written by the test; no test reads /usr/share/datasets.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "runtime/data/conversion/fashion_mnist_converter.hpp"
#include "runtime/data/formats/fashion_mnist.hpp"
#include "runtime/data/formats/nmnist_file.hpp"
#include "tests/support/idx_fixture.hpp"

namespace {

namespace fs = std::filesystem;
using namespace eligo::test;

fs::path temp_dir() {
  const fs::path d = fs::temp_directory_path() / ("eligo_fashion_" + std::to_string(getpid()));
  fs::create_directories(d);
  return d;
}

std::string file_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A folder with 3 Train and 2 Test images per class, written once.
const fs::path& fixture_folder() {
  static const fs::path folder = [] {
    const fs::path f = temp_dir() / "fashion-mnist";
    write_fashion_fixture(f, 3, 2);
    return f;
  }();
  return folder;
}

eligo::FashionMnistConversionOptions options(const std::string& out) {
  eligo::FashionMnistConversionOptions o;
  o.out = temp_dir() / out;
  o.overwrite = true;
  return o;
}

std::vector<eligo::NmnistEvent> simulate(const eligo::MnistImage& image, std::uint64_t stream, std::uint64_t index) {
  eligo::CounterRng rng(1, stream, index);
  return eligo::simulate_saccade_events(image, eligo::SaccadeSensorParams{}, rng);
}

}  // namespace

TEST_CASE("a folder without the data set lists each missing file", "[data][fashion]") {
  const fs::path empty = temp_dir() / "empty";
  fs::create_directories(empty);
  CHECK(eligo::missing_fashion_mnist_files(empty).size() == 4);
  write_bytes(empty / eligo::kFashionMnistTrainLabels, gzip(fixture_labels(10)));
  const auto missing = eligo::missing_fashion_mnist_files(empty);
  REQUIRE(missing.size() == 3);
  CHECK(missing[0] == "train-images-idx3-ubyte.gz");
  CHECK(eligo::missing_fashion_mnist_files(fixture_folder()).empty());
}

TEST_CASE("the fixture folder reads as the data set's own Train and Test split", "[data][fashion]") {
  const eligo::FashionMnist set = eligo::read_fashion_mnist(fixture_folder());
  CHECK(set.train.count() == 30);
  CHECK(set.test.count() == 20);
  for (const std::string& integrity : set.integrity) CHECK(integrity.rfind("sha512-", 0) == 0);
  const eligo::FashionMnist limited = eligo::read_fashion_mnist(fixture_folder(), 1, 2);
  CHECK(limited.train.count() == 10);
  CHECK(limited.test.count() == 20);
}

TEST_CASE("a damaged label file is named with its byte offset", "[data][fashion]") {
  const fs::path folder = temp_dir() / "bad-label";
  write_fashion_fixture(folder, 1, 1);
  std::string labels = idx_bytes({10}, std::string{0, 1, 2, 3, 4, 5, 6, 7, 8, 42});
  write_bytes(folder / eligo::kFashionMnistTestLabels, gzip(labels));
  try {
    eligo::read_fashion_mnist(folder);
    FAIL("no error");
  } catch (const eligo::IdxFileError& e) {
    CHECK(contains(e.what(), "t10k-labels-idx1-ubyte.gz: byte 17 of the inflated data: label 42 of image 9"));
  }
}

TEST_CASE("a conversion writes the split into N-MNIST folders the N-MNIST reader reads back", "[data][fashion]") {
  const eligo::FashionMnist set = eligo::read_fashion_mnist(fixture_folder());
  const auto o = options("converted");
  std::size_t last_done = 0;
  const auto summary = eligo::convert_fashion_mnist_to_events(set, o, [&](std::size_t done, std::size_t total) {
    CHECK(total == 50);
    last_done = done;
  });
  CHECK(last_done == 50);
  CHECK(summary.train == std::array<std::size_t, 10>{3, 3, 3, 3, 3, 3, 3, 3, 3, 3});
  CHECK(summary.test == std::array<std::size_t, 10>{2, 2, 2, 2, 2, 2, 2, 2, 2, 2});
  CHECK(summary.mean_events() > 100);

  const auto train = eligo::list_nmnist_split(o.out, "Train");
  const auto test = eligo::list_nmnist_split(o.out, "Test");
  CHECK(train.size() == 30);
  REQUIRE(test.size() == 20);
  // Test image i of class c draws from stream 10 + c: the second Test image of class 6 is 06/00002.bin.
  const fs::path second_shirt = o.out / "Test" / "6" / "00002.bin";
  CHECK(eligo::read_nmnist_file(second_shirt) == simulate(set.test.images[6][1], 16, 1));
  CHECK(eligo::read_nmnist_file(o.out / "Train" / "6" / "00002.bin") == simulate(set.train.images[6][1], 6, 1));

  const std::string manifest = file_text(o.out / "conversion.json");
  CHECK(contains(manifest, "\"t10k-images-idx3-ubyte.gz\": \"sha512-"));
  CHECK(contains(manifest, "\"Ankle boot\""));
  CHECK(contains(manifest, "\"mean_events_per_sample\""));
}

TEST_CASE("per-class limits convert the first images and leave each sample unchanged", "[data][fashion]") {
  const eligo::FashionMnist set = eligo::read_fashion_mnist(fixture_folder());
  auto o = options("all");
  eligo::convert_fashion_mnist_to_events(set, o);
  auto limited = options("limited");
  limited.train_per_class = 1;
  limited.test_per_class = 1;
  const auto summary = eligo::convert_fashion_mnist_to_events(set, limited);
  CHECK(summary.samples == 20);
  CHECK_FALSE(fs::exists(limited.out / "Train" / "0" / "00002.bin"));
  for (const char* rel : {"Train/3/00001.bin", "Test/9/00001.bin"}) {
    INFO(rel);
    CHECK(file_text(o.out / rel) == file_text(limited.out / rel));
  }
}
