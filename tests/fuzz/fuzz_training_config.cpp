// libFuzzer target: any bytes given to the config loader (as YAML and as JSON) either load or raise
// ConfigError, and never crash, hang or leak (build and run with tests/fuzz/run.sh).
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <string>

#include "runtime/config/training_config.hpp"

namespace {
void load(const std::string& path, const std::uint8_t* data, std::size_t size) {
  {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    eligo::load_training_config(path);
  } catch (const eligo::ConfigError&) {
    // the documented outcome for bad input
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string base = "/dev/shm/eligo_fuzz_config_" + std::to_string(getpid());
  load(base + ".yaml", data, size);
  load(base + ".json", data, size);
  return 0;
}
