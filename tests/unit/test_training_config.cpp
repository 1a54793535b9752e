// Tests of the native config format (runtime/config/training_config.*, proto/eligo/config.proto) and of
// the sine-wave task (runtime/data/sine_wave_task.*).
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "runtime/config/run_digest.hpp"
#include "runtime/config/training_config.hpp"
#include "runtime/data/tasks/sine_wave_task.hpp"
#include "tests/support/sample_layout_reference.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using eligo::ConfigError;
using eligo::ConfigOverrides;
using eligo::GeneratedConnections;
using eligo::load_training_config;
using eligo::NetworkDescription;
using eligo::Step;
using eligo::TrainingSetup;
using eligo::test::TempDir;

ConfigOverrides overrides(std::optional<std::uint64_t> seed, std::optional<std::int64_t> iterations) {
  ConfigOverrides o;
  o.seed = seed;
  o.iterations = iterations;
  return o;
}

const fs::path kExamples = fs::path(ELIGO_TEST_DATA_DIR).parent_path().parent_path() / "examples";
const fs::path kSineWave = kExamples / "sine_wave.yaml";
const fs::path kSineWaveSmall = kExamples / "sine_wave_small.yaml";

// The ConfigError that loading `file` throws; fails the test when there is none.
ConfigError config_error(const fs::path& file, const ConfigOverrides& overrides = {}) {
  try {
    load_training_config(file, overrides);
  } catch (const ConfigError& e) {
    return e;
  }
  FAIL("no ConfigError for " << file);
  throw std::logic_error("unreachable");
}

// The connections into `target` that a generated block makes, in the rule's order.
std::vector<std::pair<std::uint32_t, double>> incoming(const NetworkDescription& net,
                                                       const std::optional<GeneratedConnections>& rule,
                                                       std::uint32_t target, std::uint32_t n_source, bool same) {
  REQUIRE(rule.has_value());
  std::vector<std::pair<std::uint32_t, double>> out;
  eligo::generate_incoming(*rule, net.seed, target, n_source, same,
                           [&](std::uint32_t source, double w) { out.emplace_back(source, w); });
  return out;
}

// Every field of the parameter structs, for comparing two descriptions member by member.
auto fields(const eligo::RecurrentParams& p) {
  return std::tie(p.C_m, p.E_L, p.I_e, p.t_ref, p.tau_m, p.V_th, p.V_min, p.V_m, p.V_reset, p.refractory_input,
                  p.adapt_beta, p.adapt_tau, p.adaptation, p.c_reg, p.f_target, p.kappa, p.kappa_reg,
                  p.surrogate_gradient_function, p.surrogate_gradient_height, p.surrogate_gradient_width,
                  p.eprop_isi_trace_cutoff, p.flush_event_send_interval, p.ignore_and_spike, p.ignore_and_spike_offset,
                  p.ignore_and_spike_interval);
}
auto fields(const eligo::ReadoutParams& p) {
  return std::tie(p.C_m, p.E_L, p.I_e, p.tau_m, p.V_min, p.V_m, p.eprop_isi_trace_cutoff);
}
auto fields(const eligo::OptimizerParams& p) {
  return std::tie(p.type, p.batch_size, p.eta, p.Wmin, p.Wmax, p.optimize_each_step, p.beta_1, p.beta_2, p.epsilon);
}
auto fields(const GeneratedConnections& g) {
  const eligo::WeightDistribution& w = g.weight;
  return std::tie(g.rule, g.indegree, g.probability, g.allow_autapses, g.allow_multapses, g.stream, w.kind, w.value,
                  w.mean, w.std, w.low, w.high, w.scale, w.scale_by_sqrt_fan_in);
}

void check_same_rule(const std::optional<GeneratedConnections>& a, const std::optional<GeneratedConnections>& b) {
  REQUIRE(a.has_value() == b.has_value());
  if (a) CHECK(fields(*a) == fields(*b));
}

