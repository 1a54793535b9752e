// Tests of the classification tasks: the sample layout (runtime/data/tasks/task_timing.hpp: lay_out_samples), the
// evidence-accumulation trials, N-MNIST samples as input spikes, accuracy (runtime/losses/
// classification_accuracy.*), the frozen network used for evaluation, and their config fields.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "runtime/config/training_config.hpp"
#include "runtime/data/tasks/evidence_accumulation_task.hpp"
#include "runtime/data/tasks/nmnist_task.hpp"
#include "runtime/data/tasks/task_timing.hpp"
#include "runtime/losses/classification_accuracy.hpp"
#include "runtime/network/frozen_network.hpp"
#include "tests/support/sample_layout_reference.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using namespace eligo;
using test::TempDir;

NetworkDescription sized(std::uint32_t n_in, std::uint32_t n_rec, std::uint32_t n_out) {
  NetworkDescription net;
  net.n_in = n_in;
  net.n_rec = n_rec;
  net.n_out = n_out;
  return net;
}

}  // namespace

TEST_CASE("samples are laid out one after another with NEST's classification timing", "[classification]") {
  NetworkDescription net = sized(3, 2, 2);
  SampleLayout layout;
  layout.sequence = 10;
  layout.learning_window = 4;
  layout.group_size = 2;
  const TaskTiming t = lay_out_samples(
      net, layout, 2, test::list_source({{{{5, 2}, {0, 1}, {5, 2}}, 1, nullptr}, {{{9, 0}}, 0, nullptr}}));
  net = test::expand_sample_stream(net);

  // Sample s starts at step 1 + 10 s; spikes are in step order, repeated pairs kept.
  CHECK(net.input_spike_steps[0] == std::vector<Step>{20});
  CHECK(net.input_spike_steps[1] == std::vector<Step>{1});
  CHECK(net.input_spike_steps[2] == std::vector<Step>{6, 6});
  // Targets switch at 2 + 10 s to the one-hot label.
  CHECK(net.targets[0].time == std::vector<Step>{2, 12});
  CHECK(net.targets[0].value == std::vector<double>{0.0, 1.0});
  CHECK(net.targets[1].value == std::vector<double>{1.0, 0.0});
  // The window closes at each sample's start and opens for its last 4 steps.
  CHECK(net.learning_window.time == std::vector<Step>{2, 8, 12, 18});
  CHECK(net.learning_window.value == std::vector<double>{0.0, 1.0, 0.0, 1.0});
  CHECK(t.n_steps == 2 + 20 + 3);
  CHECK(t.loss.first_step == 2);
  CHECK(t.loss.n_iter == 1);
  CHECK(t.loss.group_size == 2);
  CHECK(t.loss.sequence == 10);
  CHECK(t.accuracy_window == 4);
  REQUIRE(net.forced_spikes.size() == 1);
  CHECK(net.forced_spikes[0].spike_steps == std::vector<Step>{21});
}

TEST_CASE("samples out of range are refused with the sample named", "[classification]") {
  NetworkDescription net = sized(3, 2, 2);
  SampleLayout layout;
  layout.sequence = 10;
  layout.learning_window = 10;
  layout.group_size = 2;
  auto first_sample = [&](Sample x) {
    lay_out_samples(net, layout, 2, test::list_source({x, x}));
    SampleStream(*net.sample_stream, SampleParts::all).sample(0);
  };
  CHECK_THROWS_WITH(first_sample({{{0, 3}}, 0, nullptr}), Catch::Contains("sample 0") && Catch::Contains("input 3"));
  CHECK_THROWS_WITH(first_sample({{{10, 0}}, 0, nullptr}), Catch::Contains("step 10"));
  CHECK_THROWS_WITH(first_sample({{}, 2, nullptr}), Catch::Contains("label 2"));
  CHECK_THROWS_WITH(lay_out_samples(net, layout, 1, test::list_source({{{}, 1, nullptr}})),
                    Catch::Contains("whole number of groups"));
}

