// Tests of the NEST reference case loader (runtime/data/reference_case.*, tests/data/nest/README.md).
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cfloat>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <numeric>
#include <string>
#include <vector>

#include "runtime/verification/reference_case.hpp"

namespace {

namespace fs = std::filesystem;
using eligo::CaseFileError;
using eligo::load_reference_case;
using eligo::OptimizerType;
using eligo::RecurrentModel;
using eligo::Step;
using eligo::SurrogateFunction;
using nlohmann::json;

const fs::path kCaseDir = fs::path(ELIGO_TEST_DATA_DIR) / "nest";

// Small v1 and v2 bases for the mutation tests.
constexpr const char* kV1 = "regression_eprop_iaf_adam";
constexpr const char* kV1Adapt = "regression_eprop_iaf_adapt_gradient_descent";
constexpr const char* kV1PscDelta = "regression_eprop_iaf_psc_delta_gradient_descent";
constexpr const char* kV2 = "nest_sparse_sine_gd_perspike_seed1";
constexpr const char* kV2MultiOut = "nest_adapt_multiout_seed1";
// v3 (the bsshslm_2020 variant): the smallest MSE case and the cross-entropy case with rec groups.
constexpr const char* kV3 = "nest_bsshslm_sparse_batch2_seed1";
constexpr const char* kV3CrossEntropy = "nest_bsshslm_classification_cross_entropy_seed1";

fs::path case_path(const std::string& name) { return kCaseDir / (name + ".json"); }

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The raw JSON of a bundled case, parsed once per test run.
const json& raw_case(const std::string& name) {
  static std::map<std::string, json> cache;
  auto it = cache.find(name);
  if (it == cache.end()) it = cache.emplace(name, json::parse(read_text(case_path(name)))).first;
  return it->second;
}

// A file in the system temp directory, removed when the object goes out of scope.
class TempFile {
 public:
  TempFile(const std::string& stem, const std::string& contents) {
    static int counter = 0;
    path_ = fs::temp_directory_path() / ("eligo_loader_test_" + std::to_string(::getpid()) + "_" +
                                         std::to_string(++counter) + "_" + stem + ".json");
    std::ofstream(path_, std::ios::binary) << contents;
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    std::error_code ec;
    fs::remove(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

using Mutation = std::function<void(json&)>;

Mutation set(const std::string& pointer, json value) {
  return [=](json& j) { j[json::json_pointer(pointer)] = value; };
}

Mutation erase(const std::string& pointer) {
  return [=](json& j) {
    const json::json_pointer p(pointer);
    j[p.parent_pointer()].erase(p.back());
  };
}

// Drops the last element of the array at `pointer`.
Mutation shorten(const std::string& pointer) {
  return [=](json& j) { j[json::json_pointer(pointer)].erase(j[json::json_pointer(pointer)].size() - 1); };
}

// A bundled case, changed by `mutate`, written to a temp file.
std::unique_ptr<TempFile> mutated_case(const std::string& name, const Mutation& mutate) {
  json j = raw_case(name);
  mutate(j);
  return std::make_unique<TempFile>(name, j.dump());
}

// Loading `file` must throw a CaseFileError (and nothing else) whose message names the file and `field`.
void require_case_error(const fs::path& file, const std::string& field, const std::string& problem = "") {
  try {
    (void)load_reference_case(file);
    FAIL("loaded without error, expected a CaseFileError for field '" << field << "'");
  } catch (const CaseFileError& e) {
    const std::string what = e.what();
    INFO("what(): " << what);
    CHECK(e.field() == field);
    CHECK_THAT(what, Catch::Contains(file.string()));
    CHECK_THAT(what, Catch::Contains(field));
    if (!problem.empty()) CHECK_THAT(what, Catch::Contains(problem));
  }
}

void require_mutation_rejected(const std::string& base, const Mutation& mutate, const std::string& field,
                               const std::string& problem = "") {
  const auto file = mutated_case(base, mutate);
  require_case_error(file->path(), field, problem);
}

eligo::ReferenceCase load_mutated(const std::string& base, const Mutation& mutate) {
  const auto file = mutated_case(base, mutate);
  return load_reference_case(file->path());
}

std::vector<std::uint32_t> iota(std::uint32_t n) {
  std::vector<std::uint32_t> v(n);
  std::iota(v.begin(), v.end(), 0u);
  return v;
}

struct ExpectedCase {
  const char* name;
  int schema_version;
  RecurrentModel model;
  std::uint32_t n_in, n_rec, n_out;
  std::size_t in_rec, rec_rec, rec_out, feedback;
  OptimizerType optimizer;
  std::int64_t batch_size;
  bool optimize_each_step;
  std::int64_t n_iter;
  Step sequence, first_step, last_step, n_steps;
  std::size_t extra_generators;
  double first_loss;
};

// tests/data/nest/README.md §8 and the v1 regression files: 100 x 100 dense (rec_rec without the diagonal), or
// 300 rec neurons with in-degree 30 and all-to-all input / readout blocks.
const ExpectedCase kBundledCases[] = {
    {"regression_eprop_iaf_adam",
     1,
     RecurrentModel::eprop_iaf,
     100,
     100,
     1,
     10000,
     9900,
     100,
     100,
     OptimizerType::adam,
     1,
     true,
     5,
     100,
     2,
     501,
     505,
     0,
     0.14000491891386},
    {"regression_eprop_iaf_adapt_gradient_descent",
     1,
     RecurrentModel::eprop_iaf_adapt,
     100,
     100,
     1,
     10000,
     9900,
     100,
     100,
     OptimizerType::gradient_descent,
     1,
     true,
     5,
     100,
     2,
     501,
     505,
     0,
     0.02242584487453},
    {"regression_eprop_iaf_psc_delta_adapt_gradient_descent",
     1,
     RecurrentModel::eprop_iaf_psc_delta_adapt,
     100,
     100,
     1,
     10000,
     9900,
     100,
     100,
     OptimizerType::gradient_descent,
     1,
     true,
     5,
     100,
     2,
     501,
     505,
     0,
     0.16416646182675},
    {"regression_eprop_iaf_psc_delta_gradient_descent",
     1,
     RecurrentModel::eprop_iaf_psc_delta,
     100,
     100,
     1,
     10000,
     9900,
     100,
     100,
     OptimizerType::gradient_descent,
     1,
     true,
     5,
     100,
     2,
     501,
     505,
     0,
     0.27039631749159},
    {"nest_sparse_sine_gd_perspike_seed1",
     2,
     RecurrentModel::eprop_iaf,
     100,
     300,
     1,
     30000,
     9000,
     300,
     300,
     OptimizerType::gradient_descent,
     1,
     false,
     3,
     1000,
     2,
     3001,
     3005,
     1,
     154.6624963402813},
    {"nest_sparse_adam_refractory_seed1",
     2,
     RecurrentModel::eprop_iaf,
     100,
     300,
     1,
     30000,
     9000,
     300,
     300,
     OptimizerType::adam,
     2,
     true,
     3,
     1000,
     2,
     3001,
     3005,
     1,
     155.1126757785117},
    {"nest_adapt_multiout_seed1",
     2,
     RecurrentModel::eprop_iaf_adapt,
     100,
     300,
     3,
     30000,
     9000,
     900,
     900,
     OptimizerType::gradient_descent,
     1,
     true,
     3,
     1000,
     2,
     3001,
     3005,
     1,
     140.53943310846168},
    {"nest_psc_delta_refr_seed1",
     2,
     RecurrentModel::eprop_iaf_psc_delta_adapt,
     100,
     300,
     1,
     30000,
     9000,
     300,
     300,
     OptimizerType::adam,
     1,
     true,
     3,
     1000,
     2,
     3001,
     3005,
     1,
     59.72600842674118},
};

}  // namespace

// ---------------------------------------------------------------------------------------------------
// The bundled cases.

TEST_CASE("Every bundled case loads with the sizes, connection counts, model and optimizer of its file", "[loader]") {
  for (const auto& e : kBundledCases) {
    INFO("case " << e.name);
    const auto rc = load_reference_case(case_path(e.name));
    const auto& net = rc.network;
    CHECK(rc.name == e.name);
    CHECK(rc.path == case_path(e.name));
    CHECK(rc.schema_version == e.schema_version);
    CHECK(net.rec_model == e.model);
    CHECK(net.resolution_ms == 1.0);
    CHECK(net.n_in == e.n_in);
    CHECK(net.n_rec == e.n_rec);
    CHECK(net.n_out == e.n_out);
    CHECK(net.in_rec.size() == e.in_rec);
    CHECK(net.rec_rec.size() == e.rec_rec);
    CHECK(net.rec_out.size() == e.rec_out);
    CHECK(net.out_rec_feedback.size() == e.feedback);
    for (const auto* list : {&net.in_rec, &net.rec_rec, &net.rec_out, &net.out_rec_feedback}) {
      CHECK(list->target.size() == list->size());
      CHECK(list->weight.size() == list->size());
    }
    CHECK(net.optimizer.type == e.optimizer);
    CHECK(net.optimizer.batch_size == e.batch_size);
    CHECK(net.optimizer.optimize_each_step == e.optimize_each_step);
    CHECK(rc.n_steps == e.n_steps);
    CHECK(rc.loss.n_iter == e.n_iter);
    CHECK(rc.loss.group_size == 1);
    CHECK(rc.loss.sequence == e.sequence);
    CHECK(rc.loss.first_step == e.first_step);
    CHECK(rc.loss.last_step == e.last_step);
    REQUIRE(rc.loss_reference.size() == static_cast<std::size_t>(e.n_iter));
    CHECK(rc.loss_reference[0] == e.first_loss);
    CHECK(net.input_spike_steps.size() == e.n_in);
    CHECK(net.forced_spikes.size() == e.extra_generators);
    REQUIRE(net.targets.size() == e.n_out);
    for (const auto& t : net.targets) {
      CHECK(t.time.size() == static_cast<std::size_t>(e.n_iter * e.sequence));
      CHECK(t.value.size() == t.time.size());
      CHECK(t.time.front() == 2);
    }
    CHECK(net.learning_window.time == std::vector<Step>{2});
    CHECK(net.learning_window.value == std::vector<double>{1.0});
  }
}

TEST_CASE("Every JSON file in the bundled case directory loads", "[loader]") {
  int loaded = 0;
  for (const auto& entry : fs::directory_iterator(kCaseDir)) {
    if (entry.path().extension() != ".json") continue;
    INFO("file " << entry.path());
    CHECK_NOTHROW(load_reference_case(entry.path()));
    ++loaded;
  }
  CHECK(loaded >= 8);
}

TEST_CASE("The parameters of the v2 cases are read from populations.*.params", "[loader]") {
  SECTION("refractoriness, fast sigmoid surrogate and a 20 ms cutoff in the Adam case") {
    const auto net = load_reference_case(case_path("nest_sparse_adam_refractory_seed1")).network;
    CHECK(net.rec.t_ref == 2.0);
    CHECK(net.rec.surrogate_gradient_function == SurrogateFunction::fast_sigmoid_derivative);
    CHECK(net.rec.eprop_isi_trace_cutoff == 20.0);
    CHECK(net.out.eprop_isi_trace_cutoff == 20.0);
    CHECK(net.rec.flush_event_send_interval == 1000.0);
    CHECK(net.optimizer.eta == 1e-6);
    CHECK(net.optimizer.epsilon == 1e-8);
  }
  SECTION("I_e, adaptation and the arctan surrogate in the multi-readout case") {
    const auto net = load_reference_case(case_path(kV2MultiOut)).network;
    CHECK(net.rec.I_e == 0.01);
    CHECK(net.rec.adapt_beta == 0.05);
    CHECK(net.rec.adapt_tau == 200.0);
    CHECK(net.rec.surrogate_gradient_function == SurrogateFunction::arctan_derivative);
    CHECK(net.rec.surrogate_gradient_width == 0.030030030030030033);
    CHECK(net.out.tau_m == 30.0);
    CHECK(net.out.C_m == 1.0);
  }
  SECTION("reset, refractory input and the exponential surrogate in the psc_delta case") {
    const auto net = load_reference_case(case_path("nest_psc_delta_refr_seed1")).network;
    CHECK(net.rec.V_reset == -0.5);
    CHECK(net.rec.V_th == 0.5);
    CHECK(net.rec.t_ref == 3.0);
    CHECK(net.rec.refractory_input);
    CHECK(net.rec.adapt_beta == 0.0174);
    CHECK(net.rec.surrogate_gradient_function == SurrogateFunction::exponential);
  }
}

TEST_CASE("Absent parameters keep the NEST defaults of model_parameters.hpp", "[loader]") {
  // The file sets C_m = 1, tau_m = 30 (rec and readout) and eta = 9e-8; the defaults differ.
  const auto net = load_mutated(kV1, [](json& j) {
                     j["populations"]["rec"]["params"].erase("C_m");
                     j["populations"]["rec"]["params"].erase("tau_m");
                     j["populations"]["rec"]["params"].erase("surrogate_gradient_function");
                     j["populations"]["out"]["params"].erase("tau_m");
                     j["optimizer"].erase("eta");
                   }).network;
  const eligo::RecurrentParams rec_defaults;
  CHECK(net.rec.C_m == rec_defaults.C_m);
  CHECK(net.rec.tau_m == rec_defaults.tau_m);
  CHECK(net.rec.surrogate_gradient_function == rec_defaults.surrogate_gradient_function);
  CHECK(net.out.tau_m == eligo::ReadoutParams{}.tau_m);
  CHECK(net.optimizer.eta == eligo::OptimizerParams{}.eta);
}

TEST_CASE("Numbers arrive bit for bit and connections keep the file's order", "[loader]") {
  const auto rc = load_reference_case(case_path(kV2MultiOut));
  const json& raw = raw_case(kV2MultiOut);
  const auto& sparse = raw["connections"]["rec_rec"]["sparse"];
  const auto& rr = rc.network.rec_rec;
  REQUIRE(rr.size() == sparse["source"].size());
  bool identical = true;
  for (std::size_t m = 0; m < rr.size(); ++m)
    identical = identical && rr.source[m] == sparse["source"][m].get<std::uint32_t>() &&
                rr.target[m] == sparse["target"][m].get<std::uint32_t>() &&
                rr.weight[m] == sparse["weight"][m].get<double>();
  CHECK(identical);
  CHECK(rc.network.in_rec.weight[0] == 0.0010367525974288583);
  CHECK(rc.network.rec_rec.source[0] == 50);
  CHECK(rc.network.optimizer.eta == 9.000000000000017e-08);
  CHECK(rc.loss_reference[2] == 135.06023714821188);
}

TEST_CASE("A v1 dense block is all_to_all in target-major order and rec_rec has no autapses", "[loader]") {
  const auto net = load_reference_case(case_path(kV1)).network;
  const json& raw = raw_case(kV1)["connections"];
  const std::uint32_t n = net.n_rec;

  SECTION("rec_rec: n * (n - 1) connections, the diagonal skipped") {
    const auto& rr = net.rec_rec;
    REQUIRE(rr.size() == std::size_t{n} * (n - 1));
    bool order_ok = true, no_autapse = true, weights_ok = true;
    for (std::size_t m = 0; m < rr.size(); ++m) {
      const auto t = static_cast<std::uint32_t>(m / (n - 1));
      const auto k = static_cast<std::uint32_t>(m % (n - 1));
      const std::uint32_t s = k < t ? k : k + 1;
      order_ok = order_ok && rr.target[m] == t && rr.source[m] == s;
      no_autapse = no_autapse && rr.source[m] != rr.target[m];
      weights_ok = weights_ok && rr.weight[m] == raw["rec_rec"]["weights"][t][s].get<double>();
    }
    CHECK(order_ok);
    CHECK(no_autapse);
    CHECK(weights_ok);
  }
  SECTION("in_rec: every (input, rec) pair, zero weights included") {
    const auto& ir = net.in_rec;
    REQUIRE(ir.size() == std::size_t{net.n_in} * n);
    bool ok = true;
    for (std::size_t m = 0; m < ir.size(); ++m) {
      const auto t = static_cast<std::uint32_t>(m / net.n_in), s = static_cast<std::uint32_t>(m % net.n_in);
      ok = ok && ir.target[m] == t && ir.source[m] == s && ir.weight[m] == raw["in_rec"]["weights"][t][s].get<double>();
    }
    CHECK(ok);
  }
  SECTION("out_rec_feedback: weights[rec][out] becomes readout -> rec connections") {
    const auto& fb = net.out_rec_feedback;
    REQUIRE(fb.size() == n);
    CHECK(fb.source == std::vector<std::uint32_t>(n, 0));
    CHECK(fb.target == iota(n));
    CHECK(fb.weight[7] == raw["out_rec_feedback"]["weights"][7][0].get<double>());
  }
}

TEST_CASE("The strings inf and -DBL_MAX decode to +infinity and the lowest double", "[loader]") {
  SECTION("V_min is -DBL_MAX in the bundled files") {
    const auto net = load_reference_case(case_path(kV1)).network;
    CHECK(net.rec.V_min == -DBL_MAX);
    CHECK(net.out.V_min == -DBL_MAX);
  }
  SECTION("inf for the cutoffs and the flush interval") {
    const auto net = load_mutated(kV1, [](json& j) {
                       j["populations"]["rec"]["params"]["eprop_isi_trace_cutoff"] = "inf";
                       j["populations"]["rec"]["params"]["flush_event_send_interval"] = "inf";
                       j["populations"]["out"]["params"]["eprop_isi_trace_cutoff"] = "inf";
                     }).network;
    CHECK(net.rec.eprop_isi_trace_cutoff == eligo::kInf);
    CHECK(net.rec.flush_event_send_interval == eligo::kInf);
    CHECK(net.out.eprop_isi_trace_cutoff == eligo::kInf);
  }
  SECTION("any other string is rejected") {
    require_mutation_rejected(kV1, set("/populations/rec/params/eprop_isi_trace_cutoff", "infinity"),
                              "/populations/rec/params/eprop_isi_trace_cutoff", "\"inf\"");
  }
}

TEST_CASE("Refractory input is read under both names, with_refr_input (v1) and refractory_input (v2)", "[loader]") {
  const std::string params = "/populations/rec/params";
  CHECK_FALSE(load_reference_case(case_path(kV1PscDelta)).network.rec.refractory_input);
  CHECK(load_reference_case(case_path("nest_psc_delta_refr_seed1")).network.rec.refractory_input);
  CHECK(load_mutated(kV1PscDelta, set(params + "/with_refr_input", true)).network.rec.refractory_input);
  CHECK(load_mutated(kV1PscDelta, [&](json& j) {
          j[json::json_pointer(params)].erase("with_refr_input");
          j[json::json_pointer(params)]["refractory_input"] = true;
        }).network.rec.refractory_input);
  SECTION("both names with different values are a contradiction") {
    require_mutation_rejected(kV1PscDelta, set(params + "/refractory_input", true), params + "/with_refr_input",
                              "contradicts");
  }
  SECTION("a number is not a boolean") {
    require_mutation_rejected(kV1PscDelta, set(params + "/with_refr_input", 1), params + "/with_refr_input",
                              "true or false");
  }
}

TEST_CASE("Each of the three readouts of nest_adapt_multiout gets its own target trace", "[loader]") {
  const auto net = load_reference_case(case_path(kV2MultiOut)).network;
  const json& values = raw_case(kV2MultiOut)["target"]["amplitude_values"];
  REQUIRE(net.targets.size() == 3);
  for (std::size_t k = 0; k < 3; ++k) {
    INFO("readout " << k);
    const auto& t = net.targets[k];
    REQUIRE(t.time.size() == 3000);
    CHECK(t.time.front() == 2);
    CHECK(t.time.back() == 3001);
    CHECK(t.value == values[k].get<std::vector<double>>());
  }
  CHECK(net.targets[0].value != net.targets[1].value);
  CHECK(net.targets[1].value != net.targets[2].value);

  SECTION("amplitude_times_ms may also be given per readout") {
    const auto per_readout = load_mutated(kV2MultiOut, [](json& j) {
                               auto& target = j["target"];
                               const json times = target["amplitude_times_ms"];
                               target["amplitude_times_ms"] = json::array({times, json::array({2.0, 500.0}), times});
                               target["amplitude_values"][1] = json::array({0.25, -0.5});
                             }).network;
    CHECK(per_readout.targets[0].time == net.targets[0].time);
    CHECK(per_readout.targets[1].time == std::vector<Step>{2, 500});
    CHECK(per_readout.targets[1].value == std::vector<double>{0.25, -0.5});
  }
}

TEST_CASE("The extra spike generator becomes a forced spike to every parrot and every rec neuron", "[loader]") {
  const auto net = load_reference_case(case_path(kV2)).network;
  REQUIRE(net.forced_spikes.size() == 1);
  const auto& g = net.forced_spikes[0];
  CHECK(g.spike_steps == std::vector<Step>{3001});
  CHECK(g.input_targets == iota(100));
  CHECK(g.rec_targets == iota(300));
  CHECK(g.weight == 1000.0);

  SECTION("indices may be a list") {
    const auto listed = load_mutated(kV2, set("/extra_spike_generators/0/targets/1/indices", {7, 3})).network;
    CHECK(listed.forced_spikes[0].rec_targets == std::vector<std::uint32_t>{7, 3});
    CHECK(listed.forced_spikes[0].input_targets == iota(100));
  }
  SECTION("v1 files have none") { CHECK(load_reference_case(case_path(kV1)).network.forced_spikes.empty()); }
}

TEST_CASE("Input spike times in ms become steps by rounding", "[loader]") {
  const auto net = load_mutated(kV1, set("/input_spike_times_ms/0", {0.4, 5.0, 5.0, 17.6})).network;
  CHECK(net.input_spike_steps[0] == std::vector<Step>{0, 5, 5, 18});
  CHECK(net.input_spike_steps[1].size() == raw_case(kV1)["input_spike_times_ms"][1].size());
}

TEST_CASE("Fields the loader does not know are ignored", "[loader]") {
  const auto rc = load_mutated(kV2, [](json& j) {
    j["note"] = {{"anything", json::array({1, "two"})}};
    j["populations"]["rec"]["params"]["some_future_parameter"] = "x";
    j["connections"]["rec_rec"]["comment"] = 5;
  });
  CHECK(rc.network.rec_rec.size() == 9000);
}

// ---------------------------------------------------------------------------------------------------
// Bad input: always a CaseFileError naming the file and the field.

TEST_CASE("Malformed JSON is a CaseFileError with the byte position", "[loader]") {
  const TempFile file("malformed", R"({"schema_version": 2, "name": oops})");
  require_case_error(file.path(), "", "malformed JSON at byte");
}

TEST_CASE("A truncated case file is a CaseFileError", "[loader]") {
  const std::string text = read_text(case_path(kV1));
  const TempFile file("truncated", text.substr(0, text.size() / 2));
  require_case_error(file.path(), "", "malformed JSON at byte");
}

TEST_CASE("A missing file is a CaseFileError naming it", "[loader]") {
  require_case_error(kCaseDir / "no_such_case.json", "", "no such file");
  require_case_error(kCaseDir, "", "not a regular file");
}

TEST_CASE("A number outside the double range is a CaseFileError", "[loader]") {
  json j = raw_case(kV1);
  j["connections"]["in_rec"]["weights"][0][0] = "PLACEHOLDER";
  std::string text = j.dump();
  text.replace(text.find("\"PLACEHOLDER\""), 13, "1e999");
  const TempFile file("overflow", text);
  require_case_error(file.path(), "", "malformed JSON");
}

TEST_CASE("A missing required field is named in the error", "[loader]") {
  require_mutation_rejected(kV1, erase("/n_steps_simulated"), "/n_steps_simulated", "missing required field");
  require_mutation_rejected(kV2, erase("/connections/rec_rec/sparse/target"), "/connections/rec_rec/sparse/target",
                            "missing required field");
  require_mutation_rejected(kV1, erase("/populations/rec/params"), "/populations/rec/params");
}

TEST_CASE("A negative tau_m is rejected with the field and the value", "[loader]") {
  const auto file = mutated_case(kV1, set("/populations/rec/params/tau_m", -30.0));
  require_case_error(file->path(), "/populations/rec/params/tau_m", "must be > 0 (got -30)");
  // The whole message, as the CLI prints it.
  CHECK_THROWS_WITH(load_reference_case(file->path()),
                    file->path().string() + ": field /populations/rec/params/tau_m: must be > 0 (got -30)");
}

TEST_CASE("An unknown model name is rejected", "[loader]") {
  require_mutation_rejected(kV1, set("/populations/rec/model", "iaf_psc_alpha"), "/populations/rec/model",
                            "unknown value \"iaf_psc_alpha\"");
  require_mutation_rejected(kV1, set("/populations/out/model", "eprop_readout_bsshslm_2020"), "/populations/out/model");
}

TEST_CASE("An unknown surrogate gradient function is rejected", "[loader]") {
  require_mutation_rejected(kV1, set("/populations/rec/params/surrogate_gradient_function", "heaviside"),
                            "/populations/rec/params/surrogate_gradient_function", "unknown value \"heaviside\"");
}

TEST_CASE("A connection index outside its population is rejected", "[loader]") {
  require_mutation_rejected(kV2, set("/connections/rec_rec/sparse/source/17", 300),
                            "/connections/rec_rec/sparse/source/17", "index out of range [0, 300) (got 300)");
  require_mutation_rejected(kV2, set("/connections/in_rec/sparse/source/0", -1), "/connections/in_rec/sparse/source/0");
  require_mutation_rejected(kV2, set("/connections/out_rec_feedback/sparse/source/3", 1),
                            "/connections/out_rec_feedback/sparse/source/3");
}

TEST_CASE("Every invalid value of the checklist is rejected with the field that holds it", "[loader]") {
  struct Bad {
    const char* what;
    const char* base;
    Mutation mutate;
    std::string field;
    std::string problem;
  };
  const std::string rec = "/populations/rec/params/";
  const std::string out = "/populations/out/params/";
  const Bad cases[] = {
      // top level
      {"schema version 4", kV1, set("/schema_version", 4), "/schema_version", "between 1 and 3"},
      {"schema version 3 without a variant", kV1, set("/schema_version", 3), "/variant", "missing"},
      // schema v3 (tests/data/nest/README.md §9)
      {"v3 with another variant", kV3, set("/variant", "event_driven"), "/variant", "bsshslm_2020"},
      {"v3 with an event-driven rec model", kV3, set("/populations/rec/model", "eprop_iaf"), "/populations/rec/model",
       "event-driven"},
      {"v3 with the event-driven readout", kV3, set("/populations/out/model", "eprop_readout"),
       "/populations/out/model", "eprop_readout_bsshslm_2020"},
      {"v3 learning window longer than the interval", kV3, set("/kernel_params/eprop_learning_window", 600.0),
       "/kernel_params/eprop_learning_window", "eprop_update_interval"},
      {"v3 without kernel_params", kV3, erase("/kernel_params"), "/kernel_params", "missing"},
      {"v3 timing disagrees with kernel_params", kV3, set("/timing_steps/update_interval", 400),
       "/timing_steps/update_interval", "eprop_update_interval"},
      {"v3 unknown readout loss", kV3, set("/populations/out/params/loss", "hinge"), "/populations/out/params/loss",
       "cross_entropy"},
      {"v3 cross-entropy without out_out", kV3CrossEntropy, erase("/connections/out_out"), "/connections", "out_out"},
      {"v3 groups that leave a gap", kV3CrossEntropy, set("/populations/rec/groups/1/first_index", 51),
       "/populations/rec/groups/1/first_index", "must be 50"},
      {"v3 negative tau_m_readout", kV3, set("/connections/rec_rec/synapse_params/tau_m_readout", -1.0),
       "/connections/rec_rec/synapse_params/tau_m_readout", "> 0"},
      {"v3 final weights of the wrong length", kV3, shorten("/nest_recordings/final_weights/rec_out"),
       "/nest_recordings/final_weights/rec_out", "one weight per connection"},
      {"schema version as a string", kV1, set("/schema_version", "2"), "/schema_version", "integer"},
      {"the document is not an object", kV1, [](json& j) { j = json::array(); }, "", "must be an object"},
      {"zero resolution", kV1, set("/resolution_ms", 0.0), "/resolution_ms", "> 0"},
      {"zero simulated steps", kV1, set("/n_steps_simulated", 0), "/n_steps_simulated", ""},
      {"simulate_ms disagrees with n_steps_simulated", kV1, set("/simulate_ms", 504.0), "/simulate_ms", ""},
      // populations
      {"empty population", kV1, set("/populations/rec/n", 0), "/populations/rec/n", "between 1 and 100000000"},
      {"absurd population", kV1, set("/populations/input/n", 200000000), "/populations/input/n", ""},
      {"population size as a float", kV1, set("/populations/rec/n", 100.0), "/populations/rec/n", "integer"},
      {"params not an object", kV1, set("/populations/rec/params", 5), "/populations/rec/params", "object"},
      {"tau_m as a string", kV1, set(rec + "tau_m", "30"), rec + "tau_m", "must be a number"},
      {"C_m zero", kV1, set(rec + "C_m", 0.0), rec + "C_m", "> 0"},
      {"t_ref negative", kV1, set(rec + "t_ref", -1.0), rec + "t_ref", ">= 0"},
      {"adapt_tau zero (adaptive model)", kV1Adapt, set(rec + "adapt_tau", 0.0), rec + "adapt_tau", "> 0"},
      {"kappa above 1", kV1, set(rec + "kappa", 1.5), rec + "kappa", "[0, 1]"},
      {"kappa_reg below 0", kV1, set(rec + "kappa_reg", -0.1), rec + "kappa_reg", "[0, 1]"},
      {"surrogate height zero", kV1, set(rec + "surrogate_gradient_height", 0.0), rec + "surrogate_gradient_height",
       ""},
      {"surrogate width negative", kV1, set(rec + "surrogate_gradient_width", -1.0), rec + "surrogate_gradient_width",
       ""},
      {"cutoff negative", kV1, set(rec + "eprop_isi_trace_cutoff", -1.0), rec + "eprop_isi_trace_cutoff", ">= 0"},
      {"flush interval zero", kV1, set(rec + "flush_event_send_interval", 0.0), rec + "flush_event_send_interval",
       "> 0"},
      {"V_th below V_min", kV1, set(rec + "V_min", 1.0), rec + "V_th", ">= V_min"},
      {"V_reset at threshold (psc_delta)", kV1PscDelta, set(rec + "V_reset", 0.5), rec + "V_reset", "< V_th"},
      {"readout C_m zero", kV1, set(out + "C_m", 0.0), out + "C_m", "> 0"},
      {"readout tau_m negative", kV1, set(out + "tau_m", -1.0), out + "tau_m", "> 0"},
      // optimizer
      {"unknown optimizer", kV1, set("/optimizer/type", "sgd"), "/optimizer/type", "unknown value \"sgd\""},
      {"batch size zero", kV1, set("/optimizer/batch_size", 0), "/optimizer/batch_size", ""},
      {"negative eta", kV1, set("/optimizer/eta", -1e-4), "/optimizer/eta", ">= 0"},
      {"Wmin above Wmax", kV1, set("/optimizer/Wmin", 200.0), "/optimizer/Wmin", "<= Wmax"},
      {"adam beta_1 = 1", kV1, set("/optimizer/beta_1", 1.0), "/optimizer/beta_1", "[0, 1)"},
      {"adam beta_2 negative", kV1, set("/optimizer/beta_2", -0.1), "/optimizer/beta_2", "[0, 1)"},
      {"adam epsilon zero", kV1, set("/optimizer/epsilon", 0.0), "/optimizer/epsilon", "> 0"},
      {"optimize_each_step not a boolean", kV1, set("/optimizer/optimize_each_step", "yes"),
       "/optimizer/optimize_each_step", "true or false"},
      // connections
      {"two-step delay", kV1, set("/connections/in_rec/delay_ms", 2.0), "/connections/in_rec/delay_ms", "one step"},
      {"wrong synapse model", kV1, set("/connections/rec_rec/synapse_model", "static_synapse"),
       "/connections/rec_rec/synapse_model", "eprop_synapse"},
      {"dense block with a row missing", kV1, shorten("/connections/in_rec/weights"), "/connections/in_rec/weights",
       "100 entries"},
      {"dense row too short", kV1, shorten("/connections/rec_out/weights/0"), "/connections/rec_out/weights/0", ""},
      {"dense row not an array", kV1, set("/connections/rec_rec/weights/0", "row"), "/connections/rec_rec/weights/0",
       "array"},
      {"weight as a string", kV1, set("/connections/in_rec/weights/3/4", "inf"), "/connections/in_rec/weights/3/4",
       "must be a number"},
      {"plastic weight outside [Wmin, Wmax]", kV1, set("/connections/rec_rec/weights/1/0", 1000.0),
       "/connections/rec_rec/weights/1/0", "Wmin, Wmax"},
      {"both sparse and weights", kV1,
       set("/connections/in_rec/sparse", {{"source", {0}}, {"target", {0}}, {"weight", {0.0}}}), "/connections/in_rec",
       "both"},
      {"neither sparse nor weights", kV1, erase("/connections/rec_out/weights"), "/connections/rec_out", "either"},
      {"sparse arrays of unequal length", kV2, shorten("/connections/rec_rec/sparse/weight"),
       "/connections/rec_rec/sparse/weight", "as many as source"},
      {"index written as a float", kV2, set("/connections/rec_rec/sparse/target/5", 0.0),
       "/connections/rec_rec/sparse/target/5", "integer"},
      // stimulus
      {"one input spike list missing", kV1, shorten("/input_spike_times_ms"), "/input_spike_times_ms", ""},
      {"negative spike time", kV1, set("/input_spike_times_ms/0/0", -1.0), "/input_spike_times_ms/0/0", ">= 0"},
      {"descending spike times", kV1, set("/input_spike_times_ms/0/1", 0.0), "/input_spike_times_ms/0/1", "previous"},
      {"extra generator with another synapse model", kV2,
       set("/extra_spike_generators/0/synapse_model", "stdp_synapse"), "/extra_spike_generators/0/synapse_model",
       "static_synapse"},
      {"extra generator with a two-step delay", kV2, set("/extra_spike_generators/0/delay_ms", 2.0),
       "/extra_spike_generators/0/delay_ms", "one step"},
      {"extra generator targeting the readouts", kV2, set("/extra_spike_generators/0/targets/0/population", "out"),
       "/extra_spike_generators/0/targets/0/population", "unknown value \"out\""},
      {"extra generator indices neither all nor a list", kV2,
       set("/extra_spike_generators/0/targets/0/indices", "some"), "/extra_spike_generators/0/targets/0/indices", ""},
      {"extra generator index out of range", kV2, set("/extra_spike_generators/0/targets/1/indices", {300}),
       "/extra_spike_generators/0/targets/1/indices/0", ""},
      // targets and learning window
      {"fewer target values than times", kV1, shorten("/target/amplitude_values"), "/target/amplitude_values",
       "one per amplitude time"},
      {"target times not increasing", kV1, set("/target/amplitude_times_ms/1", 2.0), "/target/amplitude_times_ms/1",
       "later"},
      {"one flat target for three readouts", kV2MultiOut,
       [](json& j) { j["target"]["amplitude_values"] = j["target"]["amplitude_values"][0]; },
       "/target/amplitude_values", "3 readouts"},
      {"two target traces for three readouts", kV2MultiOut, shorten("/target/amplitude_values"),
       "/target/amplitude_values", "one trace per readout"},
      {"learning window values missing", kV1, set("/learning_window/amplitude_values", json::array()),
       "/learning_window/amplitude_values", ""},
      // timing and loss
      {"loss reference shorter than n_iter", kV1, shorten("/loss/loss_nest_reference"), "/loss/loss_nest_reference",
       "one loss per iteration"},
      {"recorded steps inconsistent with n_iter * group_size * sequence", kV1,
       set("/loss/recorded_steps_first_last", {2, 500}), "/loss/recorded_steps_first_last", "n_iter * group_size"},
      {"recorded steps beyond the simulation", kV1, set("/loss/recorded_steps_first_last", {2, 505}),
       "/loss/recorded_steps_first_last/1", ""},
      {"v1 file without n_iter", kV1, erase("/loss/n_iter"), "/loss/n_iter", "missing required field"},
      {"n_iter in loss disagrees with timing_steps", kV2, set("/loss/n_iter", 4), "/loss/n_iter", "must equal"},
      {"zero sequence length", kV1, set("/timing_steps/sequence", 0), "/timing_steps/sequence", ""},
  };
  for (const auto& bad : cases) {
    INFO(bad.what << " (base " << bad.base << ")");
    require_mutation_rejected(bad.base, bad.mutate, bad.field, bad.problem);
  }
}
