#include "runtime/config/config_bsshslm.hpp"

#include <cmath>

#include "runtime/config/config_limits.hpp"

namespace eligo::config_loading {

namespace {

// ms → steps; 0 when absent (the task decides).
Step interval_steps(const Reporter& r, bool given, double ms, double h, const std::string& field) {
  if (!given) return 0;
  r.expect(ms > 0.0 && std::isfinite(ms) && ms / h <= static_cast<double>(kMaxTaskSteps), field,
           "> 0 ms and at most the longest task", ms);
  const Step steps = ms_to_steps(ms, h);
  r.expect(steps >= 1 && std::fabs(static_cast<double>(steps) * h - ms) <= 1e-9 * ms, field,
           "a whole number of steps of " + show(h) + " ms", ms);
  return steps;
}

}  // namespace

void read_bsshslm_settings(const Reporter& r, const ::eligo::config::TrainingConfig& c, double h,
                           NetworkDescription& net) {
  if (net.variant != EpropVariant::bsshslm_2020) {
    if (c.has_bsshslm_2020())
      r.fail("bsshslm_2020", "applies only to networks of the *_bsshslm_2020 models (NEST's original e-prop)");
    return;
  }
  const ::eligo::config::Bsshslm& b = c.bsshslm_2020();
  BsshslmSettings& s = net.bsshslm;
  s.update_interval = interval_steps(r, b.has_eprop_update_interval(), b.eprop_update_interval(), h,
                                     "bsshslm_2020.eprop_update_interval");
  s.learning_window = interval_steps(r, b.has_eprop_learning_window(), b.eprop_learning_window(), h,
                                     "bsshslm_2020.eprop_learning_window");
  if (s.update_interval > 0 && s.learning_window > s.update_interval)
    r.fail("bsshslm_2020.eprop_learning_window", "must be at most eprop_update_interval");
  if (b.has_eprop_reset_neurons_on_update()) s.reset_neurons_on_update = b.eprop_reset_neurons_on_update();
  if (b.has_average_gradient()) s.average_gradient = b.average_gradient();
}

}  // namespace eligo::config_loading
