// Tests of the memory estimate (runtime/config/memory_estimate.*) and of the config loader's refusal of
// a config over its memory limit, and of the other bounds that keep bad input from allocating or
// spinning while a config loads (YAML aliases, the sine-wave raster).
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <string>

#include "runtime/config/memory_estimate.hpp"
#include "runtime/config/training_config.hpp"
#include "runtime/network/network_builder.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using eligo::ConfigError;
using eligo::ConfigOverrides;
using eligo::MemoryEstimate;
using eligo::MemoryLimit;
using eligo::MemoryTerm;
using eligo::test::TempDir;

const fs::path kExamples = fs::path(ELIGO_TEST_DATA_DIR).parent_path().parent_path() / "examples";

// A small valid config; the tests change its sizes.
const std::string kBase = R"(name: sizes
populations:
  - {name: in, model: parrot, size: 10}
  - {name: rec, model: eprop_iaf, size: 20, params: {eprop_isi_trace_cutoff: 100.0}}
  - {name: out, model: eprop_readout, size: 2}
connections:
  - {source: in, target: rec, rule: all_to_all}
  - {source: rec, target: rec, rule: fixed_indegree, indegree: 5}
  - {source: rec, target: out, rule: all_to_all}
  - {source: out, target: rec, rule: all_to_all, synapse: feedback}
optimizer: {type: gradient_descent, eta: 1.0e-4, optimize_each_step: false}
task: {kind: sine_wave, sequence_steps: 200, input_rate_hz: 20}
training: {iterations: 3}
)";

std::string with(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

ConfigOverrides limited(const std::string& size) {
  ConfigOverrides o;
  o.memory_limit = MemoryLimit{*eligo::parse_memory_size(size), "--memory-limit " + size};
  return o;
}

ConfigError config_error(const fs::path& file, const ConfigOverrides& overrides) {
  try {
    eligo::load_training_config(file, overrides);
  } catch (const ConfigError& e) {
    return e;
  }
  FAIL("no ConfigError for " << file);
  throw std::logic_error("unreachable");
}

const MemoryTerm& term(const MemoryEstimate& e, const std::string& what) {
  for (const MemoryTerm& t : e.terms)
    if (t.what == what) return t;
  FAIL("no term " << what);
  throw std::logic_error("unreachable");
}

// What the loader checks against its limit.
MemoryEstimate estimate_of(const eligo::TrainingSetup& s) {
  return eligo::estimate_memory(s.network, s.sample, s.size_names);
}

}  // namespace

TEST_CASE("memory sizes are read with a binary unit and shown with three digits", "[memory]") {
  using eligo::format_memory_size;
  using eligo::parse_memory_size;
  CHECK(parse_memory_size("4GiB") == std::uint64_t{4} << 30);
  CHECK(parse_memory_size("512 MiB") == std::uint64_t{512} << 20);
  CHECK(parse_memory_size("1.5gib") == std::uint64_t{3} << 29);
  CHECK(parse_memory_size("800KiB") == 800 * 1024);
  CHECK(parse_memory_size("2TiB") == std::uint64_t{2} << 40);
  for (const char* bad : {"4GB", "4", "GiB", "-1GiB", "4GiBs", "4 gb", "", "1e30TiB", "nanGiB", "0GiB"}) {
    INFO(bad);
    CHECK_FALSE(parse_memory_size(bad).has_value());
  }
  CHECK(format_memory_size(37.34 * (1 << 30)) == "37.3 GiB");
  CHECK(format_memory_size(std::uint64_t{22} << 30) == "22 GiB");
  CHECK(format_memory_size(512.0 * (1 << 20)) == "512 MiB");
  CHECK(format_memory_size(1.234 * (1 << 10)) == "1.23 KiB");
  CHECK(format_memory_size(100) == "100 bytes");
}

TEST_CASE("each block's synapses count at the bytes each holds, named by the fields they grow with", "[memory]") {
  const TempDir dir;
  const eligo::TrainingSetup s = eligo::load_training_config(dir.write("base.yaml", kBase));
  const MemoryEstimate e = estimate_of(s);
  const MemoryTerm& rec = term(e, "recurrent → recurrent synapses");
  CHECK(rec.fields == "populations[1].size × connections[1].indegree");
  CHECK(rec.values == "20 × 5");
  // Target and weight, gradient and the two traces (gradient descent per spike: no cumulated gradient),
  // and the construction lists while the shard is built.
  CHECK(rec.bytes == 20 * 5 * (4 + 8 + 8 + 16 + 16));
  CHECK(term(e, "input → recurrent synapses").fields == "populations[0].size × populations[1].size");
  CHECK(term(e, "recurrent → readout synapses").bytes == 20 * 2 * (4 + 8 + 8 + 16));  // no traces on readouts
  CHECK(term(e, "feedback connections").values == "2 × 20");
  CHECK(term(e, "history").fields ==
        "(populations[1].size + populations[2].size) × "
        "populations[1].params.eprop_isi_trace_cutoff");
  for (std::size_t i = 1; i < e.terms.size(); ++i) CHECK(e.terms[i - 1].bytes >= e.terms[i].bytes);

  // Adam keeps two moments per synapse; a tenfold in-degree gives tenfold synapses.
  const eligo::TrainingSetup adam = eligo::load_training_config(
      dir.write("adam.yaml", with(with(kBase, "indegree: 5", "indegree: 50"), "gradient_descent", "adam")));
  CHECK(term(estimate_of(adam), "recurrent → recurrent synapses").bytes == 20 * 50 * (4 + 8 + 8 + 16 + 16 + 16));
  // Without a trace cutoff the history is sized by the sequence.
  const eligo::TrainingSetup uncut = eligo::load_training_config(
      dir.write("uncut.yaml", with(kBase, ", params: {eprop_isi_trace_cutoff: 100.0}", "")));
  CHECK(term(estimate_of(uncut), "history").fields ==
        "(populations[1].size + populations[2].size) × task.sequence_steps");
}

