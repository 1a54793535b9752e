#pragma once
// What makes two runs the same run, as one SHA-256: the config file's text, the seed and the number of
// iterations (after overrides), and the data folder and sample order when overridden. A checkpoint
// records it; resume and eval check it, and a cluster node checks it before it accepts shards.
#include <filesystem>
#include <string>

#include "runtime/config/training_config.hpp"

namespace eligo {

std::string run_digest(const std::filesystem::path& config, const TrainingSetup& setup);
// The same from the config's text.
std::string run_digest_of_text(const std::string& config_text, const TrainingSetup& setup);
std::string read_config_text(const std::filesystem::path& config);

}  // namespace eligo