void check_same_network(const NetworkDescription& streamed_a, const NetworkDescription& streamed_b) {
  const NetworkDescription a = eligo::test::expand_sample_stream(streamed_a);
  const NetworkDescription b = eligo::test::expand_sample_stream(streamed_b);
  CHECK(a.resolution_ms == b.resolution_ms);
  CHECK(std::tie(a.n_in, a.n_rec, a.n_out, a.rec_model, a.seed) ==
        std::tie(b.n_in, b.n_rec, b.n_out, b.rec_model, b.seed));
  CHECK(fields(a.rec) == fields(b.rec));
  CHECK(fields(a.out) == fields(b.out));
  CHECK(a.input.flush_event_send_interval == b.input.flush_event_send_interval);
  CHECK(fields(a.optimizer) == fields(b.optimizer));
  check_same_rule(a.in_rec_rule, b.in_rec_rule);
  check_same_rule(a.rec_rec_rule, b.rec_rec_rule);
  check_same_rule(a.rec_out_rule, b.rec_out_rule);
  check_same_rule(a.out_rec_feedback_rule, b.out_rec_feedback_rule);
  CHECK(a.input_spike_steps == b.input_spike_steps);
  REQUIRE(a.targets.size() == b.targets.size());
  for (std::size_t k = 0; k < a.targets.size(); ++k) {
    CHECK(a.targets[k].time == b.targets[k].time);
    CHECK(a.targets[k].value == b.targets[k].value);
  }
  CHECK(a.learning_window.time == b.learning_window.time);
  CHECK(a.learning_window.value == b.learning_window.value);
  REQUIRE(a.forced_spikes.size() == b.forced_spikes.size());
  for (std::size_t g = 0; g < a.forced_spikes.size(); ++g) {
    CHECK(a.forced_spikes[g].spike_steps == b.forced_spikes[g].spike_steps);
    CHECK(a.forced_spikes[g].input_targets == b.forced_spikes[g].input_targets);
    CHECK(a.forced_spikes[g].rec_targets == b.forced_spikes[g].rec_targets);
    CHECK(a.forced_spikes[g].weight == b.forced_spikes[g].weight);
  }
}

// A small valid config. The bad-config tests each change one line of it.
const std::string kBase = R"(name: tiny
seed: 7
populations:
  - name: in
    model: parrot
    size: 10
  - name: rec
    model: eprop_iaf
    size: 20
    params:
      C_m: 1.0
      tau_m: 30.0
      V_th: 0.03
  - name: out
    model: eprop_readout
    size: 2
connections:
  - source: in
    target: rec
    rule: all_to_all
    weight: {distribution: normal, std: 1.0, scale_by_sqrt_fan_in: true}
  - source: rec
    target: rec
    rule: fixed_indegree
    indegree: 5
    weight: {distribution: normal, std: 1.0, scale_by_sqrt_fan_in: true}
  - source: rec
    target: out
    rule: all_to_all
    weight: {distribution: uniform, low: -0.1, high: 0.1}
  - source: out
    target: rec
    rule: all_to_all
    synapse: feedback
    weight: {distribution: normal, std: 0.1}
optimizer:
  type: gradient_descent
  eta: 1.0e-4
task:
  kind: sine_wave
  sequence_steps: 100
  input_rate_hz: 20
training:
  iterations: 3
)";

