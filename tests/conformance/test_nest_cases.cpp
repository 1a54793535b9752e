// NEST conformance: every bundled reference case reproduces NEST's losses, and the numbers do not
// depend on how the network is split into shards.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "runtime/verification/case_runner.hpp"

namespace {

std::vector<std::string> bundled_cases() {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(std::string(ELIGO_TEST_DATA_DIR) + "/nest")) {
    if (e.path().extension() == ".json") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("the bundled NEST cases are all present", "[conformance]") {
  // Eight cases ship with the repository; losing one silently would weaken every test below.
  CHECK(bundled_cases().size() == 8);
}

TEST_CASE("every bundled NEST case reproduces NEST's losses within 1e-10", "[conformance]") {
  for (const std::string& file : bundled_cases()) {
    SECTION(std::filesystem::path(file).filename().string()) {
      const eligo::ReferenceCase c = eligo::load_reference_case(file);
      const eligo::CaseResult r = eligo::run_reference_case(c);
      REQUIRE(r.loss.size() == c.loss_reference.size());
      INFO("max relative deviation " << r.comparison.max_relative_deviation);
      CHECK(r.comparison.within(1e-10));
      CHECK(r.rec_spikes > 0);
    }
  }
}

TEST_CASE("the NEST cases give bit-identical losses and weights however the network is sharded", "[conformance]") {
  for (const std::string& file : bundled_cases()) {
    SECTION(std::filesystem::path(file).filename().string()) {
      const eligo::ReferenceCase c = eligo::load_reference_case(file);
      const eligo::CaseResult one = eligo::run_reference_case(c);
      eligo::PartitionOptions split;
      split.input_shards = 3;
      split.recurrent_shards = 7;
      const eligo::CaseResult many = eligo::run_reference_case(c, split);
      CHECK(many.loss == one.loss);
      CHECK(many.weights_digest == one.weights_digest);
    }
  }
}