TEST_CASE("evidence-accumulation trials follow the cue schedule and the majority decides", "[classification]") {
  EvidenceAccumulationParams p;
  const std::uint32_t n_in = 40, group = 10;
  const Step period = p.cue_steps + p.spacing_steps;
  int labels[2] = {0, 0};
  for (std::int64_t index = 0; index < 40; ++index) {
    const Sample t = evidence_trial(p, n_in, 7, TrialSet::training, index);
    // Count the cue spikes per side in each cue slot; the side that fired is the cue's side.
    std::int64_t right_cues = 0;
    for (std::int64_t c = 0; c < p.cues; ++c) {
      int side_spikes[2] = {0, 0};
      for (const InputSpike& s : t.spikes) {
        if (s.input < 2 * group && s.step >= c * period + p.spacing_steps && s.step < (c + 1) * period)
          ++side_spikes[s.input / group];
      }
      REQUIRE((side_spikes[0] == 0 || side_spikes[1] == 0));  // one side per cue
      right_cues += side_spikes[1] > 0;
    }
    CHECK(t.label == (right_cues > p.cues / 2 ? 1u : 0u));
    ++labels[t.label];
    for (const InputSpike& s : t.spikes) {
      CHECK(s.step >= 1);  // step 0 of a trial stays silent
      CHECK(s.step < p.sequence());
      if (s.input >= 2 * group && s.input < 3 * group) CHECK(s.step >= p.sequence() - p.recall_steps);
      if (s.input < 2 * group) CHECK(s.step < p.cues * period);
    }
  }
  CHECK(labels[0] > 5);  // both answers occur
  CHECK(labels[1] > 5);

  const Sample a = evidence_trial(p, n_in, 7, TrialSet::training, 3);
  const Sample b = evidence_trial(p, n_in, 7, TrialSet::training, 3);
  const Sample held = evidence_trial(p, n_in, 7, TrialSet::held_out, 3);
  CHECK(a.spikes.size() == b.spikes.size());
  CHECK(a.label == b.label);
  CHECK(held.spikes.size() != a.spikes.size());
  CHECK_THROWS_WITH(evidence_trial(p, 42, 7, TrialSet::training, 0), Catch::Contains("multiple of 4"));
}

TEST_CASE("accuracy takes the argmax of the mean over each sequence's last steps", "[classification]") {
  RecordedSignals s;
  s.n_out = 2;
  // Two sequences of 3 steps, window 2. Sequence 0: readout 1 wins in the window although readout 0
  // is larger in the first step; label 1. Sequence 1: tie → readout 0 (numpy's argmax); label 1.
  s.readout_signal = {9, 0, 0, 1, 0, 1, /**/ 0, 0, 2, 1, 0, 1};
  s.target_signal = {0, 0, 0, 1, 0, 1, /**/ 0, 0, 0, 1, 0, 1};
  const ClassificationResult r = classify_sequences(s, 3, 2);
  CHECK(r.predicted == std::vector<std::uint32_t>{1, 0});
  CHECK(r.label == std::vector<std::uint32_t>{1, 1});
  CHECK(r.accuracy() == 0.5);
  CHECK_THROWS(classify_sequences(s, 4, 2));
}

TEST_CASE("N-MNIST events become input spikes by pixel, polarity and millisecond", "[classification]") {
  const TempDir dir;
  fs::create_directories(dir.path() / "Train" / "3");
  write_nmnist_file(dir.path() / "Train" / "3" / "a.bin",
                    {{1, 2, false, 0}, {33, 33, true, 4'999}, {0, 0, true, 900'000}});
  const NmnistSplit data(dir.path(), "Train", SampleOrder::shuffled, 1);
  REQUIRE(data.size() == 1);
  const std::unique_ptr<DataSource> source = data.source(300, 1.0)();
  source->skip(5);  // cycles: index 5 of 1 sample
  const Sample s = *source->next(SampleParts::all);
  CHECK(s.label == 3);
  REQUIRE(s.spikes.size() == 3);
  CHECK(s.spikes[0].input == 2 * 34 + 1);  // OFF: y · 34 + x
  CHECK(s.spikes[0].step == 1);            // clamped up to step 1
  CHECK(s.spikes[1].input == 34 * 34 + 33 * 34 + 33);
  CHECK(s.spikes[1].step == 4);
  CHECK(s.spikes[2].step == 299);  // clamped down to the last step
  CHECK_THROWS_AS(NmnistSplit(dir.path(), "Test", SampleOrder::shuffled, 1), DataFileError);
}

TEST_CASE("a frozen network takes the given weights as static explicit connections", "[classification]") {
  NetworkDescription net = sized(2, 2, 1);
  GeneratedConnections all;
  all.rule = ConnectionRule::all_to_all;
  net.in_rec_rule = all;
  net.rec_rec_rule = all;
  net.rec_out_rule = all;
  net.rec_rec_plastic = false;  // a static block without records keeps its rule
  const std::vector<WeightRecord> w = {{0, 2, 0.5}, {1, 3, -0.25}, {2, 4, 1.5}, {3, 4, 2.5}};
  const NetworkDescription f = freeze_with_weights(net, w);
  CHECK_FALSE(f.plastic);
  CHECK_FALSE(f.in_rec_rule.has_value());
  CHECK(f.in_rec.source == std::vector<std::uint32_t>{0, 1});
  CHECK(f.in_rec.target == std::vector<std::uint32_t>{0, 1});
  CHECK(f.in_rec.weight == std::vector<double>{0.5, -0.25});
  CHECK(f.rec_rec_rule.has_value());
  CHECK(f.rec_out.source == std::vector<std::uint32_t>{0, 1});
  CHECK(f.rec_out.weight == std::vector<double>{1.5, 2.5});
  CHECK_THROWS_AS(freeze_with_weights(net, {{0, 9, 1.0}}), FrozenNetworkError);  // no neuron 9
  CHECK_THROWS_AS(freeze_with_weights(net, {{4, 2, 1.0}}), FrozenNetworkError);  // readout → rec
  // Weights of a static block (reported too) replace its rule with the same values.
  CHECK_FALSE(freeze_with_weights(net, {{2, 3, 1.0}}).rec_rec_rule.has_value());
}

