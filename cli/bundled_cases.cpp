#include "cli/bundled_cases.hpp"

#include <algorithm>
#include <cstdlib>
#include <system_error>

namespace eligo::cli {
namespace {

namespace fs = std::filesystem;

// The directory of the running binary; /proc/self/exe resolves symlinks such as /usr/local/bin/eligo → ….
fs::path binary_dir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe.parent_path();
}

std::vector<std::string> json_files_in(const fs::path& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

BundledCases find_bundled_cases() {
  BundledCases found;
  if (const char* env = std::getenv("ELIGO_CASES_DIR"); env != nullptr && *env != '\0') {
    // An explicit choice is not second-guessed: an empty directory there means no cases.
    found.looked_in.emplace_back(env);
  } else if (const fs::path bin = binary_dir(); !bin.empty()) {
    found.looked_in.push_back((bin / ELIGO_CASES_RELATIVE_DIR).lexically_normal());
    found.looked_in.push_back(bin / "share" / "eligo" / "nest");
  }
  for (const fs::path& dir : found.looked_in) {
    found.files = json_files_in(dir);
    if (!found.files.empty()) break;
  }
  return found;
}

}  // namespace eligo::cli