TEST_CASE("the estimate is not below what the built shards hold", "[memory]") {
  const eligo::TrainingSetup s = eligo::load_training_config(kExamples / "sine_wave_small.yaml");
  const MemoryEstimate e = estimate_of(s);
  double estimated = 0.0;
  for (const MemoryTerm& t : e.terms)
    if (t.what.ends_with("synapses")) estimated += t.bytes;
  const eligo::BuiltNetwork built = eligo::build_network(s.network, eligo::PartitionOptions{});
  double held = 0.0;
  for (const auto& shard : built.shards) held += static_cast<double>(shard->counters().synapse_bytes);
  INFO("estimated " << estimated << " bytes, held " << held);
  CHECK(estimated >= held);
  CHECK(estimated <= 2 * held);
}

TEST_CASE("a config over the memory limit is refused before anything is built, naming the fields", "[memory]") {
  const TempDir dir;
  // 100,000 neurons with in-degree 10,000: a billion synapses, about 48 GiB with their construction lists.
  const fs::path big =
      dir.write("big.yaml", with(with(kBase, "size: 20", "size: 100000"), "indegree: 5", "indegree: 10000"));
  const auto start = std::chrono::steady_clock::now();
  const ConfigError e = config_error(big, limited("1GiB"));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));  // nothing was generated
  INFO(e.what());
  CHECK(e.field() == "populations[1].size × connections[1].indegree");
  CHECK_THAT(e.what(),
             Catch::Contains(big.string() + ": field populations[1].size × connections[1].indegree: about ") &&
                 Catch::Contains(" GiB of recurrent → recurrent synapses (100000 × 10000); the run needs "
                                 "about ") &&
                 Catch::Contains(", over the memory limit of 1 GiB (--memory-limit 1GiB)"));
  // The same file under a limit it fits, and the small config under a small one.
  CHECK_NOTHROW(eligo::load_training_config(dir.write("base.yaml", kBase), limited("1MiB")));
  // There the history of 22 neurons over the ring of 128 steps that a 100 ms cutoff needs is the most.
  CHECK(config_error(dir.write("base2.yaml", kBase), limited("64KiB")).field() ==
        "(populations[1].size + populations[2].size) × populations[1].params.eprop_isi_trace_cutoff");
}

TEST_CASE("a sample beyond the memory limit is refused before it is drawn, naming the task's fields", "[memory]") {
  const TempDir dir;
  // 100 readouts × 10^6 steps of sine targets: 0.8 GB of values (and their recording).
  const fs::path file = dir.write(
      "long.yaml", with(with(kBase, "size: 2}", "size: 100}"), "sequence_steps: 200", "sequence_steps: 1000000"));
  const ConfigError e = config_error(file, limited("1GiB"));
  INFO(e.what());
  CHECK(e.field() == "populations[2].size × task.sequence_steps");
  CHECK_THAT(e.what(), Catch::Contains("of target values and recording (100 × 1000000)"));
}

TEST_CASE("no config makes the loader draw more raster cells or expand more YAML than it can justify", "[config]") {
  const TempDir dir;
  // A million inputs at a rate so low that the raster is nearly empty, but 10^10 cells to draw.
  const std::string slow = with(with(kBase, "size: 10", "size: 1000000"), "input_rate_hz: 20", "input_rate_hz: 0.001");
  const ConfigError e = config_error(dir.write("slow.yaml", with(slow, "sequence_steps: 200", "sequence_steps: 10000")),
                                     ConfigOverrides{});
  CHECK(e.field() == "task.sequence_steps");
  CHECK_THAT(e.what(), Catch::Contains("cells, each drawn when the config loads"));
  // With no input spikes at all there is nothing to draw.
  const auto start = std::chrono::steady_clock::now();
  CHECK_NOTHROW(
      eligo::load_training_config(dir.write("silent.yaml", with(with(slow, "input_rate_hz: 0.001", "input_rate_hz: 0"),
                                                                "sequence_steps: 200", "sequence_steps: 10000"))));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));

  // Aliases that copy a list ten times, seven levels deep: 10^7 values from a few lines.
  std::string bomb = "a0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n";
  for (int level = 1; level < 7; ++level) {
    const std::string prev = "*a" + std::to_string(level - 1);
    bomb += "a" + std::to_string(level) + ": &a" + std::to_string(level) + " [";
    for (int k = 0; k < 10; ++k) bomb += (k ? ", " : "") + prev;
    bomb += "]\n";
  }
  const ConfigError b = config_error(dir.write("bomb.yaml", bomb), ConfigOverrides{});
  CHECK_THAT(b.what(), Catch::Contains("expands to more than 100000 values (through YAML aliases)"));
}