// kBase with the first occurrence of `from` replaced by `to` (which must exist).
std::string with(const std::string& from, const std::string& to) {
  std::string text = kBase;
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("the bundled sine-wave example loads with NEST's example settings", "[config]") {
  const TrainingSetup s = load_training_config(kSineWave);
  const NetworkDescription& net = s.network;
  CHECK(s.name == "sine_wave");
  CHECK(s.seed == 1);
  CHECK(net.seed == 1);
  CHECK(net.resolution_ms == 1.0);
  CHECK(std::tie(net.n_in, net.n_rec, net.n_out) == std::make_tuple(100u, 100u, 1u));
  CHECK(net.rec_model == eligo::RecurrentModel::eprop_iaf);
  CHECK(net.rec.C_m == 1.0);
  CHECK(net.rec.V_th == 0.03);
  CHECK(net.rec.tau_m == 30.0);
  CHECK(net.rec.t_ref == 0.0);
  CHECK(net.rec.c_reg == 0.3);
  CHECK(net.rec.surrogate_gradient_height == 10.0);
  CHECK(net.rec.surrogate_gradient_width == Approx(1.0 / 33.3));
  CHECK(net.rec.eprop_isi_trace_cutoff == 100.0);
  CHECK(net.out.tau_m == 30.0);
  CHECK(net.out.C_m == 1.0);
  CHECK(net.optimizer.type == eligo::OptimizerType::gradient_descent);
  CHECK(net.optimizer.eta == 9e-8);
  CHECK_FALSE(net.optimizer.optimize_each_step);

  REQUIRE(net.rec_rec_rule.has_value());
  CHECK(net.rec_rec_rule->rule == eligo::ConnectionRule::all_to_all);
  CHECK_FALSE(net.rec_rec_rule->allow_autapses);
  CHECK(incoming(net, net.rec_rec_rule, 3, net.n_rec, true).size() == 99);  // all others, no autapse
  CHECK(incoming(net, net.in_rec_rule, 3, net.n_in, false).size() == 100);
  CHECK(incoming(net, net.rec_out_rule, 0, net.n_rec, false).size() == 100);
  CHECK(incoming(net, net.out_rec_feedback_rule, 42, net.n_out, false).size() == 1);
  // Each block draws from a stream of its own.
  CHECK(net.in_rec_rule->stream != net.rec_rec_rule->stream);
  CHECK(net.rec_out_rule->stream != net.out_rec_feedback_rule->stream);

  CHECK(s.n_steps == 2 + 200 * 1000 + 3);
  CHECK(s.loss.n_iter == 200);
  CHECK(s.loss.sequence == 1000);
}

TEST_CASE("the small sine-wave example is the same network for 5 iterations", "[config]") {
  const TrainingSetup full = load_training_config(kSineWave);
  const TrainingSetup small = load_training_config(kSineWaveSmall);
  CHECK(small.name == "sine_wave_small");
  CHECK(small.loss.n_iter == 5);
  CHECK(small.n_steps == 2 + 5 * 1000 + 3);
  // With the same iteration count the two files describe the same run.
  const TrainingSetup full_5 = load_training_config(kSineWave, overrides(std::nullopt, 5));
  check_same_network(full_5.network, small.network);
  CHECK(full.network.n_rec == small.network.n_rec);
}

TEST_CASE("a YAML config and the equivalent JSON config give identical networks", "[config]") {
  const std::string yaml = R"(# every kind of value: numbers, booleans, strings, infinity, lists, flow mappings
name: both
seed: 12345678901234
resolution_ms: 1
populations:
  - {name: input, model: parrot, size: 5}
  - name: hidden
    model: eprop_iaf_psc_delta_adapt
    size: 8
    params:
      C_m: 1
      V_reset: -0.5
      V_th: 0.5
      refractory_input: true
      adapt_beta: 0.0174
      surrogate_gradient_function: exponential
      eprop_isi_trace_cutoff: .inf
  - name: readout
    model: eprop_readout
    size: 2
    params: {tau_m: 20.0}
connections:
  - {source: input, target: hidden, rule: pairwise_bernoulli, probability: 0.5,
     weight: {distribution: uniform, low: -1, high: 1, scale: 0.1}}
  - {source: hidden, target: hidden, rule: fixed_indegree, indegree: 3, allow_multapses: false,
     weight: {distribution: normal, mean: 0.1, std: 2, scale_by_sqrt_fan_in: true}}
  - {source: hidden, target: readout, rule: all_to_all, delay_ms: 1.0, weight: {value: 0.25}}
  - {source: readout, target: hidden, rule: all_to_all, synapse: feedback}
optimizer: {type: adam, eta: 5.0e-3, batch_size: 2, optimize_each_step: false, epsilon: 1.0e-8}
task:
  kind: sine_wave
  sequence_steps: 50
  input_rate_hz: 100
  periods_steps: [50, 25, 10, 5]
  amplitude_low: 1
  amplitude_high: 3
  final_update_spike: false
training: {iterations: 2, group_size: 1}
)";
  const std::string json = R"({
  "name": "both", "seed": 12345678901234, "resolution_ms": 1,
  "populations": [
    {"name": "input", "model": "parrot", "size": 5},
    {"name": "hidden", "model": "eprop_iaf_psc_delta_adapt", "size": 8,
     "params": {"C_m": 1, "V_reset": -0.5, "V_th": 0.5, "refractory_input": true, "adapt_beta": 0.0174,
                "surrogate_gradient_function": "exponential", "eprop_isi_trace_cutoff": "inf"}},
    {"name": "readout", "model": "eprop_readout", "size": 2, "params": {"tau_m": 20.0}}
  ],
  "connections": [
    {"source": "input", "target": "hidden", "rule": "pairwise_bernoulli", "probability": 0.5,
     "weight": {"distribution": "uniform", "low": -1, "high": 1, "scale": 0.1}},
    {"source": "hidden", "target": "hidden", "rule": "fixed_indegree", "indegree": 3, "allow_multapses": false,
     "weight": {"distribution": "normal", "mean": 0.1, "std": 2, "scale_by_sqrt_fan_in": true}},
    {"source": "hidden", "target": "readout", "rule": "all_to_all", "delay_ms": 1.0, "weight": {"value": 0.25}},
    {"source": "readout", "target": "hidden", "rule": "all_to_all", "synapse": "feedback"}
  ],
  "optimizer": {"type": "adam", "eta": 5.0e-3, "batch_size": 2, "optimize_each_step": false, "epsilon": 1.0e-8},
  "task": {"kind": "sine_wave", "sequence_steps": 50, "input_rate_hz": 100, "periods_steps": [50, 25, 10, 5],
           "amplitude_low": 1, "amplitude_high": 3, "final_update_spike": false},
  "training": {"iterations": 2, "group_size": 1}
})";
  const TempDir dir;
  const TrainingSetup from_yaml = load_training_config(dir.write("both.yaml", yaml));
  const TrainingSetup from_json = load_training_config(dir.write("both.json", json));
  check_same_network(from_yaml.network, from_json.network);
  CHECK(from_yaml.n_steps == from_json.n_steps);
  CHECK(from_yaml.seed == 12345678901234u);

  // And the values arrived where they belong.
  const NetworkDescription& net = from_yaml.network;
  CHECK(net.rec_model == eligo::RecurrentModel::eprop_iaf_psc_delta_adapt);
  CHECK(net.rec.refractory_input);
  CHECK(net.rec.V_reset == -0.5);
  CHECK(std::isinf(net.rec.eprop_isi_trace_cutoff));
  CHECK(net.rec.surrogate_gradient_function == eligo::SurrogateFunction::exponential);
  CHECK(net.rec.tau_m == 10.0);  // not given: NEST's default
  CHECK(net.out.tau_m == 20.0);
  CHECK(net.optimizer.type == eligo::OptimizerType::adam);
  CHECK(net.optimizer.batch_size == 2);
  CHECK(net.optimizer.epsilon == 1e-8);
  CHECK(net.optimizer.beta_1 == 0.9);  // not given: NEST's default
  CHECK(net.rec_out_rule->weight.value == 0.25);
  CHECK(net.out_rec_feedback_rule->weight.value == 1.0);  // no weight given: NEST's default weight
  CHECK(net.forced_spikes.empty());
  CHECK(eligo::test::expand_sample_stream(net).targets.size() == 2);
}

