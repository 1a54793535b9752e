// Reads stream ids, type identifiers and sensor sizes out of an AEDAT 4 infoNode (aedat4_info_node.hpp).
// One forward pass over the text, each step moving past at least one character, so any input ends.
#include "runtime/data/formats/aedat4_info_node.hpp"

#include <map>
#include <optional>

namespace eligo {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// The value of attribute `name` in the inside of a tag ("node name=\"0\" path=\"/x/\""), if present.
std::optional<std::string_view> attribute(std::string_view tag, std::string_view name) {
  for (std::size_t at = tag.find(name); at != std::string_view::npos; at = tag.find(name, at + 1)) {
    // A whole attribute name: preceded by a space and followed by =" or ='.
    if (at == 0 || !is_space(tag[at - 1])) continue;
    const std::size_t eq = at + name.size();
    if (eq + 1 >= tag.size() || tag[eq] != '=' || (tag[eq + 1] != '"' && tag[eq + 1] != '\'')) continue;
    const std::size_t close = tag.find(tag[eq + 1], eq + 2);
    if (close == std::string_view::npos) return std::nullopt;
    return tag.substr(eq + 2, close - eq - 2);
  }
  return std::nullopt;
}

// Stream nodes are named by their id: a non-negative int32 in decimal.
std::optional<std::int32_t> stream_id(std::string_view node_name) {
  if (node_name.empty() || node_name.size() > 10) return std::nullopt;
  std::int64_t id = 0;
  for (char c : node_name) {
    if (c < '0' || c > '9') return std::nullopt;
    id = id * 10 + (c - '0');
  }
  if (id > INT32_MAX) return std::nullopt;
  return static_cast<std::int32_t>(id);
}

// The stream with this id, added at the end when new (the index keeps many-stream inputs linear).
Aedat4Stream& stream_with_id(std::vector<Aedat4Stream>& streams, std::map<std::int32_t, std::size_t>& index,
                             std::int32_t id) {
  const auto [it, added] = index.try_emplace(id, streams.size());
  if (added) streams.push_back({id, "", "", ""});
  return streams[it->second];
}

}  // namespace

std::vector<Aedat4Stream> parse_aedat4_streams(std::string_view xml) {
  std::vector<Aedat4Stream> streams;
  std::map<std::int32_t, std::size_t> index;
  std::vector<std::string_view> open_nodes;  // names of the <node> elements we are inside
  std::size_t pos = 0;
  while (true) {
    const std::size_t lt = xml.find('<', pos);
    if (lt == std::string_view::npos) break;
    // Comments and declarations may hold '>' of their own: skip them whole.
    if (xml.substr(lt, 4) == "<!--" || xml.substr(lt, 2) == "<?") {
      const std::string_view end = xml[lt + 1] == '?' ? "?>" : "-->";
      const std::size_t close = xml.find(end, lt + 2);
      if (close == std::string_view::npos) break;
      pos = close + end.size();
      continue;
    }
    const std::size_t gt = xml.find('>', lt + 1);
    if (gt == std::string_view::npos) break;
    pos = gt + 1;
    std::string_view tag = trim(xml.substr(lt + 1, gt - lt - 1));
    if (!tag.empty() && tag.front() == '/') {
      if (trim(tag.substr(1)) == "node" && !open_nodes.empty()) open_nodes.pop_back();
      continue;
    }
    const bool self_closing = !tag.empty() && tag.back() == '/';
    if (self_closing) tag.remove_suffix(1);
    std::size_t name_end = 0;
    while (name_end < tag.size() && !is_space(tag[name_end])) ++name_end;
    const std::string_view element = tag.substr(0, name_end);
    if (element == "node") {
      if (!self_closing) open_nodes.push_back(attribute(tag, "name").value_or(""));
      continue;
    }
    if (element != "attr" || self_closing || open_nodes.empty()) continue;
    const std::string_view key = attribute(tag, "key").value_or("");
    const std::size_t text_end = xml.find('<', pos);
    const std::string_view text = trim(xml.substr(pos, text_end == std::string_view::npos ? xml.npos : text_end - pos));
    // typeIdentifier sits directly in the stream's node; sizeX/sizeY in its child node "info".
    if (key == "typeIdentifier") {
      if (const auto id = stream_id(open_nodes.back())) stream_with_id(streams, index, *id).type = std::string(text);
    } else if ((key == "sizeX" || key == "sizeY") && open_nodes.size() >= 2 && open_nodes.back() == "info") {
      if (const auto id = stream_id(open_nodes[open_nodes.size() - 2])) {
        Aedat4Stream& s = stream_with_id(streams, index, *id);
        (key == "sizeX" ? s.size_x : s.size_y) = std::string(text);
      }
    }
  }
  return streams;
}

}  // namespace eligo
