// Tests of the model parameter tables (runtime/models/model_parameters.hpp) that every loader and the
// parameter checks read.
#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <variant>

#include "runtime/models/model_parameters.hpp"
#include "runtime/models/parameter_checks.hpp"

namespace {

template <class P, std::size_t N>
void check_table(const eligo::ModelParameter<P> (&table)[N]) {
  std::set<std::string> names;
  for (const auto& row : table) {
    INFO(row.name);
    CHECK(names.insert(std::string(row.name)).second);  // one row per name
    // Each row's member leads back to that row.
    std::visit([&](auto member) { CHECK(&eligo::parameter_of(table, member) == &row); }, row.member);
  }
}

}  // namespace

TEST_CASE("Each model's parameter table names every parameter once", "[model_parameters]") {
  check_table(eligo::kRecurrentParameters);
  check_table(eligo::kReadoutParameters);
  check_table(eligo::kInputParameters);
}

TEST_CASE("The table says which recurrent models take a parameter", "[model_parameters]") {
  using eligo::RecurrentModel;
  const auto& adapt_tau = eligo::parameter_of(eligo::kRecurrentParameters, &eligo::RecurrentParams::adapt_tau);
  CHECK(adapt_tau.taken_by(eligo::model_bit(RecurrentModel::eprop_iaf_adapt)));
  CHECK_FALSE(adapt_tau.taken_by(eligo::model_bit(RecurrentModel::eprop_iaf)));
  const auto& v_reset = eligo::parameter_of(eligo::kRecurrentParameters, &eligo::RecurrentParams::V_reset);
  CHECK(v_reset.taken_by(eligo::model_bit(RecurrentModel::eprop_iaf_psc_delta)));
  CHECK_FALSE(v_reset.taken_by(eligo::model_bit(RecurrentModel::eprop_iaf_adapt)));
  CHECK(eligo::parameter_of(eligo::kRecurrentParameters, &eligo::RecurrentParams::tau_m).unit == "ms");
}

TEST_CASE("A rule on a parameter the model does not take is not applied", "[model_parameters]") {
  eligo::RecurrentParams p;
  p.adapt_tau = -1.0;  // only the adaptive models read it
  CHECK_FALSE(eligo::check_recurrent(p, eligo::RecurrentModel::eprop_iaf, 1.0));
  const auto problem = eligo::check_recurrent(p, eligo::RecurrentModel::eprop_iaf_adapt, 1.0);
  REQUIRE(problem);
  CHECK(problem->parameter == "adapt_tau");
  CHECK(problem->problem == "must be > 0 (got -1)");
}