TEST_CASE("overrides replace the seed and the number of iterations", "[config]") {
  const TrainingSetup base = load_training_config(kSineWaveSmall);
  const TrainingSetup changed = load_training_config(kSineWaveSmall, overrides(99, 2));
  CHECK(changed.seed == 99);
  CHECK(changed.network.seed == 99);
  CHECK(changed.loss.n_iter == 2);
  CHECK(changed.n_steps == 2 + 2 * 1000 + 3);
  CHECK(eligo::test::expand_sample_stream(changed.network).targets[0].time.size() == std::size_t{2000});
  CHECK(changed.network.forced_spikes[0].spike_steps == std::vector<Step>{2 * 1000 + 1});
  CHECK(base.seed == 1);

  const TrainingSetup seed_only = load_training_config(kSineWaveSmall, overrides(99, std::nullopt));
  CHECK(seed_only.loss.n_iter == 5);
}

TEST_CASE("eprop_mode comes from the config or its override, which the run digest records", "[config]") {
  const TempDir dir;
  const fs::path closed = dir.write("closed.yaml", kBase + "eprop_mode: closed_form\n");
  CHECK(load_training_config(closed).network.eprop_mode == eligo::EpropMode::closed_form);
  const fs::path plain = dir.write("plain.yaml", kBase);
  const TrainingSetup exact = load_training_config(plain);
  CHECK(exact.network.eprop_mode == eligo::EpropMode::exact);  // the default
  eligo::ConfigOverrides o;
  o.eprop_mode = "auto";
  const TrainingSetup automatic = load_training_config(plain, o);
  CHECK(automatic.network.eprop_mode == eligo::EpropMode::automatic);
  CHECK(eligo::run_digest(plain, automatic) != eligo::run_digest(plain, exact));
  o.eprop_mode = "fastest";
  try {
    load_training_config(plain, o);
    FAIL("an unknown mode loaded");
  } catch (const ConfigError& e) {
    CHECK(e.field() == "eprop_mode (overridden)");
    CHECK_THAT(e.what(), Catch::Contains("exact, closed_form, auto"));
  }
}

