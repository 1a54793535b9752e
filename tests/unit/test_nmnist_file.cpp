// The N-MNIST reader against files built byte by byte here, not only files eligo wrote itself.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "runtime/data/formats/nmnist_file.hpp"
#include "tests/support/error_text.hpp"

namespace {

namespace fs = std::filesystem;

fs::path temp_dir() {
  const fs::path d = fs::temp_directory_path() / ("eligo_nmnist_" + std::to_string(getpid()));
  fs::create_directories(d);
  return d;
}

fs::path write_bytes(const std::string& name, const std::vector<unsigned char>& bytes) {
  const fs::path p = temp_dir() / name;
  std::ofstream(p, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return p;
}

template <class F>
std::string error_of(F&& f) {
  return eligo::test::error_text<eligo::DataFileError>(std::forward<F>(f));
}

}  // namespace

TEST_CASE("the N-MNIST reader decodes the 5-byte bit fields", "[nmnist]") {
  // x = 3, y = 33, ON, t = 0x12345 µs; then x = 0, y = 0, OFF, t = 0x7FFFFF µs (largest 23-bit value).
  const fs::path f = write_bytes("two.bin", {0x03, 0x21, 0x81, 0x23, 0x45, 0x00, 0x00, 0x7F, 0xFF, 0xFF});
  const auto events = eligo::read_nmnist_file(f);
  REQUIRE(events.size() == 2);
  CHECK(events[0] == eligo::NmnistEvent{3, 33, true, 0x12345});
  CHECK(events[1] == eligo::NmnistEvent{0, 0, false, 0x7FFFFF});
}

TEST_CASE("writing and reading an N-MNIST file gives the same bytes and events", "[nmnist]") {
  const std::vector<eligo::NmnistEvent> events{{1, 2, false, 10}, {33, 0, true, 10}, {5, 6, true, 70000}};
  const fs::path f = temp_dir() / "round.bin";
  eligo::write_nmnist_file(f, events);
  CHECK(fs::file_size(f) == 15);
  CHECK(eligo::read_nmnist_file(f) == events);
}

TEST_CASE("N-MNIST data problems each get an error naming the file", "[nmnist]") {
  const std::string truncated = error_of([] { eligo::read_nmnist_file(write_bytes("cut.bin", {1, 2, 3, 4, 5, 6})); });
  CHECK(truncated.find("cut.bin") != std::string::npos);
  CHECK(truncated.find("truncated") != std::string::npos);

  const std::string outside = error_of([] { eligo::read_nmnist_file(write_bytes("wide.bin", {34, 0, 0, 0, 1})); });
  CHECK(outside.find("wide.bin: field event 0") != std::string::npos);
  CHECK(outside.find("outside 34 × 34") != std::string::npos);

  const std::string backwards = error_of([] {
    eligo::read_nmnist_file(write_bytes("back.bin", {0, 0, 0, 0, 9, 0, 0, 0, 0, 8}));
  });
  CHECK(backwards.find("back.bin: field event 1") != std::string::npos);
  CHECK(backwards.find("goes back") != std::string::npos);

  const std::string missing = error_of([] { eligo::list_nmnist_split(temp_dir() / "nowhere", "Train"); });
  CHECK(missing.find("nowhere/Train") != std::string::npos);
  CHECK(missing.find("missing folder") != std::string::npos);
}

TEST_CASE("an N-MNIST split lists its samples by digit and file name", "[nmnist]") {
  const fs::path root = temp_dir() / "dataset";
  for (const char* rel : {"Train/7/b.bin", "Train/7/a.bin", "Train/0/z.bin", "Train/7/notes.txt"}) {
    fs::create_directories((root / rel).parent_path());
    std::ofstream(root / rel) << "";
  }
  const auto samples = eligo::list_nmnist_split(root, "Train");
  REQUIRE(samples.size() == 3);
  CHECK(samples[0].label == 0);
  CHECK(samples[1].path.filename() == "a.bin");
  CHECK(samples[2].label == 7);
}
