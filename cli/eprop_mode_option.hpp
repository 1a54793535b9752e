#pragma once
// The --mode option of the commands that run a network: exact | closed_form | auto (docs/numerics.md §19).
#include <CLI/CLI.hpp>
#include <map>
#include <string>

#include "runtime/network/network_description.hpp"

namespace eligo::cli {

inline CLI::Option* add_eprop_mode_option(CLI::App& cmd, EpropMode& mode, const std::string& what) {
  std::map<std::string, EpropMode> names;
  for (const auto& n : kEpropModeNames) names.emplace(std::string(n.name), n.value);
  return cmd.add_option("--mode", mode, what)->transform(CLI::CheckedTransformer(names));
}

}  // namespace eligo::cli