TEST_CASE("network construction is a pure function of the seed", "[config]") {
  const TrainingSetup a = load_training_config(kSineWaveSmall);
  const TrainingSetup b = load_training_config(kSineWaveSmall);
  const TrainingSetup other = load_training_config(kSineWaveSmall, overrides(2, std::nullopt));
  const auto& na = a.network;
  const auto& nb = b.network;
  const auto& no = other.network;
  for (std::uint32_t j : {0u, 17u, 99u}) {
    CHECK(incoming(na, na.in_rec_rule, j, na.n_in, false) == incoming(nb, nb.in_rec_rule, j, nb.n_in, false));
    CHECK(incoming(na, na.rec_rec_rule, j, na.n_rec, true) == incoming(nb, nb.rec_rec_rule, j, nb.n_rec, true));
    CHECK(incoming(na, na.in_rec_rule, j, na.n_in, false) != incoming(no, no.in_rec_rule, j, no.n_in, false));
    CHECK(incoming(na, na.rec_rec_rule, j, na.n_rec, true) != incoming(no, no.rec_rec_rule, j, no.n_rec, true));
  }
  check_same_network(na, nb);
  const NetworkDescription ea = eligo::test::expand_sample_stream(na), eo = eligo::test::expand_sample_stream(no);
  CHECK(ea.input_spike_steps != eo.input_spike_steps);
  CHECK(ea.targets[0].value != eo.targets[0].value);
}

