#pragma once
// Stage 1 of the config loader: the file's text as one JSON tree. JSON is parsed as is; YAML is converted
// node by node (YAML 1.2 core schema for unquoted scalars). Duplicate keys are refused in both, since both
// parsers would otherwise keep one of them silently.
#include <nlohmann/json.hpp>
#include <string>

#include "runtime/config/config_errors.hpp"

namespace eligo::config_loading {

// The file's bytes; a missing or unreadable file is a ConfigError.
std::string read_text(const Reporter& r);

// YAML (.yaml, .yml) or JSON (.json), chosen by the extension of r.file().
nlohmann::json parse_document(const std::string& text, const Reporter& r);

}  // namespace eligo::config_loading