namespace {

const std::string kEvidence = R"(name: ea
populations:
  - {name: in, model: parrot, size: 8}
  - {name: rec, model: eprop_iaf_adapt, size: 6}
  - {name: out, model: eprop_readout, size: 2}
connections:
  - {source: in, target: rec, rule: all_to_all}
  - {source: rec, target: rec, rule: all_to_all}
  - {source: rec, target: out, rule: all_to_all}
  - {source: out, target: rec, rule: all_to_all}
task:
  kind: evidence_accumulation
  cues: 3
  cue_steps: 10
  spacing_steps: 5
  delay_steps: 20
  recall_steps: 10
training:
  iterations: 2
  group_size: 4
)";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("an evidence-accumulation config lays out its trials", "[classification][config]") {
  const TempDir dir;
  const TrainingSetup s = load_training_config(dir.write("ea.yaml", kEvidence));
  CHECK(s.task == "evidence_accumulation");
  REQUIRE(s.classification.has_value());
  CHECK(s.classification->layout.sequence == 3 * 15 + 20 + 10);
  CHECK(s.accuracy_window == 10);
  CHECK(s.loss.group_size == 4);
  CHECK(s.loss.n_iter == 2);
  CHECK(s.n_steps == 2 + 8 * 75 + 3);
  CHECK_FALSE(s.network_without_task.sample_stream.has_value());
  REQUIRE(s.network.sample_stream.has_value());
  CHECK(s.network.sample_stream->samples == 8);
  CHECK(test::expand_sample_stream(s.network).targets.size() == 2);
}

TEST_CASE("classification config errors name the field", "[classification][config]") {
  const TempDir dir;
  const auto field_of = [&](const std::string& text) {
    try {
      load_training_config(dir.write("bad.yaml", text));
    } catch (const ConfigError& e) {
      return e.field();
    }
    return std::string("(no error)");
  };
  CHECK(field_of(replaced(kEvidence, "  recall_steps: 10\n", "  recall_steps: 10\n  input_rate_hz: 5\n")) ==
        "task.input_rate_hz");
  CHECK(field_of(replaced(kEvidence, "size: 8}", "size: 9}")) == "populations");
  CHECK(field_of(replaced(kEvidence, "  recall_steps: 10\n", "  recall_steps: 10\n  learning_window_steps: 100\n")) ==
        "task.learning_window_steps");
  CHECK(field_of(replaced(kEvidence, "  recall_steps: 10\n", "  recall_steps: 10\n  sequence_steps: 10\n")) ==
        "task.sequence_steps");
  CHECK(field_of(replaced(kEvidence, "kind: evidence_accumulation", "kind: nmnist")) == "task.cues");
  const std::string nmnist = kEvidence.substr(0, kEvidence.find("task:")) + "task:\n  kind: nmnist\n  data_dir: d\n" +
                             kEvidence.substr(kEvidence.find("training:"));
  CHECK(field_of(nmnist) == "populations");  // 8 inputs, not 2 × 34 × 34
  CHECK(field_of(replaced(replaced(kEvidence, "size: 8}", "size: 2312}"), "size: 2}", "size: 10}") + "") ==
        "populations");  // evidence needs 2 readouts
}

TEST_CASE("an N-MNIST sample's timestamp-overflow record moves its later events 8,192 µs on", "[classification]") {
  const TempDir dir;
  fs::create_directories(dir.path() / "Train" / "2");
  // Two events at 1,000 µs (x 3, y 4, ON), the second after an overflow record (y = 240).
  const std::string event("\x03\x04\x80\x03\xe8", 5), overflow("\x00\xf0\x00\x00\x00", 5);
  dir.write("Train/2/o.bin", event + overflow + event);
  const NmnistSplit data(dir.path(), "Train", SampleOrder::sorted, 1);
  const Sample s = *data.source(300, 1.0)()->next(SampleParts::all);
  REQUIRE(s.spikes.size() == 2);
  CHECK(s.spikes[0].step == 1);
  CHECK(s.spikes[1].step == 9);  // ⌊(8,192 + 1,000) µs / 1 ms⌋
  CHECK(s.spikes[0].input == s.spikes[1].input);
}