TEST_CASE("the sine-wave task has NEST's example timing", "[config]") {
  const TrainingSetup s = load_training_config(kSineWaveSmall);
  const NetworkDescription net = eligo::test::expand_sample_stream(s.network);
  constexpr Step kSequence = 1000, kIterations = 5, kTask = kSequence * kIterations;

  SECTION("the loss window covers steps 2 … task + 1 and the run ends 3 steps later") {
    CHECK(s.n_steps == 2 + kTask + 3);
    CHECK(s.loss.first_step == 2);
    CHECK(s.loss.last_step == 2 + kTask - 1);
    CHECK(s.loss.n_iter == kIterations);
    CHECK(s.loss.group_size == 1);
    CHECK(s.loss.sequence == kSequence);
    CHECK(net.learning_window.time == std::vector<Step>{2});
    CHECK(net.learning_window.value == std::vector<double>{1.0});
  }

  SECTION("the input starts at step 1 and repeats the same raster every iteration") {
    REQUIRE(net.input_spike_steps.size() == 100);
    std::size_t spikes = 0;
    for (const std::vector<Step>& steps : net.input_spike_steps) {
      REQUIRE(std::is_sorted(steps.begin(), steps.end()));
      REQUIRE(steps.size() % kIterations == 0);
      if (!steps.empty()) {
        CHECK(steps.front() >= 1);
        CHECK(steps.back() <= kTask);  // the last iteration's cells are steps task − S + 1 … task
      }
      const std::size_t per_iteration = steps.size() / kIterations;
      for (std::size_t n = per_iteration; n < steps.size(); ++n)
        CHECK(steps[n] == steps[n - per_iteration] + kSequence);
      spikes += per_iteration;
    }
    // 50 Hz for 100 inputs over 1 s: 5000 cells expected, binomial σ ≈ 69.
    CHECK(spikes > 4600);
    CHECK(spikes < 5400);
  }

  SECTION("the target starts at 0 in step 2, peaks at exactly ±1 and repeats every sequence") {
    REQUIRE(net.targets.size() == 1);
    const auto& target = net.targets[0];
    REQUIRE(target.time.size() == static_cast<std::size_t>(kTask));
    CHECK(target.time.front() == 2);
    CHECK(target.value.front() == 0.0);
    for (std::size_t n = 1; n < target.time.size(); ++n) REQUIRE(target.time[n] == target.time[n - 1] + 1);
    double peak = 0.0;
    for (double v : target.value) peak = std::max(peak, std::abs(v));
    CHECK(peak == 1.0);
    for (std::size_t n = kSequence; n < target.value.size(); ++n)
      REQUIRE(target.value[n] == target.value[n - kSequence]);
  }

  SECTION("one forced spike reaches every parrot and recurrent neuron in step task + 1") {
    REQUIRE(net.forced_spikes.size() == 1);
    const auto& g = net.forced_spikes[0];
    CHECK(g.spike_steps == std::vector<Step>{kTask + 1});
    CHECK(g.input_targets.size() == 100);
    CHECK(g.rec_targets.size() == 100);
    CHECK(g.weight == 1000.0);
  }
}

TEST_CASE("make_sine_wave_task gives each readout a pattern of its own", "[config]") {
  NetworkDescription net;
  net.n_in = 3;
  net.n_rec = 4;
  net.n_out = 2;
  eligo::SineWaveTaskParams params;
  params.sequence = 200;
  params.iterations = 2;
  params.final_update_spike = false;
  const eligo::TaskTiming timing = eligo::make_sine_wave_task(net, params);
  CHECK(timing.n_steps == 2 + 400 + 3);
  const NetworkDescription expanded = eligo::test::expand_sample_stream(net);
  REQUIRE(expanded.targets.size() == 2);
  CHECK(expanded.targets[0].value != expanded.targets[1].value);
  CHECK(expanded.forced_spikes.empty());
  CHECK(expanded.input_spike_steps.size() == 3);

  params.sequence = 0;
  CHECK_THROWS_AS(eligo::make_sine_wave_task(net, params), std::invalid_argument);
}

