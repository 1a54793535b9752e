#include "runtime/data/sources/sensor_mapping.hpp"

#include <cstdint>
#include <string>

namespace eligo {

SensorMapping SensorMapping::identity(std::uint32_t width, std::uint32_t height) {
  SensorMapping m;
  m.width = m.crop_width = m.grid_width = width;
  m.height = m.crop_height = m.grid_height = height;
  return m;
}

std::optional<std::uint32_t> SensorMapping::input_of(const CameraEvent& e) const {
  if (e.x < crop_x || e.y < crop_y || e.x - crop_x >= crop_width || e.y - crop_y >= crop_height) return std::nullopt;
  // Integer cell boundaries: cell c of n covers pixels [c·w/n, (c+1)·w/n) of a crop w pixels wide.
  const std::uint64_t cx = std::uint64_t{e.x - crop_x} * grid_width / crop_width;
  const std::uint64_t cy = std::uint64_t{e.y - crop_y} * grid_height / crop_height;
  const std::uint32_t cell = static_cast<std::uint32_t>(cy) * grid_width + static_cast<std::uint32_t>(cx);
  return merge_polarity ? cell : (e.on ? 1u : 0u) * cells() + cell;
}

std::string SensorMapping::problem() const {
  if (width == 0 || height == 0) return "the sensor size must be positive";
  if (crop_width == 0 || crop_height == 0) return "the crop must not be empty";
  if (std::uint64_t{crop_x} + crop_width > width || std::uint64_t{crop_y} + crop_height > height)
    return "the crop (" + std::to_string(crop_x) + ", " + std::to_string(crop_y) + ") + " + std::to_string(crop_width) +
           " × " + std::to_string(crop_height) + " reaches beyond the " + std::to_string(width) + " × " +
           std::to_string(height) + " sensor";
  if (grid_width == 0 || grid_height == 0 || grid_width > crop_width || grid_height > crop_height)
    return "the grid " + std::to_string(grid_width) + " × " + std::to_string(grid_height) +
           " must have at least one cell and at most one cell per pixel of the " + std::to_string(crop_width) + " × " +
           std::to_string(crop_height) + " crop";
  // inputs() is formed in 32 bits: a 65,536 × 65,536 grid with both polarities would wrap around.
  if (std::uint64_t{grid_width} * grid_height * 2 > UINT32_MAX)
    return "the grid " + std::to_string(grid_width) + " × " + std::to_string(grid_height) + " has too many cells";
  if (!(window_us > 0)) return "the time window must be positive";
  return "";
}

}  // namespace eligo
