#pragma once
// An error in an input file that says where: "<file>: field <field>: <problem>" (no field part when
// the problem is the file as a whole, e.g. malformed JSON).
#include <filesystem>
#include <stdexcept>
#include <string>
#include <utility>

#include "runtime/core/format_number.hpp"

namespace eligo {

class FileFieldError : public std::runtime_error {
 public:
  FileFieldError(const std::filesystem::path& file, const std::string& field, const std::string& problem)
      : std::runtime_error(file.string() + ": " + (field.empty() ? "" : "field " + field + ": ") + problem),
        field_(field) {}
  const std::string& field() const { return field_; }

 private:
  std::string field_;
};

// Raises Error(file, field, problem) for one input file; the loaders' readers build on it.
template <class Error>
class FieldReporter {
 public:
  explicit FieldReporter(std::filesystem::path file) : file_(std::move(file)) {}
  const std::filesystem::path& file() const { return file_; }

  [[noreturn]] void fail(const std::string& field, const std::string& problem) const {
    throw Error(file_, field, problem);
  }
  // "must be <expectation> (got <x>)" unless ok. Write ok as the positive condition so NaN fails it.
  void expect(bool ok, const std::string& field, const std::string& expectation, double got) const {
    if (!ok) fail(field, "must be " + expectation + " (got " + format_number(got) + ")");
  }

 private:
  std::filesystem::path file_;
};

}  // namespace eligo
