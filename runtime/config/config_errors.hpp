#pragma once
// How the config loader reports a problem: every message names the file, the field (its path in the
// document, e.g. "populations[1].params.tau_m") and what is wrong. Shared by every stage of the loader.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/core/file_field_error.hpp"
#include "runtime/core/format_number.hpp"
#include "runtime/core/named_value.hpp"

namespace eligo {

// Every problem with a config file: the message names the file, the field and the problem, e.g.
// "examples/sine.yaml: field populations[1].params.tau_m: must be > 0 (got -3)".
class ConfigError : public FileFieldError {
 public:
  using FileFieldError::FileFieldError;
};

// The loader's stages (config_document.cpp … config_task.cpp) share these helpers.
namespace config_loading {

inline std::string show(double x) { return format_number(x); }

inline std::string in_quotes(std::string_view s) { return "\"" + std::string(s) + "\""; }

// Field paths as messages show them: "a.b" for a member, "a[2]" for an element.
inline std::string member(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}
inline std::string element(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

// Raises ConfigError for one file (FieldReporter) and checks integer ranges.
class Reporter : public FieldReporter<ConfigError> {
 public:
  using FieldReporter::FieldReporter;
  std::int64_t integer(std::int64_t x, const std::string& field, std::int64_t lo, std::int64_t hi) const {
    if (x < lo || x > hi)
      fail(field,
           "must be between " + std::to_string(lo) + " and " + std::to_string(hi) + " (got " + std::to_string(x) + ")");
    return x;
  }
};

template <class E>
using Choice = NamedValue<E>;

// The value named `s` in `options`; anything else fails with the list of names.
template <class E, std::size_t N>
E choose(const Reporter& r, const std::string& field, const std::string& s, const Choice<E> (&options)[N]) {
  std::string names;
  for (const auto& o : options) {
    if (s == o.name) return o.value;
    names += (names.empty() ? "" : ", ") + std::string(o.name);
  }
  r.fail(field,
         (s.empty() ? std::string("missing") : "unknown value " + in_quotes(s)) + " (expected one of: " + names + ")");
}

template <class E, std::size_t N>
std::string name_of(E value, const Choice<E> (&options)[N]) {
  for (const auto& o : options)
    if (o.value == value) return std::string(o.name);
  return "?";
}

}  // namespace config_loading

}  // namespace eligo
