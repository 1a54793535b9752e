// Training configs of NEST's original e-prop (docs/numerics.md §16, proto/eligo/config.proto `bsshslm_2020`):
// the bundled example loads as NEST's example is set up, bad combinations are refused at their field, and a
// short run gives one digest however it is partitioned and threaded.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "actors/coordinator.hpp"
#include "actors/training_plan.hpp"
#include "runtime/config/training_config.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using namespace eligo;

const fs::path kExamples = fs::path(ELIGO_TEST_DATA_DIR).parent_path().parent_path() / "examples";
constexpr const char* kExample = "evidence_accumulation_bsshslm.yaml";

std::string example_text() {
  std::ifstream in(kExamples / kExample);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The example with some of its text replaced (each edit must apply).
std::string edited(std::vector<std::pair<std::string, std::string>> edits) {
  std::string text = example_text();
  for (const auto& [from, to] : edits) {
    const auto at = text.find(from);
    INFO("edit: " << from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
  }
  return text;
}

TrainingSetup load(const std::string& text) { return load_training_config_text(text, kExamples / "edited.yaml"); }

std::string error_of(const std::string& text) {
  try {
    load(text);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

// A few short trials: the example's network and task with a delay of 150 instead of 1050 steps.
std::string short_run() {
  return edited({{"eprop_update_interval: 2250.0", "eprop_update_interval: 1350.0"},
                 {"delay_steps: 1050", "delay_steps: 150"},
                 {"iterations: 50", "iterations: 3"},
                 {"group_size: 32", "group_size: 4"},
                 {"batch_size: 32", "batch_size: 4"}});
}

actors::RunResult run(const TrainingSetup& s, std::uint32_t threads, std::uint32_t shards) {
  actors::RunOptions options;
  options.threads = threads;
  options.shards = shards;
  options.input_shards = shards;
  return actors::run_network(s.network, s.n_steps, actors::make_iteration_plan(s), options);
}

}  // namespace

TEST_CASE("the bsshslm evidence-accumulation example loads as NEST's example is set up", "[config][bsshslm]") {
  const TrainingSetup s = load_training_config(kExamples / kExample);
  const NetworkDescription& net = s.network;
  CHECK(net.variant == EpropVariant::bsshslm_2020);
  REQUIRE(net.rec_groups.size() == 2);
  CHECK(net.rec_groups[0].model == RecurrentModel::eprop_iaf_bsshslm_2020);
  CHECK(net.rec_groups[1].model == RecurrentModel::eprop_iaf_adapt_bsshslm_2020);
  CHECK(net.rec_groups[1].first == 50);
  CHECK(net.rec_groups[1].params.adapt_tau == 2000.0);
  CHECK(net.n_rec == 100);
  CHECK(net.out.loss == ReadoutLoss::cross_entropy);
  CHECK_FALSE(net.out.regular_spike_arrival);
  CHECK(net.bsshslm.update_interval == 2250);
  CHECK(net.bsshslm.learning_window == 150);
  CHECK(net.bsshslm.average_gradient);
  CHECK(net.bsshslm.tau_m_readout_rec_out == 20.0);
  CHECK(net.forced_spikes.empty());  // this variant needs no final-update spike
  // The readouts see the targets from step 4 on (offset_gen and three delays), the loss reads the recall.
  CHECK(s.loss.first_step == 4);
  CHECK(s.loss.sequence == 2250);
  CHECK(s.loss.function == ReadoutLoss::cross_entropy);
  CHECK(s.loss.in_sequence_first == 2100);
  CHECK(s.loss.in_sequence_last == 2249);
  CHECK(s.accuracy_window == 150);
}

// The lines of a config without comments, blank lines and the settings named.
std::vector<std::string> settings_but(const fs::path& config, const std::vector<std::string>& keys) {
  std::ifstream in(config);
  std::vector<std::string> kept;
  for (std::string line; std::getline(in, line);) {
    line = line.substr(0, line.find('#'));
    while (!line.empty() && line.back() == ' ') line.pop_back();
    const auto key = line.find_first_not_of(' ');
    if (key == std::string::npos) continue;
    const std::string name = line.substr(key, line.find(':') == std::string::npos ? 0 : line.find(':') - key);
    if (std::find(keys.begin(), keys.end(), name) == keys.end()) kept.push_back(line);
  }
  return kept;
}

TEST_CASE("the batch-64 example is NEST's example but for its batch, learning rate and length", "[config][bsshslm]") {
  const fs::path batch64 = kExamples / "evidence_accumulation_bsshslm_batch64.yaml";
  const std::vector<std::string> differing{"name", "eta", "batch_size", "iterations", "group_size", "evaluate_every"};
  CHECK(settings_but(batch64, differing) == settings_but(kExamples / kExample, differing));
  const TrainingSetup s = load_training_config(batch64);
  CHECK(s.network.variant == EpropVariant::bsshslm_2020);
  CHECK(s.network.optimizer.eta == 0.002);
  CHECK(s.network.optimizer.batch_size == 64);
  CHECK(s.loss.group_size == 64);
  CHECK(s.loss.n_iter == 250);
  CHECK(s.evaluate_every == 25);
}

TEST_CASE("bsshslm configs that NEST would refuse, or that mix the variants, name the field", "[config][bsshslm]") {
  CHECK_THAT(error_of(edited({{"model: eprop_readout_bsshslm_2020", "model: eprop_readout"}})),
             Catch::Contains("populations[2].model") && Catch::Contains("mixes NEST's two e-prop variants"));
  CHECK_THAT(error_of(edited({{"eprop_update_interval: 2250.0", "eprop_update_interval: 2000.0"}})),
             Catch::Contains("eprop_update_interval is 2000 steps but the task's sequence 2250"));
  CHECK_THAT(error_of(edited({{"eprop_learning_window: 150.0", "eprop_learning_window: 3000.0"}})),
             Catch::Contains("bsshslm_2020.eprop_learning_window"));
  CHECK_THAT(error_of(edited({{"model: eprop_iaf_adapt_bsshslm_2020", "model: eprop_iaf_adapt"}})),
             Catch::Contains("populations[1].groups[1].model") && Catch::Contains("groups take"));
  CHECK_THAT(error_of(edited({{"size: 100\n    groups", "size: 90\n    groups"}})),
             Catch::Contains("populations[1].size") && Catch::Contains("add up to 100"));
  CHECK_THAT(error_of(edited({{"loss: cross_entropy", "loss: hinge"}})), Catch::Contains("params.loss"));
  CHECK_THAT(error_of(edited({{"    synapse: feedback\n", "    synapse: feedback\n    tau_m_readout: 5.0\n"}})),
             Catch::Contains("tau_m_readout") && Catch::Contains("not the feedback"));
  CHECK_THAT(error_of(edited({{"flush_event_send_interval: 2250.0", "flush_event_send_interval: 100.0"}})),
             Catch::Contains("flush_event_send_interval must be at least eprop_update_interval"));
  CHECK_THAT(error_of(edited({{"tau_m_readout: 20.0", "tau_m_readout: -1.0"}})),
             Catch::Contains("connections[0].tau_m_readout") && Catch::Contains("> 0"));
}

TEST_CASE("the event-driven variant refuses the bsshslm settings", "[config][bsshslm]") {
  std::ifstream in(kExamples / "evidence_accumulation.yaml");
  std::string text(std::istreambuf_iterator<char>(in), {});
  const std::string with_block = text + "\nbsshslm_2020:\n  eprop_update_interval: 1000.0\n";
  CHECK_THAT(error_of(with_block), Catch::Contains("bsshslm_2020") && Catch::Contains("only to networks"));
  std::string with_loss = text;
  with_loss.replace(with_loss.find("      tau_m: 20.0\n      I_e: 0.0\n"), 0, "      loss: cross_entropy\n");
  CHECK_THAT(error_of(with_loss), Catch::Contains("loss") && Catch::Contains("not of eprop_readout"));
}

TEST_CASE("a short bsshslm training gives one digest at any partition and thread count", "[learning][bsshslm]") {
  const TrainingSetup s = load(short_run());
  const actors::RunResult one = run(s, 1, 1);
  REQUIRE(one.iterations.size() == 3);
  for (const actors::IterationReport& it : one.iterations) {
    // A cross-entropy over two readouts near chance: about ln 2.
    CHECK(std::isfinite(it.loss));
    CHECK(it.loss > 0.3);
    CHECK(it.loss < 1.5);
    CHECK(it.accuracy >= 0.0);
  }
  CHECK(one.rec_spikes > 0);
  const actors::RunResult split = run(s, 2, 3);
  CHECK(split.weights_digest == one.weights_digest);
  REQUIRE(split.iterations.size() == one.iterations.size());
  for (std::size_t i = 0; i < one.iterations.size(); ++i) CHECK(split.iterations[i].loss == one.iterations[i].loss);
}
