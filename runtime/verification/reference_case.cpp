// Loader for NEST reference case files (tests/data/nest/README.md, "Loader checklist", section 6).
//
// The file is parsed with nlohmann::json (its number parser rounds correctly, so every double in the
// file arrives bit for bit) and then decoded field by field. Every problem becomes a CaseFileError that
// names the file and the JSON pointer of the offending field; nothing else escapes.
#include "runtime/verification/reference_case.hpp"

#include <algorithm>
#include <cerrno>
#include <cfloat>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <system_error>
#include <utility>

#include "runtime/models/model_parameters.hpp"
#include "runtime/models/parameter_checks.hpp"

namespace eligo {

namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

// Populations larger than this are certainly a corrupt file, not a network.
constexpr std::int64_t kMaxPopulation = 100'000'000;

// ---------------------------------------------------------------------------------------------------
// Formatting for messages.

std::string show(double x) { return format_number(x); }

// A JSON value as written, shortened; replaces invalid UTF-8 instead of throwing.
std::string show(const json& v) {
  std::string s = v.dump(-1, ' ', false, json::error_handler_t::replace);
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

std::string in_quotes(std::string_view s) { return "\"" + std::string(s) + "\""; }

// JSON pointer (RFC 6901) of a member / an element.
std::string child(const std::string& ptr, std::string_view key) {
  std::string out = ptr + "/";
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}
std::string child(const std::string& ptr, std::size_t index) { return ptr + "/" + std::to_string(index); }

// ---------------------------------------------------------------------------------------------------
// Typed access to the parsed document. Each accessor checks the JSON type and fails with the field's
// pointer, so the decoding code below reads like the README's tables.

struct Field {
  const json& value;
  std::string ptr;
};

template <class E>
using Choice = NamedValue<E>;

class CaseReader : public FieldReporter<CaseFileError> {
 public:
  using FieldReporter::FieldReporter;

  // --- structure

  void expect_object(const Field& f) const {
    if (!f.value.is_object()) fail(f.ptr, "must be an object (got " + show(f.value) + ")");
  }
  void expect_array(const Field& f) const {
    if (!f.value.is_array()) fail(f.ptr, "must be an array (got " + show(f.value) + ")");
  }
  void expect_size(const Field& f, std::size_t n, const std::string& what) const {
    expect_array(f);
    if (f.value.size() != n)
      fail(f.ptr,
           "must have " + std::to_string(n) + " entries, " + what + " (got " + std::to_string(f.value.size()) + ")");
  }

  std::optional<Field> find(const Field& obj, std::string_view key) const {
    expect_object(obj);
    const auto it = obj.value.find(std::string(key));
    if (it == obj.value.end()) return std::nullopt;
    return Field{*it, child(obj.ptr, key)};
  }
  Field at(const Field& obj, std::string_view key) const {
    if (auto f = find(obj, key)) return *f;
    fail(child(obj.ptr, key), "missing required field");
  }
  Field at(const Field& array, std::size_t index) const { return Field{array.value[index], child(array.ptr, index)}; }

  // --- scalars

  // A parameter: a JSON number, or the strings "inf" (+infinity) and "-DBL_MAX" (lowest double) that the
  // case files use for NEST's non-finite defaults.
  double parameter(const Field& f) const {
    if (f.value.is_number()) return f.value.get<double>();
    if (f.value.is_string()) {
      const auto& s = f.value.get_ref<const std::string&>();
      if (s == "inf") return std::numeric_limits<double>::infinity();
      if (s == "-DBL_MAX") return -DBL_MAX;
    }
    fail(f.ptr, "must be a number, \"inf\" or \"-DBL_MAX\" (got " + show(f.value) + ")");
  }

  // A plain finite JSON number (weights, times, signal values).
  double finite(const Field& f) const {
    if (!f.value.is_number()) fail(f.ptr, "must be a number (got " + show(f.value) + ")");
    const double x = f.value.get<double>();
    expect(std::isfinite(x), f.ptr, "finite", x);
    return x;
  }

  // An integer written as one (5.0 is rejected: a float index or count means a broken writer) in [lo, hi].
  std::int64_t integer(const Field& f, std::int64_t lo, std::int64_t hi) const {
    if (auto x = integer_within(f, lo, hi)) return *x;
    fail(f.ptr,
         "must be between " + std::to_string(lo) + " and " + std::to_string(hi) + " (got " + show(f.value) + ")");
  }

  // A 0-based position in a population.
  std::uint32_t index(const Field& f, std::uint32_t population_size) const {
    if (auto x = integer_within(f, 0, std::int64_t{population_size} - 1)) return static_cast<std::uint32_t>(*x);
    fail(f.ptr, "index out of range [0, " + std::to_string(population_size) + ") (got " + show(f.value) + ")");
  }

  bool boolean(const Field& f) const {
    if (!f.value.is_boolean()) fail(f.ptr, "must be true or false (got " + show(f.value) + ")");
    return f.value.get<bool>();
  }

  const std::string& string(const Field& f) const {
    if (!f.value.is_string()) fail(f.ptr, "must be a string (got " + show(f.value) + ")");
    return f.value.get_ref<const std::string&>();
  }

  template <class E, std::size_t N>
  E choice(const Field& f, const Choice<E> (&options)[N]) const {
    const std::string& s = string(f);
    std::string names;
    for (const auto& o : options) {
      if (s == o.name) return o.value;
      names += (names.empty() ? "" : ", ") + std::string(o.name);
    }
    fail(f.ptr, "unknown value " + in_quotes(s) + " (expected one of: " + names + ")");
  }

  // A string field that has exactly one admissible value (e.g. a synapse model NEST's e-prop needs).
  void expect_literal(const Field& f, std::string_view expected) const {
    if (string(f) != expected) fail(f.ptr, "must be " + in_quotes(expected) + " (got " + show(f.value) + ")");
  }

  // A time in ms on the step grid: round(ms / h).
  Step time_step(const Field& f, double h) const {
    const double ms = finite(f);
    expect(ms >= 0.0, f.ptr, ">= 0 ms", ms);
    expect(ms / h <= kMaxFiniteSteps, f.ptr, "at most " + show(kMaxFiniteSteps) + " steps", ms);
    return ms_to_steps(ms, h);
  }

  // --- arrays

  std::vector<double> finite_array(const Field& f) const {
    expect_array(f);
    std::vector<double> out;
    out.reserve(f.value.size());
    for (std::size_t i = 0; i < f.value.size(); ++i) out.push_back(finite(at(f, i)));
    return out;
  }

  std::vector<std::uint32_t> index_array(const Field& f, std::uint32_t population_size) const {
    expect_array(f);
    std::vector<std::uint32_t> out;
    out.reserve(f.value.size());
    for (std::size_t i = 0; i < f.value.size(); ++i) out.push_back(index(at(f, i), population_size));
    return out;
  }

  // Ascending times in ms (as NEST's spike_generator requires), converted to steps.
  std::vector<Step> spike_steps(const Field& f, double h) const {
    expect_array(f);
    std::vector<Step> out;
    out.reserve(f.value.size());
    double previous_ms = 0.0;
    for (std::size_t i = 0; i < f.value.size(); ++i) {
      const Field t = at(f, i);
      out.push_back(time_step(t, h));
      const double ms = t.value.get<double>();
      expect(i == 0 || ms >= previous_ms, t.ptr, ">= the previous spike time " + show(previous_ms) + " ms", ms);
      previous_ms = ms;
    }
    return out;
  }

  // A delay_ms field, if present, must be exactly one step: NEST's e-prop models accept no other delay,
  // and the engine's event timing assumes it.
  void expect_one_step_delay(const Field& block, double h) const {
    if (auto d = find(block, "delay_ms")) {
      const double ms = finite(*d);
      // ms / h < 2 first: it keeps absurd values away from the integer conversion.
      expect(ms > 0.0 && ms / h < 2.0 && ms_to_steps(ms, h) == 1, d->ptr, "one step (" + show(h) + " ms)", ms);
    }
  }

 private:
  // nullopt when outside [lo, hi]; fails when not an integer at all.
  std::optional<std::int64_t> integer_within(const Field& f, std::int64_t lo, std::int64_t hi) const {
    if (!f.value.is_number_integer()) fail(f.ptr, "must be an integer (got " + show(f.value) + ")");
    // Unsigned values above INT64_MAX exceed every bound used here.
    if (f.value.is_number_unsigned() && f.value.get<std::uint64_t>() > std::uint64_t{INT64_MAX}) return std::nullopt;
    const auto x = f.value.get<std::int64_t>();
    if (x < lo || x > hi) return std::nullopt;
    return x;
  }
};

// ---------------------------------------------------------------------------------------------------
// Populations and their parameters.

// Keys present in the dict overwrite the NEST defaults already in `params`; absent keys keep them. The case
// files hold every number of the model's table, whichever models take it.
template <class Params, std::size_t N>
void read_doubles(const CaseReader& rd, const Field& dict, Params& params, const ModelParameter<Params> (&table)[N]) {
  for (const ModelParameter<Params>& row : table) {
    const auto* member = std::get_if<double Params::*>(&row.member);
    if (member == nullptr) continue;
    if (auto f = rd.find(dict, row.name)) params.*(*member) = rd.parameter(*f);
  }
}

// NEST's refractory_input is written with_refr_input by the v1 files (the C++ member name): accept both,
// and refuse a file that gives both with different values.
void read_refractory_input(const CaseReader& rd, const Field& dict, RecurrentParams& p) {
  const auto v2_name = rd.find(dict, "refractory_input");
  const auto v1_name = rd.find(dict, "with_refr_input");
  if (v2_name) p.refractory_input = rd.boolean(*v2_name);
  if (v1_name) {
    const bool v1_value = rd.boolean(*v1_name);
    if (v2_name && v1_value != p.refractory_input)
      rd.fail(v1_name->ptr, "contradicts " + v2_name->ptr + " (give one of the two names)");
    p.refractory_input = v1_value;
  }
}

// The checks NEST's set_status makes (parameter_checks.hpp), reported at the parameter's field.
void validate(const CaseReader& rd, const std::optional<ParameterProblem>& problem, const std::string& ptr) {
  if (problem) rd.fail(child(ptr, problem->parameter), problem->problem);
}

std::uint32_t population_size(const CaseReader& rd, const Field& population) {
  return static_cast<std::uint32_t>(rd.integer(rd.at(population, "n"), 1, kMaxPopulation));
}

void read_populations(const CaseReader& rd, const Field& root, double h, NetworkDescription& net) {
  const Field pops = rd.at(root, "populations");
  const Field input = rd.at(pops, "input");
  const Field rec = rd.at(pops, "rec");
  const Field out = rd.at(pops, "out");
  net.n_in = population_size(rd, input);
  net.n_rec = population_size(rd, rec);
  net.n_out = population_size(rd, out);

  net.rec_model = rd.choice(rd.at(rec, "model"), kRecurrentModelNames);
  const Field rec_params = rd.at(rec, "params");  // the effective parameters: "Run from this dict"
  read_doubles(rd, rec_params, net.rec, kRecurrentParameters);
  read_refractory_input(rd, rec_params, net.rec);  // the flag with two names
  for (const ModelParameter<RecurrentParams>& row : kRecurrentParameters) {
    const auto* flag = std::get_if<bool RecurrentParams::*>(&row.member);
    if (flag == nullptr || *flag == &RecurrentParams::refractory_input) continue;
    if (auto f = rd.find(rec_params, row.name)) net.rec.*(*flag) = rd.boolean(*f);
  }
  for (const ModelParameter<RecurrentParams>& row : kRecurrentParameters) {
    const auto* choice = std::get_if<SurrogateFunction RecurrentParams::*>(&row.member);
    if (choice == nullptr) continue;
    if (auto f = rd.find(rec_params, row.name)) net.rec.*(*choice) = rd.choice(*f, kSurrogateFunctionNames);
  }
  validate(rd, check_recurrent(net.rec, net.rec_model, h), rec_params.ptr);

  rd.expect_literal(rd.at(out, "model"), "eprop_readout");
  const Field out_params = rd.at(out, "params");
  read_doubles(rd, out_params, net.out, kReadoutParameters);
  validate(rd, check_readout(net.out, h), out_params.ptr);
  // The input parrots keep their defaults (flush interval +inf, docs/numerics.md §9): the format has no dict for them.
}

// ---------------------------------------------------------------------------------------------------
// Optimizer (docs/numerics.md §10): absent keys keep NEST's defaults.

OptimizerParams read_optimizer(const CaseReader& rd, const Field& root) {
  const Field opt = rd.at(root, "optimizer");
  OptimizerParams p;
  if (auto f = rd.find(opt, "type")) p.type = rd.choice(*f, kOptimizerTypeNames);
  if (auto f = rd.find(opt, "batch_size")) p.batch_size = rd.integer(*f, 1, INT64_MAX);
  if (auto f = rd.find(opt, "optimize_each_step")) p.optimize_each_step = rd.boolean(*f);
  const std::pair<std::string_view, double*> numbers[] = {{"eta", &p.eta},       {"Wmin", &p.Wmin},
                                                          {"Wmax", &p.Wmax},     {"beta_1", &p.beta_1},
                                                          {"beta_2", &p.beta_2}, {"epsilon", &p.epsilon}};
  for (const auto& [key, value] : numbers)
    if (auto f = rd.find(opt, key)) *value = rd.parameter(*f);

  const auto f = [&](std::string_view key) { return child(opt.ptr, key); };
  rd.expect(p.eta >= 0.0 && std::isfinite(p.eta), f("eta"), ">= 0 and finite", p.eta);
  rd.expect(p.Wmin <= p.Wmax, f("Wmin"), "<= Wmax = " + show(p.Wmax), p.Wmin);
  if (p.type == OptimizerType::adam) {
    rd.expect(p.beta_1 >= 0.0 && p.beta_1 < 1.0, f("beta_1"), "in [0, 1)", p.beta_1);
    rd.expect(p.beta_2 >= 0.0 && p.beta_2 < 1.0, f("beta_2"), "in [0, 1)", p.beta_2);
    rd.expect(p.epsilon > 0.0, f("epsilon"), "> 0", p.epsilon);
  }
  return p;
}

// ---------------------------------------------------------------------------------------------------
// Connection blocks (tests/data/nest/README.md §4.2): dense all_to_all matrices or sparse lists.

struct Population {
  std::string_view name;
  std::uint32_t size;
};

// Weights of plastic synapses must lie in [Wmin, Wmax] (docs/numerics.md §9.1); feedback weights are unbounded.
struct WeightRange {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
};

double read_weight(const CaseReader& rd, const Field& f, const WeightRange& range) {
  const double w = rd.finite(f);
  rd.expect(w >= range.lo && w <= range.hi, f.ptr,
            "within [Wmin, Wmax] = [" + show(range.lo) + ", " + show(range.hi) + "]", w);
  return w;
}

// weights[target][source], NEST all_to_all: target-major order, and no autapses within one population
// (the diagonal of rec_rec is not a connection).
ConnectionList read_dense(const CaseReader& rd, const Field& weights, Population src, Population tgt,
                          const WeightRange& range) {
  const bool same_population = src.name == tgt.name;
  rd.expect_size(weights, tgt.size, "one row per " + std::string(tgt.name) + " neuron (weights[target][source])");
  ConnectionList list;
  const std::size_t n = std::size_t{tgt.size} * src.size - (same_population ? tgt.size : 0);
  list.source.reserve(n);
  list.target.reserve(n);
  list.weight.reserve(n);
  for (std::uint32_t t = 0; t < tgt.size; ++t) {
    const Field row = rd.at(weights, t);
    rd.expect_size(row, src.size, "one per " + std::string(src.name) + " neuron");
    for (std::uint32_t s = 0; s < src.size; ++s) {
      if (same_population && s == t) continue;
      list.source.push_back(s);
      list.target.push_back(t);
      list.weight.push_back(read_weight(rd, rd.at(row, s), range));
    }
  }
  return list;
}

// Three parallel arrays in NEST's connection order; multapses are separate synapses.
ConnectionList read_sparse(const CaseReader& rd, const Field& sparse, Population src, Population tgt,
                           const WeightRange& range) {
  ConnectionList list;
  list.source = rd.index_array(rd.at(sparse, "source"), src.size);
  const std::string length = "as many as source (" + std::to_string(list.source.size()) + ")";
  const Field target = rd.at(sparse, "target");
  rd.expect_size(target, list.source.size(), length);
  list.target = rd.index_array(target, tgt.size);
  const Field weight = rd.at(sparse, "weight");
  rd.expect_size(weight, list.source.size(), length);
  list.weight.reserve(list.source.size());
  for (std::size_t m = 0; m < list.source.size(); ++m) list.weight.push_back(read_weight(rd, rd.at(weight, m), range));
  return list;
}

ConnectionList read_block(const CaseReader& rd, const Field& connections, std::string_view key, Population src,
                          Population tgt, std::string_view synapse_model, const WeightRange& range, double h) {
  const Field block = rd.at(connections, key);
  if (auto f = rd.find(block, "synapse_model")) rd.expect_literal(*f, synapse_model);
  rd.expect_one_step_delay(block, h);
  const auto sparse = rd.find(block, "sparse");
  const auto weights = rd.find(block, "weights");
  if (sparse && weights) rd.fail(block.ptr, "has both \"sparse\" and \"weights\" (give exactly one)");
  if (sparse) return read_sparse(rd, *sparse, src, tgt, range);
  if (weights) return read_dense(rd, *weights, src, tgt, range);
  rd.fail(block.ptr, "needs either \"sparse\" or \"weights\"");
}

void read_connections(const CaseReader& rd, const Field& root, double h, NetworkDescription& net) {
  const Field conns = rd.at(root, "connections");
  const Population input{"input", net.n_in}, rec{"rec", net.n_rec}, out{"out", net.n_out};
  const WeightRange plastic{net.optimizer.Wmin, net.optimizer.Wmax};
  net.in_rec = read_block(rd, conns, "in_rec", input, rec, "eprop_synapse", plastic, h);
  net.rec_rec = read_block(rd, conns, "rec_rec", rec, rec, "eprop_synapse", plastic, h);
  net.rec_out = read_block(rd, conns, "rec_out", rec, out, "eprop_synapse", plastic, h);
  net.out_rec_feedback =
      read_block(rd, conns, "out_rec_feedback", out, rec, "eprop_learning_signal_connection", WeightRange{}, h);
}

// ---------------------------------------------------------------------------------------------------
// Stimulus (tests/data/nest/README.md §4.6).

void read_input_spikes(const CaseReader& rd, const Field& root, double h, NetworkDescription& net) {
  const Field times = rd.at(root, "input_spike_times_ms");
  rd.expect_size(times, net.n_in, "one list per input (populations.input.n)");
  net.input_spike_steps.reserve(net.n_in);
  for (std::uint32_t i = 0; i < net.n_in; ++i) net.input_spike_steps.push_back(rd.spike_steps(rd.at(times, i), h));
}

enum class TargetPopulation { input, rec };
constexpr Choice<TargetPopulation> kTargetPopulations[] = {{"input", TargetPopulation::input},
                                                           {"rec", TargetPopulation::rec}};

// `indices`: the string "all" or a list of indices into the population.
std::vector<std::uint32_t> read_indices(const CaseReader& rd, const Field& f, std::uint32_t population_size) {
  if (f.value.is_string()) {
    rd.expect_literal(f, "all");
    std::vector<std::uint32_t> all(population_size);
    for (std::uint32_t i = 0; i < population_size; ++i) all[i] = i;
    return all;
  }
  return rd.index_array(f, population_size);
}

ForcedSpikeGenerator read_extra_generator(const CaseReader& rd, const Field& g, double h,
                                          const NetworkDescription& net) {
  ForcedSpikeGenerator gen;
  // Only static synapses with one-step delay are modelled (the spike reaches its targets in step round(τ/h)).
  if (auto f = rd.find(g, "synapse_model")) rd.expect_literal(*f, "static_synapse");
  rd.expect_one_step_delay(g, h);
  if (auto f = rd.find(g, "weight")) gen.weight = rd.finite(*f);
  gen.spike_steps = rd.spike_steps(rd.at(g, "spike_times_ms"), h);
  const Field targets = rd.at(g, "targets");
  rd.expect_array(targets);
  for (std::size_t k = 0; k < targets.value.size(); ++k) {
    const Field t = rd.at(targets, k);
    const bool to_input = rd.choice(rd.at(t, "population"), kTargetPopulations) == TargetPopulation::input;
    const auto indices = read_indices(rd, rd.at(t, "indices"), to_input ? net.n_in : net.n_rec);
    auto& dest = to_input ? gen.input_targets : gen.rec_targets;
    dest.insert(dest.end(), indices.begin(), indices.end());
  }
  return gen;
}

void read_extra_generators(const CaseReader& rd, const Field& root, double h, NetworkDescription& net) {
  const auto gens = rd.find(root, "extra_spike_generators");  // optional: absent = none
  if (!gens) return;
  rd.expect_array(*gens);
  for (std::size_t k = 0; k < gens->value.size(); ++k)
    net.forced_spikes.push_back(read_extra_generator(rd, rd.at(*gens, k), h, net));
}

// ---------------------------------------------------------------------------------------------------
// Targets and learning window (tests/data/nest/README.md §4.7): step_rate_generator signals.

// Amplitude times must be strictly increasing on the step grid (a step_rate_generator refuses anything
// else), and there must be one value per time.
StepSignal read_step_signal(const CaseReader& rd, const Field& times, const Field& values, double h) {
  StepSignal s;
  rd.expect_array(times);
  s.time.reserve(times.value.size());
  for (std::size_t i = 0; i < times.value.size(); ++i) {
    const Field t = rd.at(times, i);
    const Step step = rd.time_step(t, h);
    if (i > 0 && step <= s.time.back())
      rd.fail(t.ptr, "must be later than the previous amplitude time (step " + std::to_string(s.time.back()) +
                         ") on the step grid (got " + show(t.value) + " ms)");
    s.time.push_back(step);
  }
  rd.expect_size(values, s.time.size(), "one per amplitude time (" + times.ptr + ")");
  s.value = rd.finite_array(values);
  return s;
}

// Per-readout when the first element is a list, else one list shared (times) or readout 0's (values).
bool is_per_readout(const Field& f) { return f.value.is_array() && !f.value.empty() && f.value[0].is_array(); }

void read_targets(const CaseReader& rd, const Field& root, double h, NetworkDescription& net) {
  const Field target = rd.at(root, "target");
  const Field times = rd.at(target, "amplitude_times_ms");
  const Field values = rd.at(target, "amplitude_values");
  rd.expect_array(times);
  rd.expect_array(values);
  const bool per_readout_times = is_per_readout(times);
  const bool per_readout_values = is_per_readout(values);
  const std::string n_out = "one trace per readout (populations.out.n = " + std::to_string(net.n_out) + ")";
  if (per_readout_times) rd.expect_size(times, net.n_out, n_out);
  if (per_readout_values) rd.expect_size(values, net.n_out, n_out);
  if (!per_readout_values && net.n_out != 1)
    rd.fail(values.ptr, "is a single flat list but there are " + std::to_string(net.n_out) +
                            " readouts (give one list per readout)");
  net.targets.reserve(net.n_out);
  for (std::uint32_t k = 0; k < net.n_out; ++k)
    net.targets.push_back(read_step_signal(rd, per_readout_times ? rd.at(times, k) : times,
                                           per_readout_values ? rd.at(values, k) : values, h));

  const Field lw = rd.at(root, "learning_window");
  net.learning_window = read_step_signal(rd, rd.at(lw, "amplitude_times_ms"), rd.at(lw, "amplitude_values"), h);
}

// ---------------------------------------------------------------------------------------------------
// Timing and loss (tests/data/nest/README.md §3, §5).

// n_iter / group_size: from timing_steps (v2), else from loss (v1); when both are given they must agree.
std::int64_t read_timing_count(const CaseReader& rd, const Field& timing, const Field& loss, std::string_view key,
                               Step n_steps) {
  const auto in_loss = rd.find(loss, key);
  const auto in_timing = rd.find(timing, key);
  if (!in_timing) return rd.integer(rd.at(loss, key), 1, n_steps);
  const std::int64_t value = rd.integer(*in_timing, 1, n_steps);
  if (in_loss && rd.integer(*in_loss, 1, n_steps) != value)
    rd.fail(in_loss->ptr,
            "must equal " + in_timing->ptr + " = " + std::to_string(value) + " (got " + show(in_loss->value) + ")");
  return value;
}

void read_loss(const CaseReader& rd, const Field& root, ReferenceCase& rc) {
  const Field timing = rd.at(root, "timing_steps");
  const Field loss = rd.at(root, "loss");
  LossWindow& w = rc.loss;
  w.sequence = rd.integer(rd.at(timing, "sequence"), 1, rc.n_steps);
  w.n_iter = read_timing_count(rd, timing, loss, "n_iter", rc.n_steps);
  w.group_size = read_timing_count(rd, timing, loss, "group_size", rc.n_steps);

  const Field recorded = rd.at(loss, "recorded_steps_first_last");
  rd.expect_size(recorded, 2, "[first step, last step]");
  w.first_step = rd.integer(rd.at(recorded, 0), 0, rc.n_steps - 1);
  w.last_step = rd.integer(rd.at(recorded, 1), w.first_step, rc.n_steps - 1);
  // Each factor is at most n_steps <= 1e15, so the product is exact in a double up to 2^53 and any larger
  // product cannot match the window anyway.
  const double samples =
      static_cast<double>(w.n_iter) * static_cast<double>(w.group_size) * static_cast<double>(w.sequence);
  const Step window = w.last_step - w.first_step + 1;
  if (static_cast<double>(window) != samples)
    rd.fail(recorded.ptr,
            "covers " + std::to_string(window) + " steps but n_iter * group_size * sequence = " + show(samples));

  const Field reference = rd.at(loss, "loss_nest_reference");
  rd.expect_size(reference, static_cast<std::size_t>(w.n_iter), "one loss per iteration (n_iter)");
  rc.loss_reference = rd.finite_array(reference);
}

// ---------------------------------------------------------------------------------------------------
// Whole file.

json parse_file(const fs::path& file) {
  std::error_code ec;
  if (!fs::exists(file, ec)) throw CaseFileError(file, "", "no such file");
  if (!fs::is_regular_file(file, ec)) throw CaseFileError(file, "", "not a regular file");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw CaseFileError(file, "", std::string("cannot open for reading: ") + std::strerror(errno));
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw CaseFileError(file, "", "read error");
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    // nlohmann counts the end of input as one more byte; report a position inside the file.
    const std::size_t byte = std::min<std::size_t>(e.byte, text.size());
    throw CaseFileError(
        file, "",
        "malformed JSON at byte " + std::to_string(byte) + " of " + std::to_string(text.size()) + ": " + e.what());
  } catch (const json::exception& e) {  // e.g. a number outside the double range (1e999)
    throw CaseFileError(file, "", std::string("malformed JSON: ") + e.what());
  }
}

ReferenceCase decode(const CaseReader& rd, const json& document) {
  const Field root{document, ""};
  rd.expect_object(root);
  ReferenceCase rc;
  rc.path = rd.file();
  rc.schema_version = static_cast<int>(rd.integer(rd.at(root, "schema_version"), 1, 2));
  rc.name = rd.string(rd.at(root, "name"));

  NetworkDescription& net = rc.network;
  const Field resolution = rd.at(root, "resolution_ms");
  const double h = rd.finite(resolution);
  rd.expect(h > 0.0, resolution.ptr, "> 0", h);
  net.resolution_ms = h;
  rc.n_steps = rd.integer(rd.at(root, "n_steps_simulated"), 1, static_cast<std::int64_t>(kMaxFiniteSteps));
  if (auto sim = rd.find(root, "simulate_ms")) {
    rd.expect(rd.time_step(*sim, h) == rc.n_steps, sim->ptr,
              "n_steps_simulated * resolution_ms = " + show(static_cast<double>(rc.n_steps) * h),
              sim->value.get<double>());
  }

  read_populations(rd, root, h, net);
  net.optimizer = read_optimizer(rd, root);  // before the connections: it bounds the plastic weights
  read_connections(rd, root, h, net);
  read_input_spikes(rd, root, h, net);
  read_extra_generators(rd, root, h, net);
  read_targets(rd, root, h, net);
  read_loss(rd, root, rc);
  return rc;
}

}  // namespace

ReferenceCase load_reference_case(const std::filesystem::path& file) {
  try {
    const CaseReader rd(file);
    return decode(rd, parse_file(file));
  } catch (const CaseFileError&) {
    throw;
  } catch (const std::exception& e) {  // e.g. bad_alloc, or a library error the checks did not foresee
    throw CaseFileError(file, "", std::string("cannot load: ") + e.what());
  }
}

}  // namespace eligo
