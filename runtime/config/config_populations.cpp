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
  bool bsshslm = false;            // a model of NEST's original variant (docs/numerics.md §16)
};

constexpr Choice<ModelInfo> kModels[] = {
    {"parrot", {Role::input, {}}},
    {"eprop_iaf", {Role::recurrent, RecurrentModel::eprop_iaf}},
    {"eprop_iaf_adapt", {Role::recurrent, RecurrentModel::eprop_iaf_adapt}},
    {"eprop_iaf_psc_delta", {Role::recurrent, RecurrentModel::eprop_iaf_psc_delta}},
    {"eprop_iaf_psc_delta_adapt", {Role::recurrent, RecurrentModel::eprop_iaf_psc_delta_adapt}},
    {"eprop_iaf_bsshslm_2020", {Role::recurrent, RecurrentModel::eprop_iaf_bsshslm_2020, true}},
    {"eprop_iaf_adapt_bsshslm_2020", {Role::recurrent, RecurrentModel::eprop_iaf_adapt_bsshslm_2020, true}},
    {"eprop_readout", {Role::readout, {}}},
    {"eprop_readout_bsshslm_2020", {Role::readout, {}, true}},
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
    case Role::readout: {
      // loss and regular_spike_arrival belong to eprop_readout_bsshslm_2020 only; loss is a choice, read here.
      google::protobuf::Struct params = p.params();
      for (const char* key : {"regular_spike_arrival", "loss"}) {
        if (!info.bsshslm && params.fields().count(key) != 0)
          r.fail(member(path, key), "is a parameter of eprop_readout_bsshslm_2020, not of " + p.model());
      }
      if (auto it = params.fields().find("loss"); it != params.fields().end()) {
        if (it->second.kind_case() != Value::kStringValue)
          r.fail(member(path, "loss"), "must be a string (got " + as_written(it->second) + ")");
        net.out.loss = choose(r, member(path, "loss"), it->second.string_value(), kReadoutLossNames);
        params.mutable_fields()->erase("loss");
      }
      read_params(r, params, path, p.model(), kAnyModel, net.out, kReadoutParameters);
      validate(r, check_readout(net.out, h), path);
      break;
    }
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

// One variant per network (docs/numerics.md §16): `field`'s model is of the other variant than `first`'s.
[[noreturn]] void fail_mixed(const Reporter& r, const PopulationRef& first, const std::string& field, bool bsshslm) {
  r.fail(member(field, "model"), std::string("mixes NEST's two e-prop variants: ") + first.field + " uses " +
                                     (first.bsshslm ? "the bsshslm_2020 models" : "the event-driven models") +
                                     ", this one " + (bsshslm ? "a bsshslm_2020 model" : "an event-driven model") +
                                     "; a network uses one variant");
}

// populations[i].groups: consecutive groups of bsshslm_2020 neurons, each with its model and parameters.
void read_group_population(const Reporter& r, const pb::Population& p, const std::string& field, double h,
                           NetworkDescription& net) {
  if (!p.model().empty())
    r.fail(member(field, "model"), "must be empty for a population given as groups (each group names its model)");
  if (p.params().fields_size() != 0) r.fail(member(field, "params"), "must be empty: each group has its own params");
  std::uint32_t next = 0;
  for (int g = 0; g < p.groups_size(); ++g) {
    const pb::PopulationGroup& group = p.groups(g);
    const std::string gfield = element(member(field, "groups"), static_cast<std::size_t>(g));
    const ModelInfo info = choose(r, member(gfield, "model"), group.model(), kModels);
    if (info.role != Role::recurrent || !info.bsshslm)
      r.fail(member(gfield, "model"),
             "groups take eprop_iaf_bsshslm_2020 or eprop_iaf_adapt_bsshslm_2020, not " + in_quotes(group.model()));
    RecurrentGroup rg;
    rg.model = info.recurrent_model;
    rg.first = next;
    rg.n = static_cast<std::uint32_t>(r.integer(group.size(), member(gfield, "size"), 1, kMaxPopulation));
    const std::string path = member(gfield, "params");
    read_params(r, group.params(), path, group.model(), model_bit(rg.model), rg.params, kRecurrentParameters);
    validate(r, check_recurrent(rg.params, rg.model, h), path);
    next += rg.n;
    net.rec_groups.push_back(rg);
  }
  const std::int64_t size = r.integer(p.size(), member(field, "size"), 1, kMaxPopulation);
  if (size != next)
    r.fail(member(field, "size"), "is " + std::to_string(size) + " but the groups add up to " + std::to_string(next));
  net.n_rec = next;
  net.rec_model = net.rec_groups.front().model;
  net.rec = net.rec_groups.front().params;
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
    if (p.groups_size() > 0) {  // a recurrent population of groups (bsshslm_2020 only)
      for (const PopulationRef& other : pops)
        if (other.role == Role::readout && !other.bsshslm) fail_mixed(r, other, field, true);
      read_group_population(r, p, field, h, net);
      for (const PopulationRef& other : pops)
        if (other.role == Role::recurrent)
          r.fail(field, "a second recurrent population (the first is " + other.field + ")");
      pops.push_back({p.name(), Role::recurrent, net.n_rec, field, true});
      continue;
    }
    const ModelInfo info = choose(r, member(field, "model"), p.model(), kModels);
    for (const PopulationRef& other : pops)
      if (other.role == info.role)
        r.fail(member(field, "model"), "a second " + std::string(role_name(info.role)) + " population (the first is " +
                                           other.field + "); the engine runs one population of each kind");
    if (info.role != Role::input) {  // the variant clash first: the parameters would only add to the confusion
      for (const PopulationRef& other : pops)
        if (other.role != Role::input && other.bsshslm != info.bsshslm) fail_mixed(r, other, field, info.bsshslm);
    }
    const auto size = static_cast<std::uint32_t>(r.integer(p.size(), member(field, "size"), 1, kMaxPopulation));
    population_size(net, info.role) = size;
    read_population_params(r, p, field, info, h, net);
    pops.push_back({p.name(), info.role, size, field, info.bsshslm});
  }
  for (Role role : {Role::input, Role::recurrent, Role::readout}) {
    if (std::none_of(pops.begin(), pops.end(), [&](const PopulationRef& p) { return p.role == role; }))
      r.fail("populations", std::string("no ") + role_name(role) + " population (models: parrot for the input, " +
                                "eprop_iaf[_adapt] or eprop_iaf_psc_delta[_adapt] for the recurrent, eprop_readout)");
  }
  // One variant per network (docs/numerics.md §16): the recurrent population and the readouts agree.
  const auto rec =
      std::find_if(pops.begin(), pops.end(), [](const PopulationRef& p) { return p.role == Role::recurrent; });
  const auto out =
      std::find_if(pops.begin(), pops.end(), [](const PopulationRef& p) { return p.role == Role::readout; });
  if (rec->bsshslm != out->bsshslm) fail_mixed(r, *rec, out->field, out->bsshslm);
  net.variant = rec->bsshslm ? EpropVariant::bsshslm_2020 : EpropVariant::event_driven;
  return pops;
}

}  // namespace eligo::config_loading
