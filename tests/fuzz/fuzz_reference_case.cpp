// Fuzz target (tests/fuzz/fuzz_target.hpp): any bytes given to the NEST case loader either load or raise CaseFileError,
// and never crash, hang or leak (build and run with tests/fuzz/run.sh).
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

#include "runtime/verification/reference_case.hpp"
#include "tests/fuzz/fuzz_target.hpp"

ELIGO_FUZZ_TARGET(reference_case) {
  static const std::string path = "/dev/shm/eligo_fuzz_case_" + std::to_string(getpid()) + ".json";
  {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    eligo::load_reference_case(path);
  } catch (const eligo::CaseFileError&) {
    // the documented outcome for bad input
  }
}
