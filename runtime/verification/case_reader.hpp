#pragma once
// Typed access to a parsed NEST case file: each accessor checks the JSON type and range and fails with a
// CaseFileError naming the file and the field's JSON pointer (e.g. "/populations/rec/params/tau_m"), so the
// loader's sections read like the tables of tests/data/nest/README.md.
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/core/file_field_error.hpp"
#include "runtime/core/format_number.hpp"
#include "runtime/core/named_value.hpp"
#include "runtime/core/time.hpp"
#include "runtime/models/parameter_checks.hpp"
#include "runtime/verification/reference_case.hpp"

namespace eligo::case_loading {

using json = nlohmann::json;

inline std::string show(double x) { return format_number(x); }

// A JSON value as written, shortened; replaces invalid UTF-8 instead of throwing.
inline std::string show(const json& v) {
  std::string s = v.dump(-1, ' ', false, json::error_handler_t::replace);
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

inline std::string in_quotes(std::string_view s) { return "\"" + std::string(s) + "\""; }

// JSON pointer (RFC 6901) of a member / an element.
inline std::string child(const std::string& ptr, std::string_view key) {
  std::string out = ptr + "/";
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}
inline std::string child(const std::string& ptr, std::size_t index) { return ptr + "/" + std::to_string(index); }

struct Field {
  const json& value;
  std::string ptr;
};

class CaseReader : public FieldReporter<CaseFileError> {
 public:
  using FieldReporter::FieldReporter;

  // --- structure

  void expect_object(const Field& f) const {
    if (!f.value.is_object()) fail(f.ptr, "must be an object (got " + show(f.value) + ")");
  }
  void expect_array(const Field& f) const {
    if (!f.value.is_array()) fail(f.ptr, "must be an array (got " + show(f.value) + ")");
  }
  void expect_size(const Field& f, std::size_t n, const std::string& what) const {
    expect_array(f);
    if (f.value.size() != n)
      fail(f.ptr,
           "must have " + std::to_string(n) + " entries, " + what + " (got " + std::to_string(f.value.size()) + ")");
  }

  std::optional<Field> find(const Field& obj, std::string_view key) const {
    expect_object(obj);
    const auto it = obj.value.find(std::string(key));
    if (it == obj.value.end()) return std::nullopt;
    return Field{*it, child(obj.ptr, key)};
  }
  Field at(const Field& obj, std::string_view key) const {
    if (auto f = find(obj, key)) return *f;
    fail(child(obj.ptr, key), "missing required field");
  }
  Field at(const Field& array, std::size_t index) const { return Field{array.value[index], child(array.ptr, index)}; }

  // --- scalars

  // A parameter: a JSON number, or the strings "inf" (+infinity) and "-DBL_MAX" (lowest double) that the
  // case files use for NEST's non-finite defaults.
  double parameter(const Field& f) const {
    if (f.value.is_number()) return f.value.get<double>();
    if (f.value.is_string()) {
      const auto& s = f.value.get_ref<const std::string&>();
      if (s == "inf") return std::numeric_limits<double>::infinity();
      if (s == "-DBL_MAX") return -DBL_MAX;
    }
    fail(f.ptr, "must be a number, \"inf\" or \"-DBL_MAX\" (got " + show(f.value) + ")");
  }

  // A plain finite JSON number (weights, times, signal values).
  double finite(const Field& f) const {
    if (!f.value.is_number()) fail(f.ptr, "must be a number (got " + show(f.value) + ")");
    const double x = f.value.get<double>();
    expect(std::isfinite(x), f.ptr, "finite", x);
    return x;
  }

  // An integer written as one (5.0 is rejected: a float index or count means a broken writer) in [lo, hi].
  std::int64_t integer(const Field& f, std::int64_t lo, std::int64_t hi) const {
    if (auto x = integer_within(f, lo, hi)) return *x;
    fail(f.ptr,
         "must be between " + std::to_string(lo) + " and " + std::to_string(hi) + " (got " + show(f.value) + ")");
  }

  // A 0-based position in a population.
  std::uint32_t index(const Field& f, std::uint32_t population_size) const {
    if (auto x = integer_within(f, 0, std::int64_t{population_size} - 1)) return static_cast<std::uint32_t>(*x);
    fail(f.ptr, "index out of range [0, " + std::to_string(population_size) + ") (got " + show(f.value) + ")");
  }

  bool boolean(const Field& f) const {
    if (!f.value.is_boolean()) fail(f.ptr, "must be true or false (got " + show(f.value) + ")");
    return f.value.get<bool>();
  }

  const std::string& string(const Field& f) const {
    if (!f.value.is_string()) fail(f.ptr, "must be a string (got " + show(f.value) + ")");
    return f.value.get_ref<const std::string&>();
  }

  template <class E, std::size_t N>
  E choice(const Field& f, const NamedValue<E> (&options)[N]) const {
    const std::string& s = string(f);
    std::string names;
    for (const auto& o : options) {
      if (s == o.name) return o.value;
      names += (names.empty() ? "" : ", ") + std::string(o.name);
    }
    fail(f.ptr, "unknown value " + in_quotes(s) + " (expected one of: " + names + ")");
  }

  // A string field that has exactly one admissible value (e.g. a synapse model NEST's e-prop needs).
  void expect_literal(const Field& f, std::string_view expected) const {
    if (string(f) != expected) fail(f.ptr, "must be " + in_quotes(expected) + " (got " + show(f.value) + ")");
  }

  // A time in ms on the step grid: round(ms / h).
  Step time_step(const Field& f, double h) const {
    const double ms = finite(f);
    expect(ms >= 0.0, f.ptr, ">= 0 ms", ms);
    expect(ms / h <= kMaxFiniteSteps, f.ptr, "at most " + show(kMaxFiniteSteps) + " steps", ms);
    return ms_to_steps(ms, h);
  }

  // --- arrays

  std::vector<double> finite_array(const Field& f) const {
    expect_array(f);
    std::vector<double> out;
    out.reserve(f.value.size());
    for (std::size_t i = 0; i < f.value.size(); ++i) out.push_back(finite(at(f, i)));
    return out;
  }

  std::vector<std::uint32_t> index_array(const Field& f, std::uint32_t population_size) const {
    expect_array(f);
    std::vector<std::uint32_t> out;
    out.reserve(f.value.size());
    for (std::size_t i = 0; i < f.value.size(); ++i) out.push_back(index(at(f, i), population_size));
    return out;
  }

  // Ascending times in ms (as NEST's spike_generator requires), converted to steps.
  std::vector<Step> spike_steps(const Field& f, double h) const {
    expect_array(f);
    std::vector<Step> out;
    out.reserve(f.value.size());
    double previous_ms = 0.0;
    for (std::size_t i = 0; i < f.value.size(); ++i) {
      const Field t = at(f, i);
      out.push_back(time_step(t, h));
      const double ms = t.value.get<double>();
      expect(i == 0 || ms >= previous_ms, t.ptr, ">= the previous spike time " + show(previous_ms) + " ms", ms);
      previous_ms = ms;
    }
    return out;
  }

  // A delay_ms field, if present, must be exactly one step: NEST's e-prop models accept no other delay,
  // and the engine's event timing assumes it.
  void expect_one_step_delay(const Field& block, double h) const {
    if (auto d = find(block, "delay_ms")) {
      const double ms = finite(*d);
      // ms / h < 2 first: it keeps absurd values away from the integer conversion.
      expect(ms > 0.0 && ms / h < 2.0 && ms_to_steps(ms, h) == 1, d->ptr, "one step (" + show(h) + " ms)", ms);
    }
  }

 private:
  // nullopt when outside [lo, hi]; fails when not an integer at all.
  std::optional<std::int64_t> integer_within(const Field& f, std::int64_t lo, std::int64_t hi) const {
    if (!f.value.is_number_integer()) fail(f.ptr, "must be an integer (got " + show(f.value) + ")");
    // Unsigned values above INT64_MAX exceed every bound used here.
    if (f.value.is_number_unsigned() && f.value.get<std::uint64_t>() > std::uint64_t{INT64_MAX}) return std::nullopt;
    const auto x = f.value.get<std::int64_t>();
    if (x < lo || x > hi) return std::nullopt;
    return x;
  }
};

}  // namespace eligo::case_loading
