#include "cli/token_file.hpp"

#include <fstream>
#include <iterator>
#include <stdexcept>

namespace eligo::cli {

std::string read_token_file(const std::filesystem::path& file, std::size_t min_length) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("--token-file " + file.string() + ": cannot read it");
  std::string token((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) token.pop_back();
  if (token.size() < min_length)
    throw std::runtime_error("--token-file " + file.string() + ": a token of at least " + std::to_string(min_length) +
                             " characters");
  return token;
}

}  // namespace eligo::cli
