#pragma once
// Runs a subcommand's body so that any error becomes one clear log line and exit code 2, never a
// crash or an uncaught exception (errors name the file, field or peer themselves).
#include <spdlog/spdlog.h>

#include <exception>

namespace eligo::cli {

template <class Body>
void run_guarded(int& exit_code, Body&& body) {
  try {
    exit_code = body();
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    exit_code = 2;
  }
}

}  // namespace eligo::cli
