#pragma once
// A short description of a recording, what `eligo data info FILE` prints: format, sensor size, event
// counts by polarity, the first and last times, and the first and last few events as [t_us, x, y, p]
// (p 1 for ON, 0 for OFF). Times are null when the recording holds no event.
#include <cstddef>
#include <nlohmann/json.hpp>

#include "runtime/data/formats/camera_events.hpp"

namespace eligo {

nlohmann::ordered_json recording_summary(const CameraRecording& recording, std::size_t edge_events = 3);

}  // namespace eligo
