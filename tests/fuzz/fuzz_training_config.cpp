// Fuzz target (tests/fuzz/fuzz_target.hpp): any bytes given to the config loader (as YAML and as JSON) either load or
// raise ConfigError, and never crash, hang or leak (build and run with tests/fuzz/run.sh). The loader gets a memory
// limit, as eligo train gives it one: a config whose estimate exceeds it is refused before its task is laid out, so no
// input makes the loader allocate more than a fraction of libFuzzer's -malloc_limit_mb (run.sh gives 1024 MiB; the
// limit here is 256 MiB).
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <string>

#include "runtime/config/training_config.hpp"
#include "tests/fuzz/fuzz_target.hpp"

namespace {
void load(const std::string& path, const std::uint8_t* data, std::size_t size) {
  {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  eligo::ConfigOverrides overrides;
  overrides.memory_limit = eligo::MemoryLimit{std::uint64_t{256} << 20, "the fuzzer's limit"};
  try {
    eligo::load_training_config(path, overrides);
  } catch (const eligo::ConfigError&) {
    // the documented outcome for bad input
  }
}
}  // namespace

ELIGO_FUZZ_TARGET(training_config) {
  static const std::string base = "/dev/shm/eligo_fuzz_config_" + std::to_string(getpid());
  load(base + ".yaml", data, size);
  load(base + ".json", data, size);
}
