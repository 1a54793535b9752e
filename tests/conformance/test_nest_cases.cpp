// NEST conformance: every bundled reference case reproduces NEST's losses, and the numbers do not
// depend on the path that computes them. Each case runs once per path: the shards stepped by hand on one
// shard, the same split into many shards, and the actors on two threads (`eligo verify` through the CLI
// is the product's own check, in ctest as cli.verify_bundled_cases).
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "actors/coordinator.hpp"
#include "actors/training_plan.hpp"
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

std::vector<double> losses_of(const eligo::actors::RunResult& r) {
  std::vector<double> loss;
  for (const auto& it : r.iterations) loss.push_back(it.loss);
  return loss;
}

}  // namespace

TEST_CASE("the bundled NEST cases are all present", "[conformance]") {
  // Twelve cases ship with the repository (eight of the event-driven variant, four of bsshslm_2020); losing one
  // silently would weaken every test below.
  CHECK(bundled_cases().size() == 12);
}

TEST_CASE("every bundled NEST case reproduces NEST's losses, the same to the bit sharded and through the actors",
          "[conformance][actors]") {
  for (const std::string& file : bundled_cases()) {
    SECTION(std::filesystem::path(file).filename().string()) {
      const eligo::ReferenceCase c = eligo::load_reference_case(file);
      const eligo::CaseResult one = eligo::run_reference_case(c);
      REQUIRE(one.loss.size() == c.loss_reference.size());
      INFO("max relative deviation " << one.comparison.max_relative_deviation);
      CHECK(one.comparison.within(1e-10));
      CHECK(one.rec_spikes > 0);
      // Schema v3 records NEST's final weights: they must agree too, block by block.
      CHECK(c.final_weights.has_value() == (c.network.variant == eligo::EpropVariant::bsshslm_2020));
      for (const eligo::BlockDeviation& d : one.weight_deviation) {
        INFO(d.block << " max relative weight deviation " << d.max_relative_deviation);
        CHECK(d.max_relative_deviation <= 1e-10);
      }

      eligo::PartitionOptions split;
      split.input_shards = 3;
      split.recurrent_shards = 7;
      const eligo::CaseResult many = eligo::run_reference_case(c, split);
      CHECK(many.loss == one.loss);
      CHECK(many.weights_digest == one.weights_digest);

      eligo::actors::RunOptions options;
      options.threads = 2;
      options.shards = 3;
      const eligo::actors::IterationPlan plan = eligo::actors::make_iteration_plan(c);
      const eligo::actors::RunResult actors = eligo::actors::run_network(c.network, c.n_steps, plan, options);
      CHECK(losses_of(actors) == one.loss);
      CHECK(actors.weights_digest == one.weights_digest);
    }
  }
}
