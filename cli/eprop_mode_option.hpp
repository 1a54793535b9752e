#pragma once
// The --mode option of the commands that run a network: exact | closed_form | auto (docs/numerics.md §19).
#include <CLI/CLI.hpp>
#include <map>
#include <string>
#include <vector>

#include "runtime/network/network_description.hpp"

namespace eligo::cli {

// The names users write, from the one table (kEpropModeNames).
inline std::vector<std::string> eprop_mode_names() {
  std::vector<std::string> names;
  for (const auto& n : kEpropModeNames) names.emplace_back(n.name);
  return names;
}

inline CLI::Option* add_eprop_mode_option(CLI::App& cmd, EpropMode& mode, const std::string& what) {
  std::map<std::string, EpropMode> names;
  for (const auto& n : kEpropModeNames) names.emplace(std::string(n.name), n.value);
  return cmd.add_option("--mode", mode, what)->transform(CLI::CheckedTransformer(names));
}

}  // namespace eligo::cli
