// Stage 1 of the config loader (config_document.hpp): text → one JSON tree, duplicate keys refused.
#include "runtime/config/config_document.hpp"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string_view>
#include <vector>

#include "runtime/config/yaml_documents.hpp"

namespace eligo::config_loading {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

std::string at_line(const YAML::Mark& mark) { return " (line " + std::to_string(mark.line + 1) + ")"; }

// An unquoted YAML scalar typed by the YAML 1.2 core schema. Infinities and NaN become the strings
// protobuf's JSON mapping uses for them, since JSON has no literal for either.
// YAML 1.2 core schema scalars, matched by hand: std::regex takes microseconds a match, which a
// document of many values (aliases) turns into seconds.
std::size_t skip_digits(std::string_view s, std::size_t i) {
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  return i;
}
std::size_t skip_sign(std::string_view s) { return !s.empty() && (s[0] == '-' || s[0] == '+') ? 1 : 0; }

bool is_integer(std::string_view s) {  // [-+]?[0-9]+
  const std::size_t start = skip_sign(s);
  return s.size() > start && skip_digits(s, start) == s.size();
}

bool is_floating(std::string_view s) {  // [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
  std::size_t i = skip_sign(s);
  if (i < s.size() && s[i] == '.') {
    const std::size_t end = skip_digits(s, i + 1);
    if (end == i + 1) return false;
    i = end;
  } else {
    const std::size_t end = skip_digits(s, i);
    if (end == i) return false;
    i = end;
    if (i < s.size() && s[i] == '.') i = skip_digits(s, i + 1);
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    const std::size_t end = skip_digits(s, i);
    if (end == i) return false;
    i = end;
  }
  return i == s.size();
}

bool one_of(std::string_view s, std::initializer_list<std::string_view> words) {
  for (std::string_view w : words)
    if (s == w) return true;
  return false;
}

json plain_scalar(const std::string& s) {
  const std::string_view unsigned_part = std::string_view(s).substr(skip_sign(s));
  if (one_of(s, {"true", "True", "TRUE", "false", "False", "FALSE"})) return s[0] == 't' || s[0] == 'T';
  const std::string digits = !s.empty() && s[0] == '+' ? s.substr(1) : s;  // from_chars takes no '+'
  const char* first = digits.data();
  const char* last = first + digits.size();
  if (is_integer(s)) {
    std::int64_t i = 0;
    if (std::from_chars(first, last, i).ec == std::errc()) return i;
    std::uint64_t u = 0;
    if (std::from_chars(first, last, u).ec == std::errc()) return u;
  }
  if (is_floating(s)) {
    double x = 0.0;
    const auto res = std::from_chars(first, last, x);
    if (res.ec == std::errc() && std::isfinite(x)) return x;
    return s;  // out of the double range: protobuf reports it as a wrong value for the field
  }
  if (one_of(unsigned_part, {".inf", ".Inf", ".INF"})) return s[0] == '-' ? "-Infinity" : "Infinity";
  if (one_of(s, {".nan", ".NaN", ".NAN"})) return "NaN";
  return s;
}

// A config has a few hundred values; aliases (*name) copy what their anchor holds, so a small text could
// otherwise expand into billions of values ("billion laughs").
constexpr std::size_t kMaxYamlValues = 100'000;
// A config nests a few levels; an alias inside its own anchor ("a: &a [*a]") nests without end.
constexpr std::size_t kMaxYamlDepth = 64;

json yaml_to_json(const YAML::Node& node, const Reporter& r, const std::string& path, std::size_t& values,
                  std::size_t depth = 0) {
  if (++values > kMaxYamlValues)
    r.fail(path, "the document expands to more than " + std::to_string(kMaxYamlValues) +
                     " values (through YAML aliases); a config needs far fewer");
  if (depth > kMaxYamlDepth)
    r.fail(path, "nests deeper than " + std::to_string(kMaxYamlDepth) +
                     " levels (an alias inside its own anchor?); a config needs far fewer");
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return nullptr;
    case YAML::NodeType::Scalar:
      // "!" marks a quoted scalar: always a string, so size: "10" stays text.
      if (node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str") return node.Scalar();
      if (node.Tag() != "?") r.fail(path, "unsupported YAML tag " + node.Tag() + at_line(node.Mark()));
      return plain_scalar(node.Scalar());
    case YAML::NodeType::Sequence: {
      json array = json::array();
      for (const YAML::Node& item : node)
        array.push_back(yaml_to_json(item, r, element(path, array.size()), values, depth + 1));
      return array;
    }
    case YAML::NodeType::Map: {
      json object = json::object();
      for (const auto& entry : node) {
        if (!entry.first.IsScalar()) r.fail(path, "keys must be plain names" + at_line(entry.first.Mark()));
        const std::string& key = entry.first.Scalar();
        const std::string field = member(path, key);
        if (object.contains(key)) r.fail(field, "duplicate key" + at_line(entry.first.Mark()));
        object[key] = yaml_to_json(entry.second, r, field, values, depth + 1);
      }
      return object;
    }
  }
  return nullptr;
}

json parse_yaml(const std::string& text, const Reporter& r) {
  try {
    // Not YAML::LoadAll, which never returns on some malformed texts (yaml_documents.hpp).
    const YamlDocuments documents = count_yaml_documents(text, 2);
    if (documents.stuck)
      r.fail("", "malformed YAML at line " + std::to_string(documents.line) + ", column " +
                     std::to_string(documents.column) + ": no value can start there");
    if (documents.count > 1) r.fail("", "holds more than one YAML document (expected one)");
    std::size_t values = 0;
    return documents.count == 0 ? json() : yaml_to_json(YAML::Load(text), r, "", values);
  } catch (const YAML::Exception& e) {
    r.fail("", "malformed YAML at line " + std::to_string(e.mark.line + 1) + ", column " +
                   std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
}

// Follows nlohmann's parse events to know the path of the key being read, so that a duplicate key
// is reported with its field.
class DuplicateKeyCheck {
 public:
  explicit DuplicateKeyCheck(const Reporter& r) : r_(r) {}

  bool operator()(int /*depth*/, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
        frames_.emplace_back(false);
        break;
      case json::parse_event_t::array_start:
        frames_.emplace_back(true);
        break;
      case json::parse_event_t::key: {
        Frame& f = frames_.back();
        f.key = parsed.get<std::string>();
        if (!f.keys.insert(f.key).second) r_.fail(path(), "duplicate key");
        break;
      }
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        frames_.pop_back();
        element_done();
        break;
      case json::parse_event_t::value:
        element_done();
        break;
    }
    return true;
  }

 private:
  struct Frame {
    explicit Frame(bool is_array) : array(is_array) {}
    bool array;
    std::size_t index = 0;
    std::string key;
    std::set<std::string> keys;
  };

  void element_done() {
    if (!frames_.empty() && frames_.back().array) ++frames_.back().index;
  }
  std::string path() const {
    std::string p;
    for (const Frame& f : frames_) p = f.array ? element(p, f.index) : member(p, f.key);
    return p;
  }

  const Reporter& r_;
  std::vector<Frame> frames_;
};

json parse_json(const std::string& text, const Reporter& r) {
  try {
    return json::parse(text, DuplicateKeyCheck(r));
  } catch (const json::exception& e) {
    // what() reads "[json.exception.parse_error.101] parse error at line 3, column 5: …".
    const std::string what = e.what();
    const auto tag_end = what.find("] ");
    r.fail("", "malformed JSON: " + (tag_end == std::string::npos ? what : what.substr(tag_end + 2)));
  }
}

}  // namespace

std::string read_text(const Reporter& r) {
  std::error_code ec;
  if (!fs::exists(r.file(), ec)) r.fail("", "no such file");
  if (!fs::is_regular_file(r.file(), ec)) r.fail("", "not a regular file");
  std::ifstream in(r.file(), std::ios::binary);
  if (!in) r.fail("", std::string("cannot open for reading: ") + std::strerror(errno));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) r.fail("", "read error");
  return text;
}

json parse_document(const std::string& text, const Reporter& r) {
  const std::string ext = r.file().extension().string();
  if (ext == ".yaml" || ext == ".yml") return parse_yaml(text, r);
  if (ext == ".json") return parse_json(text, r);
  r.fail("", "unknown config format " + in_quotes(ext) + " (expected .yaml, .yml or .json)");
}

}  // namespace eligo::config_loading
