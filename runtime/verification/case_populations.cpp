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
