#pragma once
// The --memory-limit option of the commands that build a network from a config or from flags (train,
// bench, serve): a size with a binary unit, such as 4GiB or 512MiB. A network whose memory estimate
// (runtime/config/memory_estimate.hpp) exceeds it is refused before anything is built, with an error
// naming the settings responsible; without the option the limit is this machine's memory.
#include <CLI/CLI.hpp>
#include <string>

#include "runtime/config/memory_estimate.hpp"

namespace eligo::cli {

inline CLI::Option* add_memory_limit_option(CLI::App& cmd, std::string& text) {
  const CLI::Validator size(
      [](const std::string& s) {
        return parse_memory_size(s) ? std::string()
                                    : "expected a size with a unit, such as 4GiB or 512MiB (KiB, MiB, GiB, TiB)";
      },
      "SIZE");
  return cmd
      .add_option("--memory-limit", text,
                  "Refuse a network whose estimated memory exceeds this size, e.g. 4GiB or 512MiB (default: this "
                  "machine's memory)")
      ->check(size);
}

// The limit the option gives, or this machine's memory when it was not given.
inline MemoryLimit memory_limit_of(const std::string& text) {
  if (text.empty()) return machine_memory();
  return {*parse_memory_size(text), "--memory-limit " + text};
}

}  // namespace eligo::cli
