#pragma once
// What makes two runs the same run, as one SHA-256: the config file's text, the seed and the number of
// iterations (after overrides). A checkpoint records it; resume and eval check it.
#include <filesystem>
#include <string>

#include "runtime/config/training_config.hpp"

namespace eligo::cli {

std::string run_digest(const std::filesystem::path& config, const TrainingSetup& setup);

}  // namespace eligo::cli
