#pragma once
#include <CLI/CLI.hpp>

namespace eligo::cli {

// `eligo serve CONFIG|CHECKPOINT --listen HOST:PORT`: streaming learning sessions (docs/streaming.md).
void add_serve_command(CLI::App& app, int& exit_code);

}  // namespace eligo::cli
