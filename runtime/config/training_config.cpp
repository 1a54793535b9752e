// Loader of the native config format (proto/eligo/config.proto).
//
// Three stages, each of which reports every problem as a ConfigError naming the file and the field:
//   1. text → JSON document: JSON is parsed as is; YAML is converted node by node (YAML 1.2 core
//      schema for unquoted scalars). Duplicate keys are refused in both, since both parsers would
//      otherwise keep one of them silently.
//   2. JSON → TrainingConfig message with protobuf's JSON parser, unknown fields refused: a misspelt
//      key or a wrong type is an error, never a silently ignored setting.
//   3. message → TrainingSetup: everything the schema cannot express (model and parameter names,
//      NEST's parameter ranges, population sizes, supported connection patterns, task timing).
#include "runtime/config/training_config.hpp"

#include <config.pb.h>  // generated from proto/eligo/config.proto (eligo_proto)
#include <google/protobuf/util/json_util.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "runtime/data/tasks/classification_task.hpp"
#include "runtime/data/tasks/nmnist_task.hpp"
#include "runtime/data/tasks/sine_wave_task.hpp"
#include "runtime/models/model_parameters.hpp"
#include "runtime/models/parameter_checks.hpp"

namespace eligo {

namespace {

namespace fs = std::filesystem;
namespace pb = ::eligo::config;
using json = nlohmann::json;
using google::protobuf::Value;

// Larger populations are a typo, not a network (the same bound as the reference case loader).
constexpr std::int64_t kMaxPopulation = 100'000'000;
// The task's input spikes and targets are stored step by step for the whole run (NetworkDescription),
// so a longer task is refused rather than left to exhaust memory. 1e7 steps is 2.8 h at h = 1 ms.
constexpr std::int64_t kMaxTaskSteps = 10'000'000;
// The same storage, in entries (input spike steps plus target samples): about 4 GB at 16 bytes each.
constexpr double kMaxTaskEntries = 2.5e8;
// Synapses of one block: at about 50 bytes each, 1e9 synapses would need 50 GB.
constexpr double kMaxBlockSynapses = 1e9;

// ---------------------------------------------------------------------------------------------------
// Formatting and reporting.

std::string show(double x) { return format_number(x); }

std::string in_quotes(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string member(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}
std::string element(const std::string& path, std::size_t index) { return path + "[" + std::to_string(index) + "]"; }

class Reporter : public FieldReporter<ConfigError> {
 public:
  using FieldReporter::FieldReporter;
  std::int64_t integer(std::int64_t x, const std::string& field, std::int64_t lo, std::int64_t hi) const {
    if (x < lo || x > hi)
      fail(field,
           "must be between " + std::to_string(lo) + " and " + std::to_string(hi) + " (got " + std::to_string(x) + ")");
    return x;
  }
};

template <class E>
using Choice = NamedValue<E>;

template <class E, std::size_t N>
E choose(const Reporter& r, const std::string& field, const std::string& s, const Choice<E> (&options)[N]) {
  std::string names;
  for (const auto& o : options) {
    if (s == o.name) return o.value;
    names += (names.empty() ? "" : ", ") + std::string(o.name);
  }
  r.fail(field,
         (s.empty() ? std::string("missing") : "unknown value " + in_quotes(s)) + " (expected one of: " + names + ")");
}

template <class E, std::size_t N>
std::string name_of(E value, const Choice<E> (&options)[N]) {
  for (const auto& o : options)
    if (o.value == value) return std::string(o.name);
  return "?";
}

// ---------------------------------------------------------------------------------------------------
// Stage 1: text → JSON document.

std::string read_text(const Reporter& r) {
  std::error_code ec;
  if (!fs::exists(r.file(), ec)) r.fail("", "no such file");
  if (!fs::is_regular_file(r.file(), ec)) r.fail("", "not a regular file");
  std::ifstream in(r.file(), std::ios::binary);
  if (!in) r.fail("", std::string("cannot open for reading: ") + std::strerror(errno));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) r.fail("", "read error");
  return text;
}

std::string at_line(const YAML::Mark& mark) { return " (line " + std::to_string(mark.line + 1) + ")"; }

// An unquoted YAML scalar typed by the YAML 1.2 core schema. Infinities and NaN become the strings
// protobuf's JSON mapping uses for them, since JSON has no literal for either.
json plain_scalar(const std::string& s) {
  static const std::regex boolean("true|True|TRUE|false|False|FALSE");
  static const std::regex integer("[-+]?[0-9]+");
  static const std::regex floating(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  static const std::regex infinity(R"([-+]?\.(inf|Inf|INF))");
  static const std::regex nan(R"(\.(nan|NaN|NAN))");
  if (std::regex_match(s, boolean)) return s[0] == 't' || s[0] == 'T';
  const std::string digits = !s.empty() && s[0] == '+' ? s.substr(1) : s;  // from_chars takes no '+'
  const char* first = digits.data();
  const char* last = first + digits.size();
  if (std::regex_match(s, integer)) {
    std::int64_t i = 0;
    if (std::from_chars(first, last, i).ec == std::errc()) return i;
    std::uint64_t u = 0;
    if (std::from_chars(first, last, u).ec == std::errc()) return u;
  }
  if (std::regex_match(s, floating) || std::regex_match(s, integer)) {
    double x = 0.0;
    const auto res = std::from_chars(first, last, x);
    if (res.ec == std::errc() && std::isfinite(x)) return x;
    return s;  // out of the double range: protobuf reports it as a wrong value for the field
  }
  if (std::regex_match(s, infinity)) return s[0] == '-' ? "-Infinity" : "Infinity";
  if (std::regex_match(s, nan)) return "NaN";
  return s;
}

json yaml_to_json(const YAML::Node& node, const Reporter& r, const std::string& path) {
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return nullptr;
    case YAML::NodeType::Scalar:
      // "!" marks a quoted scalar: always a string, so size: "10" stays text.
      if (node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str") return node.Scalar();
      if (node.Tag() != "?") r.fail(path, "unsupported YAML tag " + node.Tag() + at_line(node.Mark()));
      return plain_scalar(node.Scalar());
    case YAML::NodeType::Sequence: {
      json array = json::array();
      for (const YAML::Node& item : node) array.push_back(yaml_to_json(item, r, element(path, array.size())));
      return array;
    }
    case YAML::NodeType::Map: {
      json object = json::object();
      for (const auto& entry : node) {
        if (!entry.first.IsScalar()) r.fail(path, "keys must be plain names" + at_line(entry.first.Mark()));
        const std::string& key = entry.first.Scalar();
        const std::string field = member(path, key);
        if (object.contains(key)) r.fail(field, "duplicate key" + at_line(entry.first.Mark()));
        object[key] = yaml_to_json(entry.second, r, field);
      }
      return object;
    }
  }
  return nullptr;
}

json parse_yaml(const std::string& text, const Reporter& r) {
  try {
    const std::vector<YAML::Node> documents = YAML::LoadAll(text);
    if (documents.size() > 1)
      r.fail("", "holds " + std::to_string(documents.size()) + " YAML documents (expected one)");
    return documents.empty() ? json() : yaml_to_json(documents.front(), r, "");
  } catch (const YAML::Exception& e) {
    r.fail("", "malformed YAML at line " + std::to_string(e.mark.line + 1) + ", column " +
                   std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
}

// Follows nlohmann's parse events to know the path of the key being read, so that a duplicate key
// is reported with its field.
class DuplicateKeyCheck {
 public:
  explicit DuplicateKeyCheck(const Reporter& r) : r_(r) {}

  bool operator()(int /*depth*/, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
        frames_.emplace_back(false);
        break;
      case json::parse_event_t::array_start:
        frames_.emplace_back(true);
        break;
      case json::parse_event_t::key: {
        Frame& f = frames_.back();
        f.key = parsed.get<std::string>();
        if (!f.keys.insert(f.key).second) r_.fail(path(), "duplicate key");
        break;
      }
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        frames_.pop_back();
        element_done();
        break;
      case json::parse_event_t::value:
        element_done();
        break;
    }
    return true;
  }

 private:
  struct Frame {
    explicit Frame(bool is_array) : array(is_array) {}
    bool array;
    std::size_t index = 0;
    std::string key;
    std::set<std::string> keys;
  };

  void element_done() {
    if (!frames_.empty() && frames_.back().array) ++frames_.back().index;
  }
  std::string path() const {
    std::string p;
    for (const Frame& f : frames_) p = f.array ? element(p, f.index) : member(p, f.key);
    return p;
  }

  const Reporter& r_;
  std::vector<Frame> frames_;
};

json parse_json(const std::string& text, const Reporter& r) {
  try {
    return json::parse(text, DuplicateKeyCheck(r));
  } catch (const json::exception& e) {
    // what() reads "[json.exception.parse_error.101] parse error at line 3, column 5: …".
    const std::string what = e.what();
    const auto tag_end = what.find("] ");
    r.fail("", "malformed JSON: " + (tag_end == std::string::npos ? what : what.substr(tag_end + 2)));
  }
}

json parse_document(const std::string& text, const Reporter& r) {
  const std::string ext = r.file().extension().string();
  if (ext == ".yaml" || ext == ".yml") return parse_yaml(text, r);
  if (ext == ".json") return parse_json(text, r);
  r.fail("", "unknown config format " + in_quotes(ext) + " (expected .yaml, .yml or .json)");
}

// ---------------------------------------------------------------------------------------------------
// Stage 2: JSON document → TrainingConfig.

// Protobuf's wording, made readable: "invalid value \"ten\" for type TYPE_INT64" → "must be an integer
// (got \"ten\")", "Cannot find field." → "unknown field".
std::string reword_protobuf_problem(const std::string& problem) {
  static const std::regex invalid_value("invalid value (.*) for type TYPE_([A-Z0-9]+)");
  static const std::pair<std::string_view, std::string_view> kinds[] = {
      {"INT64", "an integer"}, {"INT32", "an integer"}, {"UINT64", "an integer >= 0"}, {"UINT32", "an integer >= 0"},
      {"DOUBLE", "a number"},  {"FLOAT", "a number"},   {"STRING", "a string"},        {"BOOL", "true or false"},
  };
  std::smatch m;
  if (std::regex_match(problem, m, invalid_value)) {
    std::string kind = "of type " + m[2].str();
    for (const auto& [type, words] : kinds)
      if (m[2].str() == type) kind = words;
    return "must be " + kind + " (got " + m[1].str() + ")";
  }
  if (problem == "Cannot find field.") return "unknown field (not in the schema proto/eligo/config.proto)";
  return problem;
}

// protobuf 3.21 writes "(a.b[1].c): problem", "(a.b) key: problem" or "key: problem".
std::pair<std::string, std::string> split_protobuf_error(const std::string& message) {
  std::string field;
  std::string rest = message;
  if (rest.starts_with('(')) {
    const auto close = rest.find(')');
    if (close != std::string::npos) {
      field = rest.substr(1, close - 1);
      rest = rest.substr(close + 1);
    }
  }
  if (rest.starts_with(": ")) return {field, reword_protobuf_problem(rest.substr(2))};
  if (rest.starts_with(' ')) rest = rest.substr(1);
  const auto colon = rest.find(": ");
  if (colon == std::string::npos) return {field, reword_protobuf_problem(rest)};
  return {member(field, rest.substr(0, colon)), reword_protobuf_problem(rest.substr(colon + 2))};
}

pb::TrainingConfig to_message(const json& document, const Reporter& r) {
  if (document.is_null()) r.fail("", "is empty");
  if (!document.is_object()) r.fail("", "must be a mapping of the fields of proto/eligo/config.proto");
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  pb::TrainingConfig config;
  const std::string text = document.dump(-1, ' ', false, json::error_handler_t::replace);
  const auto status = google::protobuf::util::JsonStringToMessage(text, &config, options);
  if (!status.ok()) {
    const auto [field, problem] = split_protobuf_error(std::string(status.message()));
    r.fail(field, problem);
  }
  return config;
}

// ---------------------------------------------------------------------------------------------------
// Stage 3a: populations and their parameters.

enum class Role { input, recurrent, readout };

struct ModelInfo {
  Role role;
  RecurrentModel recurrent_model;  // meaningful for Role::recurrent
};

constexpr Choice<ModelInfo> kModels[] = {
    {"parrot", {Role::input, {}}},
    {"eprop_iaf", {Role::recurrent, RecurrentModel::eprop_iaf}},
    {"eprop_iaf_adapt", {Role::recurrent, RecurrentModel::eprop_iaf_adapt}},
    {"eprop_iaf_psc_delta", {Role::recurrent, RecurrentModel::eprop_iaf_psc_delta}},
    {"eprop_iaf_psc_delta_adapt", {Role::recurrent, RecurrentModel::eprop_iaf_psc_delta_adapt}},
    {"eprop_readout", {Role::readout, {}}},
};

const char* role_name(Role role) {
  switch (role) {
    case Role::input:
      return "input";
    case Role::recurrent:
      return "recurrent";
    case Role::readout:
      return "readout";
  }
  return "?";
}

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;  // for compilers without C++20 aggregate deduction (clang 14)

// A parameter value as the user wrote it, for messages.
std::string show(const Value& v) {
  switch (v.kind_case()) {
    case Value::kNumberValue:
      return show(v.number_value());
    case Value::kStringValue:
      return in_quotes(v.string_value());
    case Value::kBoolValue:
      return v.bool_value() ? "true" : "false";
    case Value::kStructValue:
      return "a mapping";
    case Value::kListValue:
      return "a list";
    default:
      return "null";
  }
}

double number_value(const Reporter& r, const Value& v, const std::string& field, bool may_be_infinite) {
  if (v.kind_case() == Value::kNumberValue) return v.number_value();
  if (may_be_infinite && v.kind_case() == Value::kStringValue &&
      (v.string_value() == "inf" || v.string_value() == "Infinity"))
    return kInf;
  r.fail(field, std::string(may_be_infinite ? "must be a number or \"inf\"" : "must be a finite number") + " (got " +
                    show(v) + ")");
}

// Keys present overwrite the NEST defaults already in `params`. Keys are visited in sorted order so
// that the first problem reported does not depend on protobuf's map order.
template <class P, std::size_t N>
void read_params(const Reporter& r, const google::protobuf::Struct& dict, const std::string& path,
                 const std::string& model_name, ModelSet model, P& params, const ModelParameter<P> (&table)[N]) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : dict.fields()) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  for (const std::string& key : keys) {
    const std::string field = member(path, key);
    const auto spec =
        std::find_if(std::begin(table), std::end(table), [&](const ModelParameter<P>& p) { return p.name == key; });
    if (spec == std::end(table) || !spec->taken_by(model)) {
      std::string names;
      for (const ModelParameter<P>& p : table)
        if (p.taken_by(model)) names += (names.empty() ? "" : ", ") + std::string(p.name);
      r.fail(field, "unknown parameter " + in_quotes(key) + " of " + model_name + " (known: " + names + ")");
    }
    const Value& v = dict.fields().at(key);
    std::visit(Overloaded{
                   [&](double P::*m) { params.*m = number_value(r, v, field, spec->may_be_infinite); },
                   [&](bool P::*m) {
                     if (v.kind_case() != Value::kBoolValue)
                       r.fail(field, "must be true or false (got " + show(v) + ")");
                     params.*m = v.bool_value();
                   },
                   [&](SurrogateFunction P::*m) {
                     if (v.kind_case() != Value::kStringValue) r.fail(field, "must be a string (got " + show(v) + ")");
                     params.*m = choose(r, field, v.string_value(), kSurrogateFunctionNames);
                   },
               },
               spec->member);
  }
}

// The checks NEST's set_status makes (parameter_checks.hpp), reported at the parameter's field.
void validate(const Reporter& r, const std::optional<ParameterProblem>& problem, const std::string& path) {
  if (problem) r.fail(member(path, problem->parameter), problem->problem);
}

struct PopulationRef {
  std::string name;
  Role role;
  std::uint32_t size;
  std::string field;  // "populations[i]"
};

void read_population_params(const Reporter& r, const pb::Population& p, const std::string& field, ModelInfo info,
                            double h, NetworkDescription& net) {
  const std::string path = member(field, "params");
  switch (info.role) {
    case Role::input:
      read_params(r, p.params(), path, p.model(), kAnyModel, net.input, kInputParameters);
      validate(r, check_input(net.input, h), path);
      break;
    case Role::recurrent:
      net.rec_model = info.recurrent_model;
      read_params(r, p.params(), path, p.model(), model_bit(info.recurrent_model), net.rec, kRecurrentParameters);
      validate(r, check_recurrent(net.rec, info.recurrent_model, h), path);
      break;
    case Role::readout:
      read_params(r, p.params(), path, p.model(), kAnyModel, net.out, kReadoutParameters);
      validate(r, check_readout(net.out, h), path);
      break;
  }
}

std::uint32_t& population_size(NetworkDescription& net, Role role) {
  switch (role) {
    case Role::input:
      return net.n_in;
    case Role::recurrent:
      return net.n_rec;
    case Role::readout:
      return net.n_out;
  }
  return net.n_out;  // unreachable: every role is handled above
}

std::vector<PopulationRef> read_populations(const Reporter& r, const pb::TrainingConfig& c, double h,
                                            NetworkDescription& net) {
  std::vector<PopulationRef> pops;
  for (int i = 0; i < c.populations_size(); ++i) {
    const pb::Population& p = c.populations(i);
    const std::string field = element("populations", static_cast<std::size_t>(i));
    if (p.name().empty()) r.fail(member(field, "name"), "missing (connections refer to populations by name)");
    for (const PopulationRef& other : pops)
      if (other.name == p.name())
        r.fail(member(field, "name"), in_quotes(p.name()) + " is also the name of " + other.field);
    const ModelInfo info = choose(r, member(field, "model"), p.model(), kModels);
    for (const PopulationRef& other : pops)
      if (other.role == info.role)
        r.fail(member(field, "model"), "a second " + std::string(role_name(info.role)) + " population (the first is " +
                                           other.field + "); the engine runs one population of each kind");
    const auto size = static_cast<std::uint32_t>(r.integer(p.size(), member(field, "size"), 1, kMaxPopulation));
    population_size(net, info.role) = size;
    read_population_params(r, p, field, info, h, net);
    pops.push_back({p.name(), info.role, size, field});
  }
  for (Role role : {Role::input, Role::recurrent, Role::readout}) {
    if (std::none_of(pops.begin(), pops.end(), [&](const PopulationRef& p) { return p.role == role; }))
      r.fail("populations", std::string("no ") + role_name(role) + " population (models: parrot for the input, " +
                                "eprop_iaf[_adapt] or eprop_iaf_psc_delta[_adapt] for the recurrent, eprop_readout)");
  }
  return pops;
}

// ---------------------------------------------------------------------------------------------------
// Stage 3b: optimizer (docs/numerics.md §10). Absent fields keep NEST's defaults (OptimizerParams).

OptimizerParams read_optimizer(const Reporter& r, const pb::TrainingConfig& c) {
  OptimizerParams p;
  const pb::Optimizer& o = c.optimizer();
  const std::string path = "optimizer";
  const auto f = [&](std::string_view key) { return member(path, key); };
  if (!o.type().empty()) p.type = choose(r, f("type"), o.type(), kOptimizerTypeNames);
  if (o.has_batch_size()) p.batch_size = r.integer(o.batch_size(), f("batch_size"), 1, INT64_MAX);
  if (o.has_optimize_each_step()) p.optimize_each_step = o.optimize_each_step();
  const bool adam = p.type == OptimizerType::adam;
  const struct {
    std::string_view name;
    bool present;
    double value;
    double* target;
    bool used;
  } numbers[] = {
      {"eta", o.has_eta(), o.eta(), &p.eta, true},
      {"Wmin", o.has_wmin(), o.wmin(), &p.Wmin, true},
      {"Wmax", o.has_wmax(), o.wmax(), &p.Wmax, true},
      {"beta_1", o.has_beta_1(), o.beta_1(), &p.beta_1, adam},
      {"beta_2", o.has_beta_2(), o.beta_2(), &p.beta_2, adam},
      {"epsilon", o.has_epsilon(), o.epsilon(), &p.epsilon, adam},
  };
  for (const auto& n : numbers) {
    if (!n.present) continue;
    if (!n.used) r.fail(f(n.name), "is only used by the optimizer type adam");
    *n.target = n.value;
  }
  r.expect(p.eta >= 0.0 && std::isfinite(p.eta), f("eta"), ">= 0 and finite", p.eta);
  r.expect(p.Wmin <= p.Wmax, f("Wmin"), "<= Wmax = " + show(p.Wmax), p.Wmin);
  if (adam) {
    r.expect(p.beta_1 >= 0.0 && p.beta_1 < 1.0, f("beta_1"), "in [0, 1)", p.beta_1);
    r.expect(p.beta_2 >= 0.0 && p.beta_2 < 1.0, f("beta_2"), "in [0, 1)", p.beta_2);
    r.expect(p.epsilon > 0.0 && std::isfinite(p.epsilon), f("epsilon"), "> 0 and finite", p.epsilon);
  }
  return p;
}

// ---------------------------------------------------------------------------------------------------
// Stage 3c: connections. Each block becomes a GeneratedConnections rule that the engine expands per
// target from (network seed, stream, target); stream = 1 + the block's index in the file, so blocks
// never share random numbers.

// The four blocks of NetworkDescription, by (source role, target role).
struct BlockKind {
  Role source, target;
  std::string_view label;
  std::optional<GeneratedConnections> NetworkDescription::*slot;
  Step NetworkDescription::*delay;
  bool NetworkDescription::*plastic;  // null: the block cannot be static (feedback)
  std::string_view synapse;           // the only synapse model NEST's e-prop allows there
  bool required;
};

constexpr BlockKind kBlocks[] = {
    {Role::input, Role::recurrent, "input → recurrent", &NetworkDescription::in_rec_rule,
     &NetworkDescription::in_rec_delay, &NetworkDescription::in_rec_plastic, "eprop", true},
    {Role::recurrent, Role::recurrent, "recurrent → recurrent", &NetworkDescription::rec_rec_rule,
     &NetworkDescription::rec_rec_delay, &NetworkDescription::rec_rec_plastic, "eprop", false},
    {Role::recurrent, Role::readout, "recurrent → readout", &NetworkDescription::rec_out_rule,
     &NetworkDescription::rec_out_delay, &NetworkDescription::rec_out_plastic, "eprop", true},
    {Role::readout, Role::recurrent, "readout → recurrent", &NetworkDescription::out_rec_feedback_rule,
     &NetworkDescription::feedback_delay, nullptr, "feedback", true},
};

constexpr std::string_view kSupportedBlocks =
    "input → recurrent, recurrent → recurrent, recurrent → readout (synapse eprop) and readout → recurrent "
    "(synapse feedback)";

constexpr Choice<ConnectionRule> kRules[] = {
    {"all_to_all", ConnectionRule::all_to_all},
    {"one_to_one", ConnectionRule::one_to_one},
    {"fixed_indegree", ConnectionRule::fixed_indegree},
    {"pairwise_bernoulli", ConnectionRule::pairwise_bernoulli},
};

constexpr Choice<WeightKind> kWeightKinds[] = {
    {"constant", WeightKind::constant},
    {"normal", WeightKind::normal},
    {"uniform", WeightKind::uniform},
};

const PopulationRef& find_population(const Reporter& r, const std::vector<PopulationRef>& pops, const std::string& name,
                                     const std::string& field) {
  std::string names;
  for (const PopulationRef& p : pops) {
    if (p.name == name) return p;
    names += (names.empty() ? "" : ", ") + p.name;
  }
  r.fail(field, (name.empty() ? std::string("missing") : "unknown population " + in_quotes(name)) +
                    " (populations: " + names + ")");
}

// A parameter that one value of a selector (rule, distribution) needs and the others do not take.
void expect_presence(const Reporter& r, bool present, bool used, const std::string& field, const std::string& user) {
  if (used && !present) r.fail(field, "missing (required by " + user + ")");
  if (!used && present) r.fail(field, "is only used by " + user);
}

WeightDistribution read_weight(const Reporter& r, const pb::Weight& w, const std::string& path) {
  WeightDistribution d;
  d.kind = w.distribution().empty() ? WeightKind::constant
                                    : choose(r, member(path, "distribution"), w.distribution(), kWeightKinds);
  d.value = 1.0;  // NEST's default weight of eprop_synapse and eprop_learning_signal_connection (docs/numerics.md §13)
  const struct {
    std::string_view name;
    bool present;
    double value;
    double WeightDistribution::*target;
    WeightKind kind;
  } fields[] = {
      {"value", w.has_value(), w.value(), &WeightDistribution::value, WeightKind::constant},
      {"mean", w.has_mean(), w.mean(), &WeightDistribution::mean, WeightKind::normal},
      {"std", w.has_std(), w.std(), &WeightDistribution::std, WeightKind::normal},
      {"low", w.has_low(), w.low(), &WeightDistribution::low, WeightKind::uniform},
      {"high", w.has_high(), w.high(), &WeightDistribution::high, WeightKind::uniform},
      {"scale", w.has_scale(), w.scale(), &WeightDistribution::scale, d.kind},  // every distribution
  };
  for (const auto& f : fields) {
    if (!f.present) continue;
    const std::string field = member(path, f.name);
    if (f.kind != d.kind) r.fail(field, "is not used by distribution " + name_of(d.kind, kWeightKinds));
    r.expect(std::isfinite(f.value), field, "finite", f.value);
    d.*f.target = f.value;
  }
  d.scale_by_sqrt_fan_in = w.scale_by_sqrt_fan_in();
  return d;
}

GeneratedConnections read_rule(const Reporter& r, const pb::Connection& c, const std::string& path) {
  GeneratedConnections g;
  g.rule = choose(r, member(path, "rule"), c.rule(), kRules);
  const bool indegree = g.rule == ConnectionRule::fixed_indegree;
  const bool bernoulli = g.rule == ConnectionRule::pairwise_bernoulli;
  expect_presence(r, c.has_indegree(), indegree, member(path, "indegree"), "rule fixed_indegree");
  expect_presence(r, c.has_probability(), bernoulli, member(path, "probability"), "rule pairwise_bernoulli");
  if (indegree)
    g.indegree = static_cast<std::uint32_t>(r.integer(c.indegree(), member(path, "indegree"), 0, kMaxPopulation));
  if (bernoulli) g.probability = c.probability();
  if (c.has_allow_autapses()) g.allow_autapses = c.allow_autapses();
  if (c.has_allow_multapses()) g.allow_multapses = c.allow_multapses();
  g.weight = read_weight(r, c.weight(), member(path, "weight"));
  return g;
}

constexpr Step kMaxDelaySteps = 1000;

// Returns the delay in steps (1 when absent). Delays longer than one step are an eligo extension
// (network_description.hpp); NEST's e-prop accepts only one step.
Step read_synapse_and_delay(const Reporter& r, const pb::Connection& c, const std::string& path, const BlockKind& block,
                            double h, NetworkDescription& net) {
  const std::string& synapse = c.synapse();
  if (synapse == "static" && block.plastic != nullptr) {
    net.*block.plastic = false;  // fixed weights: the block takes no part in learning
  } else if (!synapse.empty() && synapse != block.synapse)
    r.fail(member(path, "synapse"), "must be " + in_quotes(block.synapse) +
                                        (block.plastic != nullptr ? " or \"static\"" : "") + " for a " +
                                        std::string(block.label) + " connection (got " + in_quotes(synapse) + ")");
  if (!c.has_delay_ms()) return 1;
  const double ms = c.delay_ms();
  // The range test first: it keeps absurd values away from the integer conversion.
  r.expect(std::isfinite(ms) && ms / h >= 0.5 && ms / h < static_cast<double>(kMaxDelaySteps) + 0.5 &&
               std::fabs(ms / h - std::round(ms / h)) < 1e-9,
           member(path, "delay_ms"),
           "a whole number of steps (" + show(h) + " ms each) from 1 to " + std::to_string(kMaxDelaySteps), ms);
  return ms_to_steps(ms, h);
}

double expected_synapses(const GeneratedConnections& g, std::uint32_t n_source, std::uint32_t n_target) {
  const double s = n_source, t = n_target;
  switch (g.rule) {
    case ConnectionRule::all_to_all:
      return s * t;
    case ConnectionRule::one_to_one:
      return t;
    case ConnectionRule::fixed_indegree:
      return static_cast<double>(g.indegree) * t;
    case ConnectionRule::pairwise_bernoulli:
      return g.probability * s * t;
  }
  return 0.0;
}

void read_connections(const Reporter& r, const pb::TrainingConfig& c, const std::vector<PopulationRef>& pops, double h,
                      NetworkDescription& net) {
  std::string first_of[std::size(kBlocks)];  // field of the connection that filled each block
  for (int i = 0; i < c.connections_size(); ++i) {
    const pb::Connection& conn = c.connections(i);
    const std::string path = element("connections", static_cast<std::size_t>(i));
    const PopulationRef& src = find_population(r, pops, conn.source(), member(path, "source"));
    const PopulationRef& tgt = find_population(r, pops, conn.target(), member(path, "target"));
    const auto block = std::find_if(std::begin(kBlocks), std::end(kBlocks),
                                    [&](const BlockKind& b) { return b.source == src.role && b.target == tgt.role; });
    if (block == std::end(kBlocks))
      r.fail(member(path, "target"), std::string("connections from the ") + role_name(src.role) + " population " +
                                         in_quotes(src.name) + " to the " + role_name(tgt.role) + " population " +
                                         in_quotes(tgt.name) + " are not supported; supported are " +
                                         std::string(kSupportedBlocks));
    std::string& first = first_of[block - std::begin(kBlocks)];
    if (!first.empty())
      r.fail(path, "a second " + std::string(block->label) + " block (the first is " + first +
                       "); give all of its connections in one block");
    first = path;
    net.*block->delay = read_synapse_and_delay(r, conn, path, *block, h, net);
    GeneratedConnections g = read_rule(r, conn, path);
    g.stream = static_cast<std::uint64_t>(i) + 1;
    const std::string problem = validate(g, src.size, tgt.size, src.name == tgt.name);
    if (!problem.empty()) r.fail(path, problem);
    const double synapses = expected_synapses(g, src.size, tgt.size);
    if (synapses > kMaxBlockSynapses) {
      r.fail(path, "would create about " + show(synapses) + " synapses, more than " + show(kMaxBlockSynapses) +
                       " fit in any machine's memory at about 50 bytes each");
    }
    net.*block->slot = g;
  }
  for (std::size_t b = 0; b < std::size(kBlocks); ++b) {
    if (kBlocks[b].required && first_of[b].empty())
      r.fail("connections", "no " + std::string(kBlocks[b].label) + " block; e-prop needs " +
                                std::string(kSupportedBlocks) + " (recurrent → recurrent is optional)");
  }
  if (!net.rec_rec_rule) net.rec_rec_delay = net.in_rec_delay;  // no such block: it must not shorten slices
  const Step into_rec = std::min(net.in_rec_delay, net.rec_rec_delay);
  if (net.feedback_delay > into_rec) {
    r.fail(member(first_of[3], "delay_ms"),
           "the feedback delay (" + std::to_string(net.feedback_delay) +
               " steps) may not exceed the delays of the spikes into the recurrent population (" +
               std::to_string(into_rec) + " steps): a spike would read learning signals that have not arrived");
  }
}

// ---------------------------------------------------------------------------------------------------
// Stage 3d: training length and task.

enum class TaskKind { sine_wave, evidence_accumulation, nmnist };
constexpr Choice<TaskKind> kTaskKinds[] = {{"sine_wave", TaskKind::sine_wave},
                                           {"evidence_accumulation", TaskKind::evidence_accumulation},
                                           {"nmnist", TaskKind::nmnist}};

// The task fields each kind reads; any other field that is set is refused, so that a setting of
// another kind is never silently ignored.
const std::set<std::string>& task_fields(TaskKind kind) {
  static const std::set<std::string> sine{"kind",          "sequence_steps", "input_rate_hz",     "periods_steps",
                                          "amplitude_low", "amplitude_high", "final_update_spike"};
  static const std::set<std::string> evidence{
      "kind",         "sequence_steps", "final_update_spike", "learning_window_steps",
      "target_value", "cues",           "cue_steps",          "spacing_steps",
      "delay_steps",  "recall_steps",   "cue_probability",    "spike_probability",
      "test_samples"};
  static const std::set<std::string> nmnist{
      "kind",         "sequence_steps", "final_update_spike", "learning_window_steps",
      "target_value", "data_dir",       "test_samples"};
  switch (kind) {
    case TaskKind::sine_wave:
      return sine;
    case TaskKind::evidence_accumulation:
      return evidence;
    case TaskKind::nmnist:
      return nmnist;
  }
  return sine;
}

void refuse_other_kinds_fields(const Reporter& r, const pb::Task& t, TaskKind kind) {
  std::vector<const google::protobuf::FieldDescriptor*> set_fields;
  t.GetReflection()->ListFields(t, &set_fields);
  for (const auto* f : set_fields) {
    if (!task_fields(kind).contains(f->name()))
      r.fail(member("task", f->name()), "is not a setting of task kind " + in_quotes(t.kind()));
  }
}

std::int64_t read_iterations(const Reporter& r, const pb::TrainingConfig& c, const ConfigOverrides& overrides) {
  const pb::Training& t = c.training();
  if (overrides.iterations)
    return r.integer(*overrides.iterations, "training.iterations (overridden)", 1, kMaxTaskSteps);
  return r.integer(t.iterations(), "training.iterations", 1, kMaxTaskSteps);
}

// Refuses a task longer than kMaxTaskSteps steps.
void check_task_steps(const Reporter& r, std::int64_t sequence, std::int64_t sequences) {
  if (sequence > kMaxTaskSteps / sequences)
    r.fail("training.iterations", "sequence_steps × sequences must be at most " + std::to_string(kMaxTaskSteps) +
                                      " steps (got " + std::to_string(sequence) + " × " + std::to_string(sequences) +
                                      ")");
}

SineWaveTaskParams read_sine_wave(const Reporter& r, const pb::Task& t, std::int64_t iterations, std::uint64_t seed,
                                  double h) {
  SineWaveTaskParams p;
  p.seed = seed;
  p.iterations = iterations;
  if (t.has_sequence_steps()) p.sequence = r.integer(t.sequence_steps(), "task.sequence_steps", 1, kMaxTaskSteps);
  check_task_steps(r, p.sequence, p.iterations);
  if (t.has_input_rate_hz()) p.input_rate_hz = t.input_rate_hz();
  const double max_rate = 1000.0 / h;  // one spike per step
  r.expect(p.input_rate_hz >= 0.0 && p.input_rate_hz <= max_rate, "task.input_rate_hz",
           "in [0, " + show(max_rate) + "] Hz (at most one spike per step)", p.input_rate_hz);
  if (t.periods_steps_size() > 0) {
    if (t.periods_steps_size() != 4)
      r.fail("task.periods_steps",
             "must list 4 periods, one per sine (got " + std::to_string(t.periods_steps_size()) + ")");
    for (int j = 0; j < 4; ++j) {
      p.periods_steps[j] = t.periods_steps(j);
      r.expect(p.periods_steps[j] > 0.0 && std::isfinite(p.periods_steps[j]),
               element("task.periods_steps", static_cast<std::size_t>(j)), "> 0 and finite", p.periods_steps[j]);
    }
  }
  if (t.has_amplitude_low()) p.amplitude_low = t.amplitude_low();
  if (t.has_amplitude_high()) p.amplitude_high = t.amplitude_high();
  r.expect(std::isfinite(p.amplitude_low), "task.amplitude_low", "finite", p.amplitude_low);
  r.expect(std::isfinite(p.amplitude_high) && p.amplitude_high >= p.amplitude_low, "task.amplitude_high",
           "finite and >= amplitude_low = " + show(p.amplitude_low), p.amplitude_high);
  if (t.has_final_update_spike()) p.final_update_spike = t.final_update_spike();
  return p;
}

TaskTiming lay_out_sine_wave(const Reporter& r, const pb::TrainingConfig& c, std::int64_t iterations,
                             std::uint64_t seed, NetworkDescription& net) {
  if (c.training().has_group_size() && c.training().group_size() != 1)
    r.fail("training.group_size", "must be 1 for the sine_wave task: an iteration is one sequence (got " +
                                      std::to_string(c.training().group_size()) + ")");
  const SineWaveTaskParams task = read_sine_wave(r, c.task(), iterations, seed, net.resolution_ms);
  // The task is stored step by step for the whole run: refuse what would exhaust memory.
  const double steps = static_cast<double>(task.sequence) * static_cast<double>(task.iterations);
  const double entries = steps * (net.n_in * task.input_rate_hz * net.resolution_ms / 1000.0 + net.n_out);
  if (entries > kMaxTaskEntries) {
    r.fail("task", "would store about " + show(std::round(entries)) + " input spikes and target samples (" +
                       show(std::round(entries * 16 / 1e9)) + " GB); lower training.iterations, " +
                       "task.sequence_steps, task.input_rate_hz or the input and readout sizes");
  }
  return make_sine_wave_task(net, task);
}

EvidenceAccumulationParams read_evidence(const Reporter& r, const pb::Task& t, const NetworkDescription& net) {
  EvidenceAccumulationParams p;
  constexpr std::int64_t kMaxPhase = 1'000'000;
  if (t.has_cues()) p.cues = r.integer(t.cues(), "task.cues", 1, 1000);
  if (t.has_cue_steps()) p.cue_steps = r.integer(t.cue_steps(), "task.cue_steps", 1, kMaxPhase);
  if (t.has_spacing_steps()) p.spacing_steps = r.integer(t.spacing_steps(), "task.spacing_steps", 0, kMaxPhase);
  if (t.has_delay_steps()) p.delay_steps = r.integer(t.delay_steps(), "task.delay_steps", 0, kMaxPhase);
  if (t.has_recall_steps()) p.recall_steps = r.integer(t.recall_steps(), "task.recall_steps", 1, kMaxPhase);
  if (t.has_cue_probability()) p.cue_probability = t.cue_probability();
  r.expect(p.cue_probability >= 0.0 && p.cue_probability <= 0.5, "task.cue_probability", "in [0, 0.5]",
           p.cue_probability);
  if (t.has_spike_probability()) p.spike_probability = t.spike_probability();
  r.expect(p.spike_probability >= 0.0 && p.spike_probability <= 1.0, "task.spike_probability", "in [0, 1]",
           p.spike_probability);
  if (t.has_sequence_steps() && t.sequence_steps() != p.sequence())
    r.fail("task.sequence_steps", "must equal cues × (cue_steps + spacing_steps) + delay_steps + recall_steps = " +
                                      std::to_string(p.sequence()) + " (got " + std::to_string(t.sequence_steps()) +
                                      "); leave it out");
  if (net.n_in % 4 != 0)
    r.fail("populations",
           "the evidence_accumulation task needs an input population of a multiple of 4 neurons "
           "(left, right, recall, noise), not " +
               std::to_string(net.n_in));
  if (net.n_out != 2)
    r.fail("populations",
           "the evidence_accumulation task needs 2 readouts (left, right), not " + std::to_string(net.n_out));
  return p;
}

ClassificationTask read_classification(const Reporter& r, const pb::TrainingConfig& c, TaskKind kind,
                                       std::uint64_t seed, const NetworkDescription& net) {
  const pb::Task& t = c.task();
  ClassificationTask task;
  task.seed = seed;
  SampleLayout& layout = task.layout;
  if (kind == TaskKind::evidence_accumulation) {
    task.kind = ClassificationKind::evidence_accumulation;
    task.evidence = read_evidence(r, t, net);
    layout.sequence = task.evidence.sequence();
    layout.learning_window = task.evidence.recall_steps;
  } else {
    task.kind = ClassificationKind::nmnist;
    if (net.n_in != kNmnistInputs)
      r.fail("populations", "the nmnist task needs 2 × 34 × 34 = " + std::to_string(kNmnistInputs) +
                                " inputs (one per pixel and polarity), not " + std::to_string(net.n_in));
    if (net.n_out < 10)
      r.fail("populations", "the nmnist task needs 10 readouts (one per digit), not " + std::to_string(net.n_out));
    if (t.data_dir().empty()) r.fail("task.data_dir", "missing (the folder with Train/ and Test/)");
    task.data_dir =
        fs::path(t.data_dir()).is_absolute() ? fs::path(t.data_dir()) : r.file().parent_path() / t.data_dir();
    layout.sequence =
        t.has_sequence_steps() ? r.integer(t.sequence_steps(), "task.sequence_steps", 2, kMaxTaskSteps) : 300;
    layout.learning_window = 10;
  }
  if (t.has_learning_window_steps())
    layout.learning_window = r.integer(t.learning_window_steps(), "task.learning_window_steps", 1, layout.sequence);
  r.expect(layout.learning_window <= layout.sequence, "task.learning_window_steps",
           "at most the sequence of " + std::to_string(layout.sequence) + " steps",
           static_cast<double>(layout.learning_window));
  if (t.has_target_value()) layout.target_value = t.target_value();
  r.expect(std::isfinite(layout.target_value), "task.target_value", "finite", layout.target_value);
  if (t.has_final_update_spike()) layout.final_update_spike = t.final_update_spike();
  layout.group_size =
      c.training().has_group_size() ? r.integer(c.training().group_size(), "training.group_size", 1, kMaxTaskSteps) : 1;
  task.test_samples = t.has_test_samples() ? r.integer(t.test_samples(), "task.test_samples", 0, kMaxTaskSteps) : 1000;
  return task;
}

double read_resolution(const Reporter& r, const pb::TrainingConfig& c) {
  const double h = c.has_resolution_ms() ? c.resolution_ms() : 1.0;
  r.expect(h > 0.0 && std::isfinite(h), "resolution_ms", "> 0 and finite", h);
  return h;
}

TrainingSetup build_setup(const Reporter& r, const pb::TrainingConfig& c, const ConfigOverrides& overrides) {
  TrainingSetup s;
  s.path = r.file();
  s.name = c.name().empty() ? r.file().stem().string() : c.name();
  s.seed = overrides.seed.value_or(c.has_seed() ? c.seed() : 1);
  NetworkDescription& net = s.network;
  net.seed = s.seed;
  net.resolution_ms = read_resolution(r, c);
  const std::vector<PopulationRef> pops = read_populations(r, c, net.resolution_ms, net);
  net.optimizer = read_optimizer(r, c);
  read_connections(r, c, pops, net.resolution_ms, net);
  const std::int64_t iterations = read_iterations(r, c, overrides);
  s.network_without_task = net;
  s.checkpoint_every = c.training().has_checkpoint_every()
                           ? r.integer(c.training().checkpoint_every(), "training.checkpoint_every", 0, kMaxTaskSteps)
                           : 0;
  s.evaluate_every = c.training().has_evaluate_every()
                         ? r.integer(c.training().evaluate_every(), "training.evaluate_every", 0, kMaxTaskSteps)
                         : 0;

  const TaskKind kind = choose(r, "task.kind", c.task().kind(), kTaskKinds);
  refuse_other_kinds_fields(r, c.task(), kind);
  s.task = name_of(kind, kTaskKinds);
  TaskTiming timing;
  if (kind == TaskKind::sine_wave) {
    if (s.evaluate_every > 0) r.fail("training.evaluate_every", "the sine_wave task has no held-out set");
    timing = lay_out_sine_wave(r, c, iterations, s.seed, net);
  } else {
    s.classification = read_classification(r, c, kind, s.seed, net);
    const SampleLayout& layout = s.classification->layout;
    check_task_steps(r, layout.sequence, iterations * layout.group_size);
    const double spikes_per_step =
        kind == TaskKind::nmnist ? 20.0 : net.n_in * s.classification->evidence.spike_probability;
    const double entries =
        static_cast<double>(layout.sequence) * static_cast<double>(iterations * layout.group_size) * spikes_per_step;
    if (entries > kMaxTaskEntries)
      r.fail("task", "would store about " + show(std::round(entries)) + " input spikes (" +
                         show(std::round(entries * 8 / 1e9)) +
                         " GB); lower training.iterations or training.group_size");
    try {
      timing = lay_out_training(net, *s.classification, iterations);
    } catch (const std::invalid_argument& e) {  // data file errors pass through: they name their file
      r.fail("task", e.what());
    }
  }
  s.accuracy_window = timing.accuracy_window;
  s.n_steps = timing.n_steps;
  s.loss = timing.loss;
  return s;
}

}  // namespace

TrainingSetup load_training_config_text(const std::string& text, const std::filesystem::path& as_file,
                                        const ConfigOverrides& overrides) {
  const Reporter r(as_file);
  try {
    const json document = parse_document(text, r);
    return build_setup(r, to_message(document, r), overrides);
  } catch (const ConfigError&) {
    throw;
  } catch (const std::exception& e) {
    r.fail("", std::string("cannot load: ") + e.what());
  }
}

TrainingSetup load_training_config(const std::filesystem::path& file, const ConfigOverrides& overrides) {
  const Reporter r(file);
  try {
    const json document = parse_document(read_text(r), r);
    return build_setup(r, to_message(document, r), overrides);
  } catch (const ConfigError&) {
    throw;
  } catch (const std::exception& e) {  // e.g. bad_alloc, or a library error the checks did not foresee
    r.fail("", std::string("cannot load: ") + e.what());
  }
}

}  // namespace eligo
