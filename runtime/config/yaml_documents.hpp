#pragma once
// How many documents a YAML text holds, counted without building them and with a bound: yaml-cpp 0.7's
// LoadAll never returns on a text that starts with a flow indicator such as "  , a" (each call of its
// parser yields another empty document at the same place, and the list grows until memory runs out).
#include <cstddef>
#include <string>

namespace eligo::config_loading {

struct YamlDocuments {
  std::size_t count = 0;             // at most the bound given
  bool stuck = false;                // the parser stopped making progress: the text is malformed there
  std::size_t line = 0, column = 0;  // where it stuck, from 1
};

// Counts up to `bound` documents. Throws YAML::Exception (yaml-cpp) for malformed text it reports.
YamlDocuments count_yaml_documents(const std::string& text, std::size_t bound);

}  // namespace eligo::config_loading
