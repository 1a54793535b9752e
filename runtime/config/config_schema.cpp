// Stage 2 of the config loader (config_schema.hpp): JSON tree → TrainingConfig, protobuf's errors reworded.
#include "runtime/config/config_schema.hpp"

#include <google/protobuf/util/json_util.h>

#include <regex>
#include <string_view>
#include <utility>

namespace eligo::config_loading {

namespace pb = ::eligo::config;
using json = nlohmann::json;

namespace {

// Protobuf's wording, made readable: "invalid value \"ten\" for type TYPE_INT64" → "must be an integer
// (got \"ten\")", "Cannot find field." → "unknown field".
std::string reword_protobuf_problem(const std::string& problem) {
  static const std::regex invalid_value("invalid value (.*) for type TYPE_([A-Z0-9]+)");
  static const std::pair<std::string_view, std::string_view> kinds[] = {
      {"INT64", "an integer"}, {"INT32", "an integer"}, {"UINT64", "an integer >= 0"}, {"UINT32", "an integer >= 0"},
      {"DOUBLE", "a number"},  {"FLOAT", "a number"},   {"STRING", "a string"},        {"BOOL", "true or false"},
  };
  std::smatch m;
  if (std::regex_match(problem, m, invalid_value)) {
    std::string kind = "of type " + m[2].str();
    for (const auto& [type, words] : kinds)
      if (m[2].str() == type) kind = words;
    return "must be " + kind + " (got " + m[1].str() + ")";
  }
  if (problem == "Cannot find field.") return "unknown field (not in the schema proto/eligo/config.proto)";
  return problem;
}

// protobuf 3.21 writes "(a.b[1].c): problem", "(a.b) key: problem" or "key: problem".
std::pair<std::string, std::string> split_protobuf_error(const std::string& message) {
  std::string field;
  std::string rest = message;
  if (rest.starts_with('(')) {
    const auto close = rest.find(')');
    if (close != std::string::npos) {
      field = rest.substr(1, close - 1);
      rest = rest.substr(close + 1);
    }
  }
  if (rest.starts_with(": ")) return {field, reword_protobuf_problem(rest.substr(2))};
  if (rest.starts_with(' ')) rest = rest.substr(1);
  const auto colon = rest.find(": ");
  if (colon == std::string::npos) return {field, reword_protobuf_problem(rest)};
  return {member(field, rest.substr(0, colon)), reword_protobuf_problem(rest.substr(colon + 2))};
}

}  // namespace

pb::TrainingConfig to_message(const json& document, const Reporter& r) {
  if (document.is_null()) r.fail("", "is empty");
  if (!document.is_object()) r.fail("", "must be a mapping of the fields of proto/eligo/config.proto");
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  pb::TrainingConfig config;
  const std::string text = document.dump(-1, ' ', false, json::error_handler_t::replace);
  const auto status = google::protobuf::util::JsonStringToMessage(text, &config, options);
  if (!status.ok()) {
    const auto [field, problem] = split_protobuf_error(std::string(status.message()));
    r.fail(field, problem);
  }
  return config;
}

}  // namespace eligo::config_loading
