// IDX files (MNIST's and Fashion-MNIST's format): plain and gzipped, and every damage the reader
// reports with the file and byte offset. Fixtures are built byte by byte here (tests/support/idx_fixture.hpp).
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "runtime/data/formats/idx_file.hpp"
#include "tests/support/idx_fixture.hpp"

namespace {

namespace fs = std::filesystem;
using namespace eligo::test;

// The error's message and offset, or "no error".
struct Failure {
  std::string message = "no error";
  std::uint64_t offset = 0;
};

template <class F>
Failure failure_of(F&& f) {
  try {
    f();
  } catch (const eligo::IdxFileError& e) {
    return {e.what(), e.offset()};
  }
  return {};
}

Failure parse_failure(const std::string& bytes) {
  return failure_of([&] { eligo::parse_idx(bytes, "f.idx"); });
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

fs::path temp_dir() {
  const fs::path d = fs::temp_directory_path() / ("eligo_idx_" + std::to_string(getpid()));
  fs::create_directories(d);
  return d;
}

const std::string kLabels = idx_bytes({5}, std::string{0, 3, 9, 1, 7});

}  // namespace

TEST_CASE("a plain IDX label file reads as its dimensions and bytes", "[data][idx]") {
  const eligo::IdxArray a = eligo::parse_idx(kLabels, "labels.idx");
  CHECK(a.dims == std::vector<std::uint32_t>{5});
  CHECK(a.data == std::vector<std::uint8_t>{0, 3, 9, 1, 7});
  CHECK_FALSE(a.was_gzip);
}

TEST_CASE("a gzipped IDX file reads the same as the plain one", "[data][idx]") {
  const std::string images = fixture_images(3);
  const eligo::IdxArray plain = eligo::parse_idx(images, "images");
  const eligo::IdxArray inflated = eligo::parse_idx(gzip(images), "images.gz");
  CHECK(inflated.was_gzip);
  CHECK(inflated.dims == std::vector<std::uint32_t>{3, 28, 28});
  CHECK(inflated.data == plain.data);
  CHECK(inflated.data.size() == 3 * 784);
}

TEST_CASE("a file that is not IDX is reported at byte 0", "[data][idx]") {
  const Failure f = parse_failure("P5\n28 28\n255\n");
  CHECK(f.offset == 0);
  CHECK(contains(f.message, "f.idx: byte 0: not an IDX file"));
  CHECK(contains(parse_failure("").message, "f.idx: byte 0: ends inside the 4-byte IDX magic"));
}

TEST_CASE("an element type other than unsigned byte is reported at byte 2", "[data][idx]") {
  const Failure f = parse_failure(idx_bytes({2}, "ab", 0x0D));  // 0x0D: float
  CHECK(f.offset == 2);
  CHECK(contains(f.message, "element type 13 is not 8"));
}

TEST_CASE("zero or more than four dimensions are reported at byte 3", "[data][idx]") {
  CHECK(parse_failure(idx_bytes({}, "")).offset == 3);
  const Failure f = parse_failure(idx_bytes({1, 1, 1, 1, 1}, "x"));
  CHECK(f.offset == 3);
  CHECK(contains(f.message, "5 dimensions: must be 1 to 4"));
}

TEST_CASE("a dimension of size zero is reported at its size field", "[data][idx]") {
  const Failure f = parse_failure(idx_bytes({3, 0, 28}, ""));
  CHECK(f.offset == 8);
  CHECK(contains(f.message, "dimension 1 has size 0"));
}

TEST_CASE("a header that ends inside a dimension size is truncated at that size", "[data][idx]") {
  const Failure f = parse_failure(idx_bytes({60000, 28, 28}, "").substr(0, 10));
  CHECK(f.offset == 8);
  CHECK(contains(f.message, "ends inside the size of dimension 1 (truncated)"));
}

TEST_CASE("a header that declares more than the size limit is refused before any data is read", "[data][idx]") {
  const Failure f = parse_failure(idx_bytes({0xffffffffu, 28, 28}, ""));
  CHECK(f.offset == 4);
  CHECK(contains(f.message, "more than the 512 MiB read here"));
}

TEST_CASE("data that ends early names the offset where it ends and the declared size", "[data][idx]") {
  const std::string cut = kLabels.substr(0, kLabels.size() - 2);
  const Failure plain = parse_failure(cut);
  CHECK(plain.offset == 11);
  CHECK(contains(plain.message, "f.idx: byte 11: the data ends after 3 of the 5 bytes the header declares"));
  // In a gzip file the offset is that of the inflated bytes, and the message says so.
  const Failure inflated = parse_failure(gzip(cut));
  CHECK(inflated.offset == 11);
  CHECK(contains(inflated.message, "byte 11 of the inflated data: the data ends after 3 of the 5"));
}

TEST_CASE("bytes after the declared data are reported where they start", "[data][idx]") {
  const Failure f = parse_failure(kLabels + "zz");
  CHECK(f.offset == 13);
  CHECK(contains(f.message, "trailing bytes after the 5 elements"));
}

TEST_CASE("a truncated gzip stream names the file's length", "[data][idx]") {
  const std::string compressed = gzip(fixture_images(2));
  const std::string cut = compressed.substr(0, compressed.size() / 2);
  const Failure f = parse_failure(cut);
  CHECK(f.offset == cut.size());
  CHECK(contains(f.message, "the gzip stream ends early"));
  CHECK_FALSE(contains(f.message, "inflated"));  // an offset in the file itself
}

TEST_CASE("corrupt gzip data names the offset in the compressed file", "[data][idx]") {
  std::string damaged = gzip(fixture_images(2));
  damaged[10] = static_cast<char>(0xff);  // the first byte of the deflate stream: an invalid block type
  const Failure f = parse_failure(damaged);
  CHECK(contains(f.message, "corrupt gzip data"));
  CHECK(f.offset >= 10);
  CHECK(f.offset < damaged.size());
}

TEST_CASE("a second gzip member after the first is refused", "[data][idx]") {
  const std::string one = gzip(kLabels);
  const Failure f = parse_failure(one + one);
  CHECK(f.offset == one.size());
  CHECK(contains(f.message, "data after the end of the gzip stream"));
}

TEST_CASE("images and labels pair into classes in file order with grey levels byte / 255", "[data][idx]") {
  const auto images = eligo::parse_idx(fixture_images(25), "img");
  const auto labels = eligo::parse_idx(fixture_labels(25), "lab");
  const eligo::LabelledImages set = eligo::pair_idx_images(images, "img", labels, "lab");
  CHECK(set.count() == 25);
  CHECK(set.images[4].size() == 3);  // images 4, 14, 24
  CHECK(set.images[9].size() == 2);
  // Image 14 is the second of class 4: its rectangle starts at row 5, column 6, grey 120 + 10 · (14 % 13).
  CHECK(set.images[4][1][5 * 28 + 6] == Approx(130.0 / 255.0));
  CHECK(set.images[4][1][4 * 28 + 6] == 0.0f);

  const eligo::LabelledImages limited = eligo::pair_idx_images(images, "img", labels, "lab", 2);
  CHECK(limited.images[4].size() == 2);
  CHECK(limited.images[4][1] == set.images[4][1]);  // the first ones are kept
}

TEST_CASE("pairing errors name the file and offset of the wrong field", "[data][idx]") {
  const auto images = eligo::parse_idx(fixture_images(3), "img");
  const auto labels = eligo::parse_idx(fixture_labels(3), "lab");

  const auto small = eligo::parse_idx(idx_bytes({1, 28, 27}, std::string(28 * 27, '\0')), "small");
  const Failure size = failure_of([&] { eligo::pair_idx_images(small, "small", labels, "lab"); });
  CHECK(size.offset == 12);
  CHECK(contains(size.message, "small: byte 12: images of 28 × 27 pixels: must be 28 × 28"));

  const Failure swapped = failure_of([&] { eligo::pair_idx_images(labels, "lab", images, "img"); });
  CHECK(contains(swapped.message, "lab: byte 3: 1 dimensions (3): an image set has 3"));

  const auto four = eligo::parse_idx(fixture_labels(4), "four");
  const Failure count = failure_of([&] { eligo::pair_idx_images(images, "img", four, "four"); });
  CHECK(count.offset == 4);
  CHECK(contains(count.message, "four: byte 4: holds 4 labels but img holds 3 images"));

  const auto bad_label = eligo::parse_idx(idx_bytes({3}, std::string{1, 2, 10}), "bad");
  const Failure label = failure_of([&] { eligo::pair_idx_images(images, "img", bad_label, "bad"); });
  CHECK(label.offset == 10);
  CHECK(contains(label.message, "bad: byte 10: label 10 of image 2 is not a class 0 to 9"));
}

TEST_CASE("a file that cannot be read is named at byte 0", "[data][idx]") {
  const Failure missing = failure_of([] { eligo::read_idx_file(temp_dir() / "nowhere.gz"); });
  CHECK(missing.offset == 0);
  CHECK(contains(missing.message, "nowhere.gz: byte 0: cannot open the file"));
  CHECK(contains(failure_of([] { eligo::read_idx_file(temp_dir()); }).message, "is a folder"));
}

TEST_CASE("damaged copies of a valid file give errors, never a crash", "[data][idx]") {
  // Every truncation and a sweep of single-byte changes over a small gzipped file.
  const std::string whole = gzip(fixture_images(2));
  for (std::size_t n = 0; n < whole.size(); ++n) {
    CHECK(parse_failure(whole.substr(0, n)).message != "no error");
  }
  for (std::size_t i = 0; i < whole.size(); ++i) {
    std::string damaged = whole;
    damaged[i] = static_cast<char>(damaged[i] ^ 0x5a);
    try {
      eligo::parse_idx(damaged, "damaged");  // a change in a pixel byte may still be valid IDX
    } catch (const eligo::IdxFileError&) {
    }
  }
}
