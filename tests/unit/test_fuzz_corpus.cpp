// Every input of the fuzz corpus (tests/fuzz/corpus/<target>/: seeds and every input a fuzzer found,
// docs/robustness.md) through its fuzz target, built here with g++ and no sanitizers
// (tests/fuzz/fuzz_target.hpp): an input that once crashed a parser, made it allocate too much or hang
// stays a regression test of the normal suite.
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/fuzz/fuzz_target.hpp"

namespace {

namespace fs = std::filesystem;

const fs::path kCorpus = fs::path(ELIGO_TEST_DATA_DIR).parent_path() / "fuzz" / "corpus";

std::vector<fs::path> files_in(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.is_regular_file()) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("every fuzz target has a corpus, and every corpus a target", "[fuzz]") {
  const auto& targets = eligo::fuzz::targets();
  CHECK(targets.size() >= 13);
  for (const auto& [name, target] : targets) {
    INFO(name);
    REQUIRE(fs::is_directory(kCorpus / name));
    CHECK_FALSE(files_in(kCorpus / name).empty());
  }
  for (const auto& entry : fs::directory_iterator(kCorpus)) {
    INFO(entry.path());
    CHECK(targets.contains(entry.path().filename().string()));
  }
}

TEST_CASE("every input of the fuzz corpus runs through its target as the parser promises", "[fuzz]") {
  for (const auto& [name, target] : eligo::fuzz::targets()) {
    for (const fs::path& file : files_in(kCorpus / name)) {
      std::ifstream in(file, std::ios::binary);
      const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      INFO(file.string());
      const auto start = std::chrono::steady_clock::now();
      CHECK_NOTHROW(target(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
      CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));  // no hang
    }
  }
}
