#pragma once
// How the events of one sample become its input spikes (docs/data.md): the sensor mapping
// (sensor_mapping.hpp) picks the input of an event (x, y, polarity), and its time t µs from the origin
// (the recording's zero, or its first event) gives the relative step clamp(⌊t / (1000 h)⌋, 1,
// sequence − 1); events at or after the mapping's window are dropped. One function for every way a
// sample arrives: a file of a labelled folder, or a stretch of a client's stream (actors/stream/).
#include <cstddef>
#include <optional>
#include <vector>

#include "runtime/data/formats/camera_events.hpp"
#include "runtime/data/sources/data_source.hpp"
#include "runtime/data/sources/sensor_mapping.hpp"

namespace eligo {

struct EventEncoding {
  SensorMapping sensor;  // an event outside the sensor is an error
  double resolution_ms = 1.0;
  Step sequence = 0;
};

// Appends the spikes of `events` (in time order) to `spikes`. Returns the index of the first event
// outside the sensor and stops there, or nullopt when all were inside.
std::optional<std::size_t> encode_events(const std::vector<CameraEvent>& events, const EventEncoding& encoding,
                                         std::vector<InputSpike>& spikes);

}  // namespace eligo
