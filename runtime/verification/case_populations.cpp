// The populations of a NEST case file (tests/data/nest/README.md §4.1) and the optimizer: parameters read
// through the model tables (runtime/models/model_parameters.hpp), then checked as NEST's set_status does.
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "runtime/models/model_parameters.hpp"
#include "runtime/models/parameter_checks.hpp"
#include "runtime/verification/case_sections.hpp"

namespace eligo::case_loading {

namespace {

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

}  // namespace

namespace {

// A rec dict ("params" of the population or of one group): NEST's defaults overwritten by the keys present.
RecurrentParams read_rec_params(const CaseReader& rd, const Field& dict, RecurrentModel model, double h) {
  RecurrentParams p;
  read_doubles(rd, dict, p, kRecurrentParameters);
  read_refractory_input(rd, dict, p);  // the flag with two names
  for (const ModelParameter<RecurrentParams>& row : kRecurrentParameters) {
    const auto* flag = std::get_if<bool RecurrentParams::*>(&row.member);
    if (flag == nullptr || *flag == &RecurrentParams::refractory_input) continue;
    if (auto f = rd.find(dict, row.name)) p.*(*flag) = rd.boolean(*f);
  }
  for (const ModelParameter<RecurrentParams>& row : kRecurrentParameters) {
    const auto* choice = std::get_if<SurrogateFunction RecurrentParams::*>(&row.member);
    if (choice == nullptr) continue;
    if (auto f = rd.find(dict, row.name)) p.*(*choice) = rd.choice(*f, kSurrogateFunctionNames);
  }
  validate(rd, check_recurrent(p, model, h), dict.ptr);
  return p;
}

RecurrentModel read_rec_model(const CaseReader& rd, const Field& f, EpropVariant variant) {
  const RecurrentModel m = rd.choice(f, kRecurrentModelNames);
  if (is_bsshslm(m) != (variant == EpropVariant::bsshslm_2020))
    rd.fail(f.ptr, std::string("is a model of the ") + (is_bsshslm(m) ? "bsshslm_2020" : "event-driven") +
                       " variant, but the file's variant is " + to_string(variant));
  return m;
}

// Schema v3, case c: groups tiling 0 … n−1 in creation order (tests/data/nest/README.md V3.4).
void read_rec_groups(const CaseReader& rd, const Field& groups, double h, NetworkDescription& net) {
  rd.expect_array(groups);
  std::uint32_t next = 0;
  for (std::size_t g = 0; g < groups.value.size(); ++g) {
    const Field group = rd.at(groups, g);
    RecurrentGroup rg;
    rg.model = read_rec_model(rd, rd.at(group, "model"), net.variant);
    rg.first = static_cast<std::uint32_t>(rd.integer(rd.at(group, "first_index"), 0, kMaxPopulation));
    rg.n = static_cast<std::uint32_t>(rd.integer(rd.at(group, "n"), 1, kMaxPopulation));
    if (rg.first != next)
      rd.fail(child(group.ptr, "first_index"),
              "must be " + std::to_string(next) + " (groups tile the population in order)");
    next = rg.first + rg.n;
    rg.params = read_rec_params(rd, rd.at(group, "params"), rg.model, h);
    net.rec_groups.push_back(rg);
  }
  if (next != net.n_rec)
    rd.fail(groups.ptr, "cover " + std::to_string(next) + " neurons, but n is " + std::to_string(net.n_rec));
  net.rec_model = net.rec_groups.front().model;
  net.rec = net.rec_groups.front().params;
}

}  // namespace

void read_populations(const CaseReader& rd, const Field& root, double h, NetworkDescription& net) {
  const Field pops = rd.at(root, "populations");
  const Field input = rd.at(pops, "input");
  const Field rec = rd.at(pops, "rec");
  const Field out = rd.at(pops, "out");
  net.n_in = population_size(rd, input);
  net.n_rec = population_size(rd, rec);
  net.n_out = population_size(rd, out);

  const bool bsshslm = net.variant == EpropVariant::bsshslm_2020;
  if (auto groups = rd.find(rec, "groups"); groups && bsshslm) {
    read_rec_groups(rd, *groups, h, net);
  } else {
    net.rec_model = read_rec_model(rd, rd.at(rec, "model"), net.variant);
    net.rec = read_rec_params(rd, rd.at(rec, "params"), net.rec_model, h);  // "Run from this dict"
  }

  rd.expect_literal(rd.at(out, "model"), bsshslm ? "eprop_readout_bsshslm_2020" : "eprop_readout");
  const Field out_params = rd.at(out, "params");
  read_doubles(rd, out_params, net.out, kReadoutParameters);
  if (bsshslm) {
    if (auto f = rd.find(out_params, "regular_spike_arrival")) net.out.regular_spike_arrival = rd.boolean(*f);
    if (auto f = rd.find(out_params, "loss")) net.out.loss = rd.choice(*f, kReadoutLossNames);
  }
  validate(rd, check_readout(net.out, h), out_params.ptr);
  // The input parrots keep their defaults (flush interval +inf, docs/numerics.md §9): the format has no dict for them.
}

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

}  // namespace eligo::case_loading
