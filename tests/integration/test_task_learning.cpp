// Short runs of the three tasks through the actor runtime, small enough for CI, that must show
// learning by a margin: the sine-wave loss falls, evidence accumulation beats chance on
// fresh held-out trials, and N-MNIST (digits of the repository's MNIST fixture, converted to events)
// fits its training samples far above chance.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "actors/coordinator.hpp"
#include "actors/held_out_evaluation.hpp"
#include "runtime/config/training_config.hpp"
#include "runtime/data/conversion/mnist_events_converter.hpp"
#include "tests/support/mnist_fixture.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using namespace eligo;

const fs::path kExamples = fs::path(ELIGO_TEST_DATA_DIR).parent_path().parent_path() / "examples";

// Scratch files of all tests here, removed when the test binary exits.
fs::path scratch(const std::string& name) {
  static const test::TempDir dir("eligo_learning");
  return dir.path() / name;
}

// An example config with some of its lines replaced, written next to the other scratch files.
fs::path edited_example(const std::string& example, const std::vector<std::pair<std::string, std::string>>& edits) {
  std::ifstream in(kExamples / example);
  std::string text(std::istreambuf_iterator<char>(in), {});
  for (const auto& [from, to] : edits) {
    const auto at = text.find(from);
    INFO("edit of " << example << ": " << from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
  }
  const fs::path file = scratch(example);
  std::ofstream(file) << text;
  return file;
}

actors::RunResult train(const TrainingSetup& s) {
  actors::IterationPlan plan{s.loss.first_step, s.loss.sequence, s.loss.group_size, s.loss.n_iter};
  plan.accuracy_window = s.accuracy_window;
  actors::RunOptions options;
  options.threads = 2;
  options.shards = 2;
  return actors::run_network(s.network, s.n_steps, plan, options);
}

}  // namespace

TEST_CASE("pattern generation: the sine-wave loss falls within 10 iterations", "[learning]") {
  // The example's network and task with a 33× larger learning rate, so that 10 iterations suffice.
  const fs::path config = edited_example("sine_wave.yaml", {{"eta: 9.0e-8 ", "eta: 3.0e-6 "}});
  ConfigOverrides o;
  o.iterations = 10;
  const actors::RunResult r = train(load_training_config(config, o));
  REQUIRE(r.iterations.size() == 10);
  INFO("loss " << r.iterations.front().loss << " → " << r.iterations.back().loss);
  CHECK(r.iterations.back().loss < 0.75 * r.iterations.front().loss);
}

TEST_CASE("evidence accumulation: fresh trials are decided well above chance after 6 iterations", "[learning]") {
  ConfigOverrides o;
  o.iterations = 6;
  const TrainingSetup s = load_training_config(kExamples / "evidence_accumulation.yaml", o);
  const actors::RunResult r = train(s);
  REQUIRE(r.iterations.size() == 6);
  CHECK(r.iterations.back().loss < r.iterations.front().loss);
  actors::RunOptions options;
  options.threads = 2;
  const actors::EvaluationResult e = actors::evaluate_held_out(s, r.weights, 200, std::nullopt, options);
  INFO("held-out accuracy " << e.accuracy << " on " << e.samples << " trials (chance 0.5)");
  CHECK(e.accuracy >= 0.7);
  // 199 samples run one an iteration, 200 in two of 100: the same first 199 trials get the same decisions.
  const actors::EvaluationResult first = actors::evaluate_held_out(s, r.weights, 199, std::nullopt, options);
  const double more_correct = e.accuracy * 200.0 - first.accuracy * 199.0;
  CHECK((std::abs(more_correct) < 1e-9 || std::abs(more_correct - 1.0) < 1e-9));
}

TEST_CASE("N-MNIST: the network fits the fixture's digits far above chance", "[learning]") {
  // 2 digits per class from the repository's fixture: one to train on, one held out.
  const fs::path data = scratch("nmnist");
  MnistConversionOptions convert;
  convert.out = data;
  convert.test_fraction = 0.5;
  convert.overwrite = true;
  convert_mnist_to_events(test::fixture_digits(), convert);

  const fs::path config = edited_example("nmnist.yaml", {{"data_dir: ../data/nmnist", "data_dir: " + data.string()},
                                                         {"group_size: 100", "group_size: 10"}});
  ConfigOverrides o;
  o.iterations = 8;  // 8 passes over the 10 training digits
  const actors::RunResult r = train(load_training_config(config, o));
  REQUIRE(r.iterations.size() == 8);
  INFO("accuracy on the training digits " << r.iterations.front().accuracy << " → " << r.iterations.back().accuracy
                                          << ", loss " << r.iterations.front().loss << " → "
                                          << r.iterations.back().loss);
  CHECK(r.iterations.back().loss < r.iterations.front().loss);
  CHECK(r.iterations.back().accuracy >= 0.5);  // chance: 0.1
}
