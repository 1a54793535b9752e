#include "cli/run_digest.hpp"

#include <fstream>
#include <iterator>

#include "runtime/core/sha256.hpp"

namespace eligo::cli {

std::string run_digest(const std::filesystem::path& config, const TrainingSetup& setup) {
  std::ifstream in(config, std::ios::binary);
  std::string text(std::istreambuf_iterator<char>(in), {});
  text += "\nseed=" + std::to_string(setup.seed) + "\niterations=" + std::to_string(setup.loss.n_iter);
  return sha256_hex(text);
}

}  // namespace eligo::cli
