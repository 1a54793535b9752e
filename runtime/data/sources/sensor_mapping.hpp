#pragma once
// How a sensor's events become input spikes of one sample (docs/data.md, "From a sensor to the inputs"):
//   crop     a rectangle of the sensor (default: all of it); events outside it are dropped;
//   grid     spatial pooling: the crop is divided into grid_width × grid_height cells, and every event of a
//            cell drives that cell's input (640 × 480 → 32 × 24 pools 20 × 20 pixels);
//   polarity kept (OFF cells first, then ON: 2 · cells inputs) or merged (cells inputs);
//   time     relative to the file's zero or to the sample's first event, and a window after which
//            events are dropped.
// The N-MNIST task's mapping (whole 34 × 34 sensor, no pooling, polarity kept, file times, no window)
// is identity(34, 34): input = polarity · 34² + y · 34 + x, as NEST's example encodes it.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "runtime/data/formats/camera_events.hpp"

namespace eligo {

enum class TimeOrigin { file, first_event };

struct SensorMapping {
  std::uint32_t width = 0, height = 0;  // the sensor; a file's event outside it is an error
  std::uint32_t crop_x = 0, crop_y = 0, crop_width = 0, crop_height = 0;
  std::uint32_t grid_width = 0, grid_height = 0;
  bool merge_polarity = false;
  TimeOrigin origin = TimeOrigin::file;
  double window_us = std::numeric_limits<double>::infinity();  // events at or after it are dropped

  // The whole sensor, one input per pixel and polarity, file times, no window.
  static SensorMapping identity(std::uint32_t width, std::uint32_t height);

  std::uint32_t cells() const { return grid_width * grid_height; }
  std::uint32_t inputs() const { return cells() * (merge_polarity ? 1u : 2u); }
  // The input an event drives, or nothing when it falls outside the crop.
  std::optional<std::uint32_t> input_of(const CameraEvent& e) const;
  // What is wrong with the mapping ("" when nothing): an empty or out-of-sensor crop, a grid finer than
  // the crop or with more inputs than 32 bits count, a window that is not positive.
  std::string problem() const;
};

}  // namespace eligo
