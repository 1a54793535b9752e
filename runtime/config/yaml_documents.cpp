#include "runtime/config/yaml_documents.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <optional>
#include <sstream>

namespace eligo::config_loading {
namespace {

// Remembers where each document's first node starts: a document that starts where the previous one
// did consumed nothing.
class FirstMarks final : public YAML::EventHandler {
 public:
  std::optional<YAML::Mark> first;

  void OnDocumentStart(const YAML::Mark&) override { first.reset(); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t) override { note(m); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { note(m); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t, const std::string&) override { note(m); }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    note(m);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    note(m);
  }
  void OnMapEnd() override {}

 private:
  void note(const YAML::Mark& m) {
    if (!first) first = m;
  }
};

}  // namespace

YamlDocuments count_yaml_documents(const std::string& text, std::size_t bound) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  FirstMarks marks;
  YamlDocuments d;
  std::optional<YAML::Mark> previous;
  while (d.count < bound && parser.HandleNextDocument(marks)) {
    if (marks.first && previous && marks.first->pos == previous->pos) {
      d.stuck = true;
      d.line = static_cast<std::size_t>(marks.first->line) + 1;
      d.column = static_cast<std::size_t>(marks.first->column) + 1;
      return d;
    }
    previous = marks.first;
    ++d.count;
  }
  return d;
}

}  // namespace eligo::config_loading
