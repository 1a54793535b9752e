#pragma once
#include <CLI/CLI.hpp>

namespace eligo::cli {

// `eligo eval CHECKPOINT [DATA]`: held-out accuracy of a checkpoint's weights with learning off.
void add_eval_command(CLI::App& app, int& exit_code);

}  // namespace eligo::cli
