#include "runtime/data/sources/event_encoding.hpp"

#include <algorithm>
#include <cmath>

namespace eligo {

std::optional<std::size_t> encode_events(const std::vector<CameraEvent>& events, const EventEncoding& encoding,
                                         std::vector<InputSpike>& spikes) {
  const SensorMapping& sensor = encoding.sensor;
  spikes.reserve(spikes.size() + events.size());
  const double us_per_step = 1000.0 * encoding.resolution_ms;
  const std::int64_t t0 = sensor.origin == TimeOrigin::first_event && !events.empty() ? events.front().t_us : 0;
  for (std::size_t n = 0; n < events.size(); ++n) {
    const CameraEvent& e = events[n];
    if (e.x >= sensor.width || e.y >= sensor.height) return n;
    const double t = static_cast<double>(e.t_us - t0);
    if (!(t < sensor.window_us)) continue;  // after the sample's time window
    const std::optional<std::uint32_t> input = sensor.input_of(e);
    if (!input) continue;  // outside the crop
    const double step = std::floor(t / us_per_step);
    const Step r = std::clamp<Step>(static_cast<Step>(step), 1, encoding.sequence - 1);
    spikes.push_back({r, *input});
  }
  return std::nullopt;
}

}  // namespace eligo
