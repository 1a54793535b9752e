// Stage 3a of the config loader (config_populations.hpp): populations, their models and parameters.
#include "runtime/config/config_populations.hpp"

#include <algorithm>
#include <iterator>
#include <optional>
#include <string_view>
#include <variant>

#include "runtime/config/config_limits.hpp"
#include "runtime/models/model_parameters.hpp"
#include "runtime/models/parameter_checks.hpp"

namespace eligo::config_loading {

namespace pb = ::eligo::config;
using google::protobuf::Value;

namespace {

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

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;  // for compilers without C++20 aggregate deduction (clang 14)

// A parameter value as the user wrote it, for messages.
std::string as_written(const Value& v) {
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
                    as_written(v) + ")");
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
                       r.fail(field, "must be true or false (got " + as_written(v) + ")");
                     params.*m = v.bool_value();
                   },
                   [&](SurrogateFunction P::*m) {
                     if (v.kind_case() != Value::kStringValue)
                       r.fail(field, "must be a string (got " + as_written(v) + ")");
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
      // regular_spike_arrival belongs to eprop_readout_bsshslm_2020, which configs cannot name yet.
      if (p.params().fields().count("regular_spike_arrival") != 0)
        r.fail(member(path, "regular_spike_arrival"),
               "is a parameter of eprop_readout_bsshslm_2020, not of " + p.model());
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

}  // namespace

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

}  // namespace eligo::config_loading
