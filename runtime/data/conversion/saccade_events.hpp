#pragma once
// A simulated event camera looking at a static MNIST digit while it makes the three saccades of the
// N-MNIST recordings (Orchard et al. 2015, "Converting static image datasets to spiking neuromorphic
// datasets using saccades", Front. Neurosci. 9:437). docs/data.md explains the model; in short:
//
//   path:    the digit sits in the 34 × 34 field of view and moves along an isosceles triangle
//            (0,0) → (A/2, A) → (A, 0) → (0,0) pixels, one saccade per side, each saccade_ms long,
//            with a smooth (raised-cosine) speed profile: start and end at rest, like the pan-tilt unit
//   render:  every tick, each sensor pixel samples the moved image bilinearly (sub-pixel motion
//            changes intensities gradually, as optics do); outside the digit the scene is black (0)
//   pixel:   L = ln(I + log_offset). Each pixel keeps a reference level; whenever L moves by at least
//            its threshold above (ON) or below (OFF) the reference, it emits an event and moves the
//            reference by one threshold, so a large change gives several events in one tick. Event
//            times are interpolated linearly inside the tick. An event within refractory_us of the
//            pixel's previous one is dropped (the reference still moves).
//   noise:   per-pixel threshold mismatch (ON and OFF drawn separately, relative σ), the fixed-pattern
//            variation of real DVS/ATIS pixels; drawn from the given random stream, so a sample is a
//            pure function of (image, parameters, stream).
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/data/formats/mnist_digits.hpp"
#include "runtime/data/formats/nmnist_file.hpp"
#include "runtime/network/connection_rules.hpp"

namespace eligo {

struct SaccadeSensorParams {
  double contrast_threshold = 0.25;  // ln-intensity step per event (≈ 28 % contrast)
  double threshold_mismatch = 0.03;  // relative σ of each pixel's thresholds around contrast_threshold
  double log_offset = 0.1;  // dark level added before the log: black stays finite, as a real pixel's dark current
  double saccade_amplitude_px = 3.0;  // A: width and height of the triangle, in sensor pixels
  double saccade_ms = 100.0;          // duration of each of the three saccades (N-MNIST: about 100 ms)
  double tick_us = 1000.0;            // render step; event times are interpolated within it
  double refractory_us = 0.0;         // minimum time between two events of one pixel (0: none)
};

// Empty when the parameters are usable; otherwise which parameter is wrong and why (the caller
// names the option or config field). Checks positivity, that the digit stays in the 34 × 34 field,
// and that the recording fits the 23-bit µs timestamps of the N-MNIST format.
std::string validate(const SaccadeSensorParams& p);

// The events of one digit, sorted by time (ties by y, x, polarity), all within 34 × 34 and 23 bits.
// A blank image gives no events. `rng` draws the pixel mismatch only. `p` must pass validate().
std::vector<NmnistEvent> simulate_saccade_events(const MnistImage& image, const SaccadeSensorParams& p,
                                                 CounterRng& rng);

}  // namespace eligo