TEST_CASE("each bad config gives one ConfigError naming the file and the field", "[config]") {
  struct Bad {
    std::string what;
    std::string text;
    std::string field;
  };
  const std::vector<Bad> cases = {
      {"unknown top-level key", kBase + "colour: blue\n", "colour"},
      {"unknown parameter name", with("      tau_m: 30.0\n", "      tau_mm: 30.0\n"), "populations[1].params.tau_mm"},
      {"parameter of another model", with("      V_th: 0.03\n", "      V_th: 0.03\n      V_reset: -0.5\n"),
       "populations[1].params.V_reset"},
      {"string for a size", with("    size: 10\n", "    size: ten\n"), "populations[0].size"},
      {"size 0", with("    size: 20\n", "    size: 0\n"), "populations[1].size"},
      {"size 1e12", with("    size: 20\n", "    size: 1e12\n"), "populations[1].size"},
      {"duplicate key", with("    size: 10\n", "    size: 10\n    size: 11\n"), "populations[0].size"},
      {"negative tau_m", with("      tau_m: 30.0\n", "      tau_m: -30.0\n"), "populations[1].params.tau_m"},
      {"unknown model", with("    model: eprop_iaf\n", "    model: eprop_lif\n"), "populations[1].model"},
      {"connection to an unknown population",
       with("  - source: in\n    target: rec\n", "  - source: in\n    target: rce\n"), "connections[0].target"},
      {"unsupported pattern rec → input",
       with("  - source: out\n    target: rec\n", "  - source: rec\n    target: in\n"), "connections[3].target"},
      {"unknown rule", with("    rule: fixed_indegree\n", "    rule: fixed_outdegree\n"), "connections[1].rule"},
      {"delay of 2.5 steps", with("    rule: fixed_indegree\n", "    rule: fixed_indegree\n    delay_ms: 2.5\n"),
       "connections[1].delay_ms"},
      {"static feedback", with("    synapse: feedback\n", "    synapse: static\n"), "connections[3].synapse"},
      {"a sample too large for memory",
       [&] {
         std::string t = with("    model: parrot\n    size: 10\n", "    model: parrot\n    size: 50000000\n");
         return t.replace(t.find("sequence_steps: 100\n"), 20, "sequence_steps: 1000\n");
       }(),
       "task"},
      {"a block with more synapses than any memory holds", with("    indegree: 5\n", "    indegree: 100000000\n"),
       "connections[1]"},
      {"parameter of another distribution", with("low: -0.1, high: 0.1", "mean: 0.0"), "connections[2].weight.mean"},
      {"indegree larger than the sources without multapses",
       with("    indegree: 5\n", "    indegree: 25\n    allow_multapses: false\n"), "connections[1]"},
      {"missing feedback block",
       kBase.substr(0, kBase.find("  - source: out")) + kBase.substr(kBase.find("optimizer:")), "connections"},
      {"adam parameter for gradient descent", with("  eta: 1.0e-4\n", "  eta: 1.0e-4\n  beta_1: 0.8\n"),
       "optimizer.beta_1"},
      {"zero iterations", with("  iterations: 3\n", "  iterations: 0\n"), "training.iterations"},
      {"unknown task", with("  kind: sine_wave\n", "  kind: cosine_wave\n"), "task.kind"},
      {"unknown eprop_mode", kBase + "eprop_mode: fast\n", "eprop_mode"},
  };
  const TempDir dir;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Bad& bad = cases[i];
    const fs::path file = dir.write("bad_" + std::to_string(i) + ".yaml", bad.text);
    INFO(bad.what);
    const ConfigError e = config_error(file);
    INFO(e.what());
    CHECK(e.field() == bad.field);
    CHECK_THAT(e.what(), Catch::Contains(file.string()) && Catch::Contains("field " + bad.field + ": "));
  }
}

TEST_CASE("a run far longer than memory would hold as a whole loads, since its stimulus is streamed", "[config]") {
  const TempDir dir;
  const std::string text = with("  iterations: 3\n", "  iterations: 10000000\n");
  const TrainingSetup s = load_training_config(dir.write("long.yaml", text));
  CHECK(s.loss.n_iter == 10'000'000);
  REQUIRE(s.network.sample_stream.has_value());
  CHECK(s.network.sample_stream->samples == 10'000'000);
}

