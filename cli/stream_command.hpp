#pragma once
#include <CLI/CLI.hpp>

namespace eligo::cli {

// `eligo stream --connect HOST:PORT --events PATH`: streams recordings to `eligo serve`.
void add_stream_command(CLI::App& app, int& exit_code);

}  // namespace eligo::cli
