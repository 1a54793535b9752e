#pragma once
#include <CLI/CLI.hpp>

namespace eligo::cli {

// `eligo verify [CASE.json ...]`: runs NEST reference cases, prints per-iteration losses and the largest
// relative deviation from NEST's, and exits nonzero if a deviation exceeds the tolerance.
void add_verify_command(CLI::App& app, int& exit_code);

}  // namespace eligo::cli