TEST_CASE("JSON configs are checked as strictly as YAML ones", "[config]") {
  const TempDir dir;
  const auto check = [&](const std::string& text, const std::string& field) {
    const fs::path file = dir.write("bad.json", text);
    const ConfigError e = config_error(file);
    INFO(e.what());
    CHECK(e.field() == field);
    CHECK_THAT(e.what(), Catch::Contains(file.string()));
  };
  check(R"({"populations": [{"name": "in", "model": "parrot", "size": 10, "colour": 1}]})", "populations[0].colour");
  check(R"({"seed": "seven"})", "seed");
  check(R"({"name": "a", "name": "b"})", "name");
  check(R"({"populations": [{"name": "in", "params": {"a": 1, "a": 2}}]})", "populations[0].params.a");
}

TEST_CASE("unreadable files give a ConfigError naming the file", "[config]") {
  const TempDir dir;
  SECTION("malformed YAML: the message gives the line") {
    const fs::path file = dir.write("broken.yaml", "name: x\npopulations:\n  - name: in\n    model: [parrot\n");
    const ConfigError e = config_error(file);
    CHECK_THAT(e.what(), Catch::Contains(file.string()) && Catch::Contains("malformed YAML at line"));
  }
  SECTION("YAML that starts with a flow indicator, on which yaml-cpp's LoadAll never returns") {
    for (const char* text : {"  , so tha \n", "# a comment\n, a\n", " ,"}) {
      const fs::path file = dir.write("comma.yaml", text);
      const auto start = std::chrono::steady_clock::now();
      const ConfigError e = config_error(file);
      CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
      CHECK_THAT(e.what(), Catch::Contains(file.string()) && Catch::Contains("malformed YAML at line"));
    }
  }
  SECTION("several YAML documents") {
    const ConfigError e = config_error(dir.write("two.yaml", "name: a\n---\nname: b\n"));
    CHECK_THAT(e.what(), Catch::Contains("holds more than one YAML document"));
  }
  SECTION("malformed JSON: the message gives the line") {
    const fs::path file = dir.write("broken.json", "{\"name\": \n");
    const ConfigError e = config_error(file);
    CHECK_THAT(e.what(),
               Catch::Contains(file.string()) && Catch::Contains("malformed JSON") && Catch::Contains("line"));
  }
  SECTION("missing file") {
    const fs::path file = dir.path() / "nowhere.yaml";
    const ConfigError e = config_error(file);
    CHECK_THAT(e.what(), Catch::Contains(file.string()) && Catch::Contains("no such file"));
  }
  SECTION("unknown extension") {
    const ConfigError e = config_error(dir.write("config.toml", "name = 1\n"));
    CHECK_THAT(e.what(), Catch::Contains(".toml"));
  }
  SECTION("a bad override names the field it replaces") {
    const ConfigError e = config_error(kSineWaveSmall, overrides(std::nullopt, 0));
    CHECK_THAT(e.what(), Catch::Contains("training.iterations"));
  }
}

TEST_CASE("a block marked static keeps its weights while the others learn", "[config]") {
  const auto dir = std::filesystem::temp_directory_path() / "eligo_static_block_test";
  std::filesystem::create_directories(dir);
  const auto file = dir / "static.yaml";
  std::string text(kBase);
  const std::string rule = "    rule: all_to_all\n";
  text.replace(text.find(rule), rule.size(), rule + "    synapse: static\n");  // the input block
  std::ofstream(file) << text;
  const eligo::TrainingSetup setup = eligo::load_training_config(file);
  CHECK_FALSE(setup.network.in_rec_plastic);
  CHECK(setup.network.rec_rec_plastic);
  CHECK(setup.network.rec_out_plastic);
}
