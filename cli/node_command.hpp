#pragma once
#include <CLI/CLI.hpp>

namespace eligo::cli {

// `eligo node --listen HOST:PORT`: a daemon that hosts shards for `eligo train --cluster`.
void add_node_command(CLI::App& app, int& exit_code);

}  // namespace eligo::cli
