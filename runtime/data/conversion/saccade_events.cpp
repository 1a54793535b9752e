#include "runtime/data/conversion/saccade_events.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

namespace eligo {
namespace {

constexpr int kSensorPixels = kNmnistSide * kNmnistSide;
constexpr double kMaxTimeUs = (1u << 23) - 1;  // the N-MNIST format's 23-bit timestamps

struct Point {
  double x = 0.0, y = 0.0;
};

// The triangle's corners in the order the saccades visit them (y grows downwards, as image rows).
std::array<Point, 4> saccade_corners(double amplitude) {
  return {Point{0.0, 0.0}, Point{amplitude / 2, amplitude}, Point{amplitude, 0.0}, Point{0.0, 0.0}};
}

// Where the digit's top-left pixel centre lies in sensor coordinates at time t.
Point digit_origin(const SaccadeSensorParams& p, double t_us) {
  // Centre the triangle's bounding box, so the digit stays inside the field of view on every side.
  const double margin = (kNmnistSide - kMnistSide - p.saccade_amplitude_px) / 2;
  const double saccade_us = p.saccade_ms * 1e3;
  const auto corners = saccade_corners(p.saccade_amplitude_px);
  const int side = std::min(2, static_cast<int>(t_us / saccade_us));
  const double s = std::clamp((t_us - side * saccade_us) / saccade_us, 0.0, 1.0);
  // Raised cosine: the platform starts and stops at rest instead of jumping to full speed.
  const double progress = (1.0 - std::cos(std::numbers::pi * s)) / 2;
  const Point& a = corners[static_cast<std::size_t>(side)];
  const Point& b = corners[static_cast<std::size_t>(side) + 1];
  return {margin + a.x + (b.x - a.x) * progress, margin + a.y + (b.y - a.y) * progress};
}

// The digit with a black border wide enough that bilinear sampling never leaves the array, wherever
// the saccades put it (no bounds test in the inner loop).
constexpr int kPad = kNmnistSide - kMnistSide + 1;

// The row-major index of (row, col) in an image `side` pixels wide, formed in size_t (rows, columns and
// sides are small non-negative ints).
constexpr std::size_t cell(int row, int col, int side) {
  return static_cast<std::size_t>(row) * static_cast<std::size_t>(side) + static_cast<std::size_t>(col);
}
constexpr int kPaddedSide = kMnistSide + 2 * kPad;

struct PaddedImage {
  std::vector<float> pixels = std::vector<float>(cell(kPaddedSide, 0, kPaddedSide), 0.0f);
  float at(int row, int col) const { return pixels[cell(row + kPad, col + kPad, kPaddedSide)]; }
};

PaddedImage pad(const MnistImage& image) {
  PaddedImage padded;
  for (int r = 0; r < kMnistSide; ++r) {
    for (int c = 0; c < kMnistSide; ++c) {
      padded.pixels[cell(r + kPad, c + kPad, kPaddedSide)] = image[cell(r, c, kMnistSide)];
    }
  }
  return padded;
}

// The sensor pixels that ever see ink during the saccades; all others stay black and never fire, so
// rendering skips them (about half the field for a typical digit).
struct SensorWindow {
  int x0 = 0, x1 = -1, y0 = 0, y1 = -1;  // inclusive; empty when x1 < x0
};

SensorWindow ink_window(const MnistImage& image, const SaccadeSensorParams& p) {
  int r_min = kMnistSide, r_max = -1, c_min = kMnistSide, c_max = -1;
  for (int r = 0; r < kMnistSide; ++r) {
    for (int c = 0; c < kMnistSide; ++c) {
      if (image[cell(r, c, kMnistSide)] == 0.0f) continue;
      r_min = std::min(r_min, r), r_max = std::max(r_max, r), c_min = std::min(c_min, c), c_max = std::max(c_max, c);
    }
  }
  if (r_max < 0) return {};
  // A sensor pixel at s samples image coordinate s - origin, origin in [margin, margin + A]; it touches
  // ink when that lies within one pixel of the ink's bounding box.
  const double lo = digit_origin(p, 0.0).x;  // the path starts at the corner (0, 0): origin = margin
  const double hi = lo + p.saccade_amplitude_px;
  const auto clamp_side = [](double v) { return std::clamp(static_cast<int>(v), 0, kNmnistSide - 1); };
  return {clamp_side(std::floor(c_min - 1 + lo)), clamp_side(std::ceil(c_max + 1 + hi)),
          clamp_side(std::floor(r_min - 1 + lo)), clamp_side(std::ceil(r_max + 1 + hi))};
}

// Log intensity of the window's sensor pixels with the digit's origin at `origin` (bilinear sampling).
void render_log_intensity(const PaddedImage& image, const SensorWindow& w, Point origin, double log_offset,
                          std::vector<double>& out) {
  const double dark = std::log(log_offset);
  for (int sy = w.y0; sy <= w.y1; ++sy) {
    const double v = sy - origin.y;
    const int r0 = static_cast<int>(std::floor(v));
    const double fv = v - r0;
    for (int sx = w.x0; sx <= w.x1; ++sx) {
      const double u = sx - origin.x;
      const int c0 = static_cast<int>(std::floor(u));
      const double fu = u - c0;
      const double i00 = image.at(r0, c0), i01 = image.at(r0, c0 + 1);
      const double i10 = image.at(r0 + 1, c0), i11 = image.at(r0 + 1, c0 + 1);
      const double intensity = (1 - fv) * ((1 - fu) * i00 + fu * i01) + fv * ((1 - fu) * i10 + fu * i11);
      // Much of the window is still background: skip the log there.
      out[cell(sy, sx, kNmnistSide)] = intensity > 0 ? std::log(intensity + log_offset) : dark;
    }
  }
}

struct PixelState {
  double reference = 0.0;  // ln intensity at the last event (or at the start)
  double on_threshold = 0.0, off_threshold = 0.0;
  double last_event_us = -INFINITY;
};

}  // namespace

std::string validate(const SaccadeSensorParams& p) {
  const double total_us = 3 * p.saccade_ms * 1e3;
  if (!(p.contrast_threshold > 0)) return "contrast threshold must be > 0";
  if (!(p.threshold_mismatch >= 0 && p.threshold_mismatch <= 0.3)) return "threshold mismatch must be in [0, 0.3]";
  if (!(p.log_offset > 0)) return "log offset must be > 0";
  if (!(p.saccade_amplitude_px >= 0 && p.saccade_amplitude_px <= kNmnistSide - kMnistSide)) {
    return "saccade amplitude must be in [0, 6] pixels (the 28-pixel digit must stay in the 34-pixel field)";
  }
  if (!(p.saccade_ms > 0 && total_us <= kMaxTimeUs)) {
    return "saccade duration must be > 0 and the three saccades must fit 23-bit µs timestamps (≤ 2796 ms each)";
  }
  if (!(p.tick_us >= 1 && p.tick_us <= p.saccade_ms * 1e3)) return "tick must be in [1 µs, one saccade]";
  if (!(p.refractory_us >= 0)) return "refractory period must be ≥ 0";
  return "";
}

std::vector<NmnistEvent> simulate_saccade_events(const MnistImage& image, const SaccadeSensorParams& p,
                                                 CounterRng& rng) {
  const double total_us = 3 * p.saccade_ms * 1e3;
  const PaddedImage padded = pad(image);
  const SensorWindow window = ink_window(image, p);
  // Pixels outside the window keep the dark level throughout.
  std::vector<double> before(kSensorPixels, std::log(p.log_offset)), after = before;
  render_log_intensity(padded, window, digit_origin(p, 0.0), p.log_offset, before);

  std::vector<PixelState> pixels(kSensorPixels);
  for (int i = 0; i < kSensorPixels; ++i) {
    PixelState& px = pixels[static_cast<std::size_t>(i)];
    px.reference = before[static_cast<std::size_t>(i)];  // the sensor has adapted to the still image
    // Never below a tenth of the nominal threshold: a tail draw must not make a pixel fire at noise.
    px.on_threshold = p.contrast_threshold * std::max(0.1, 1 + p.threshold_mismatch * rng.normal());
    px.off_threshold = p.contrast_threshold * std::max(0.1, 1 + p.threshold_mismatch * rng.normal());
  }

  std::vector<NmnistEvent> events;
  const auto emit = [&](int pixel, bool on, double t_us) {
    PixelState& px = pixels[static_cast<std::size_t>(pixel)];
    const bool refractory = t_us - px.last_event_us < p.refractory_us;
    if (refractory) return;
    px.last_event_us = t_us;
    events.push_back({static_cast<std::uint8_t>(pixel % kNmnistSide), static_cast<std::uint8_t>(pixel / kNmnistSide),
                      on, static_cast<std::uint32_t>(std::llround(std::clamp(t_us, 0.0, total_us)))});
  };

  double t0 = 0.0;
  while (t0 < total_us) {
    const double t1 = std::min(t0 + p.tick_us, total_us);
    render_log_intensity(padded, window, digit_origin(p, t1), p.log_offset, after);
    for (int i = 0; i < kSensorPixels; ++i) {
      const double l0 = before[static_cast<std::size_t>(i)], l1 = after[static_cast<std::size_t>(i)];
      if (l0 == l1) continue;
      PixelState& px = pixels[static_cast<std::size_t>(i)];
      // Each threshold crossing is one event, timed where the straight line l0 → l1 crosses it.
      while (l1 - px.reference >= px.on_threshold) {
        px.reference += px.on_threshold;
        emit(i, true, t0 + (t1 - t0) * std::clamp((px.reference - l0) / (l1 - l0), 0.0, 1.0));
      }
      while (px.reference - l1 >= px.off_threshold) {
        px.reference -= px.off_threshold;
        emit(i, false, t0 + (t1 - t0) * std::clamp((px.reference - l0) / (l1 - l0), 0.0, 1.0));
      }
    }
    before.swap(after);
    t0 = t1;
  }
  // Crossings were found pixel by pixel; the file wants them in time order (a full key makes the
  // order independent of the sort algorithm).
  std::sort(events.begin(), events.end(), [](const NmnistEvent& a, const NmnistEvent& b) {
    if (a.time_us != b.time_us) return a.time_us < b.time_us;
    if (a.y != b.y) return a.y < b.y;
    if (a.x != b.x) return a.x < b.x;
    return a.on < b.on;
  });
  return events;
}

}  // namespace eligo
