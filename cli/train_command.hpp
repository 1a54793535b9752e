#pragma once
#include <CLI/CLI.hpp>

namespace eligo::cli {

// `eligo train CONFIG`: trains the network a native config describes and writes metrics.jsonl and
// summary.json into --out.
void add_train_command(CLI::App& app, int& exit_code);

}  // namespace eligo::cli
