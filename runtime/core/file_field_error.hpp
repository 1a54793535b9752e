#pragma once
// An error in an input file that says where: "<file>: field <field>: <problem>" (no field part when
// the problem is the file as a whole, e.g. malformed JSON).
#include <filesystem>
#include <stdexcept>
#include <string>

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

}  // namespace eligo
