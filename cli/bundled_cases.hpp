#pragma once
// Where `eligo verify` finds the NEST reference cases it ships with. They are looked up relative to the
// running binary, never through a path compiled in, so that an installed or copied eligo (a Docker image,
// `cmake --install`) finds its own cases:
//   1. $ELIGO_CASES_DIR, when set;
//   2. <binary's directory>/ELIGO_CASES_RELATIVE_DIR (installed: bin/../share/eligo/nest);
//   3. <binary's directory>/share/eligo/nest (a build tree: the build copies the cases next to eligo).
#include <filesystem>
#include <string>
#include <vector>

namespace eligo::cli {

struct BundledCases {
  std::vector<std::string> files;                // *.json, sorted; empty when none was found
  std::vector<std::filesystem::path> looked_in;  // every directory tried, in order
};

BundledCases find_bundled_cases();

}  // namespace eligo::cli
