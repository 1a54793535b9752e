#pragma once
// The bearer token of `eligo serve --token-file` and `eligo stream --token-file`: the file's text
// without a trailing newline.
#include <filesystem>
#include <string>

namespace eligo::cli {

// Throws std::runtime_error naming the file when it cannot be read or its token is shorter than
// min_length.
std::string read_token_file(const std::filesystem::path& file, std::size_t min_length = 0);

}  // namespace eligo::cli
