#include "runtime/data/formats/recording_summary.hpp"

#include <algorithm>

namespace eligo {
namespace {

nlohmann::ordered_json event_json(const CameraEvent& e) { return {e.t_us, e.x, e.y, e.on ? 1 : 0}; }

}  // namespace

nlohmann::ordered_json recording_summary(const CameraRecording& recording, std::size_t edge_events) {
  const std::vector<CameraEvent>& events = recording.events;
  const auto on =
      static_cast<std::size_t>(std::count_if(events.begin(), events.end(), [](const CameraEvent& e) { return e.on; }));
  nlohmann::ordered_json j;
  j["format"] = recording.format;
  j["width"] = recording.width;
  j["height"] = recording.height;
  j["events"] = events.size();
  j["on"] = on;
  j["off"] = events.size() - on;
  j["t_first_us"] = events.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(events.front().t_us);
  j["t_last_us"] = events.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(events.back().t_us);
  const std::size_t n = std::min(edge_events, events.size());
  nlohmann::ordered_json first = nlohmann::ordered_json::array(), last = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < n; ++i) first.push_back(event_json(events[i]));
  for (std::size_t i = events.size() - n; i < events.size(); ++i) last.push_back(event_json(events[i]));
  j["first"] = std::move(first);
  j["last"] = std::move(last);
  return j;
}

}  // namespace eligo
