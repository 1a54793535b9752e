#pragma once
// The parameter checks NEST's set_status makes (docs/numerics.md §13), shared by every loader (NEST case files,
// native configs), so that a network NEST would refuse is refused here too, with the same words. The parameter
// names and which models take a parameter come from the tables in model_parameters.hpp.
#include <optional>
#include <string>

#include "runtime/models/model_parameters.hpp"

namespace eligo {

// A violated rule: which parameter (its NEST name) and what is wrong, e.g. {"tau_m", "must be > 0 (got -30)"}.
struct ParameterProblem {
  std::string parameter;
  std::string problem;
};

// Largest finite step count accepted: far beyond any run, and ms/h stays an exact integer in a double.
inline constexpr double kMaxFiniteSteps = 1e15;

std::optional<ParameterProblem> check_recurrent(const RecurrentParams& p, RecurrentModel model, double h);
std::optional<ParameterProblem> check_readout(const ReadoutParams& p, double h);
std::optional<ParameterProblem> check_input(const InputParams& p, double h);

}  // namespace eligo
