#include "runtime/config/run_digest.hpp"

#include <fstream>
#include <iterator>

#include "runtime/core/sha256.hpp"

namespace eligo {

std::string read_config_text(const std::filesystem::path& config) {
  std::ifstream in(config, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string run_digest_of_text(const std::string& config_text, const TrainingSetup& setup) {
  std::string run =
      config_text + "\nseed=" + std::to_string(setup.seed) + "\niterations=" + std::to_string(setup.loss.n_iter);
  // Overrides that change the stimulus (epochs change the iterations, counted above).
  if (setup.data_dir_override) run += "\ndata_dir=" + setup.data_dir_override->string();
  if (setup.order_override) run += "\norder=" + *setup.order_override;
  if (setup.eprop_mode_override) run += "\neprop_mode=" + *setup.eprop_mode_override;
  return sha256_hex(run);
}

std::string run_digest(const std::filesystem::path& config, const TrainingSetup& setup) {
  return run_digest_of_text(read_config_text(config), setup);
}

}  // namespace eligo
