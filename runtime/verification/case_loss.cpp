// The timing and loss of a NEST case file (tests/data/nest/README.md §3, §5): how the simulated steps split
// into iterations, which steps the loss reads, and NEST's per-iteration losses to compare with.
#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/verification/case_sections.hpp"

namespace eligo::case_loading {

namespace {

// n_iter / group_size: from timing_steps (v2), else from loss (v1); when both are given they must agree.
std::int64_t read_timing_count(const CaseReader& rd, const Field& timing, const Field& loss, std::string_view key,
                               Step n_steps) {
  const auto in_loss = rd.find(loss, key);
  const auto in_timing = rd.find(timing, key);
  if (!in_timing) return rd.integer(rd.at(loss, key), 1, n_steps);
  const std::int64_t value = rd.integer(*in_timing, 1, n_steps);
  if (in_loss && rd.integer(*in_loss, 1, n_steps) != value)
    rd.fail(in_loss->ptr,
            "must equal " + in_timing->ptr + " = " + std::to_string(value) + " (got " + show(in_loss->value) + ")");
  return value;
}

}  // namespace

void read_loss(const CaseReader& rd, const Field& root, ReferenceCase& rc) {
  const Field timing = rd.at(root, "timing_steps");
  const Field loss = rd.at(root, "loss");
  LossWindow& w = rc.loss;
  w.sequence = rd.integer(rd.at(timing, "sequence"), 1, rc.n_steps);
  w.n_iter = read_timing_count(rd, timing, loss, "n_iter", rc.n_steps);
  w.group_size = read_timing_count(rd, timing, loss, "group_size", rc.n_steps);

  const Field recorded = rd.at(loss, "recorded_steps_first_last");
  rd.expect_size(recorded, 2, "[first step, last step]");
  w.first_step = rd.integer(rd.at(recorded, 0), 0, rc.n_steps - 1);
  w.last_step = rd.integer(rd.at(recorded, 1), w.first_step, rc.n_steps - 1);
  // Each factor is at most n_steps <= 1e15, so the product is exact in a double up to 2^53 and any larger
  // product cannot match the window anyway.
  const double samples =
      static_cast<double>(w.n_iter) * static_cast<double>(w.group_size) * static_cast<double>(w.sequence);
  const Step window = w.last_step - w.first_step + 1;
  if (static_cast<double>(window) != samples)
    rd.fail(recorded.ptr,
            "covers " + std::to_string(window) + " steps but n_iter * group_size * sequence = " + show(samples));

  if (rc.network.variant == EpropVariant::bsshslm_2020) {
    w.function = rc.network.out.loss;
    if (auto f = rd.find(loss, "function")) rd.expect_literal(*f, to_string(w.function));
    if (auto f = rd.find(loss, "window_in_sequence_steps")) {
      rd.expect_size(*f, 2, "[first, last] offsets within a sequence");
      w.in_sequence_first = rd.integer(rd.at(*f, 0), 0, w.sequence - 1);
      w.in_sequence_last = rd.integer(rd.at(*f, 1), w.in_sequence_first, w.sequence - 1);
    }
  }

  const Field reference = rd.at(loss, "loss_nest_reference");
  rd.expect_size(reference, static_cast<std::size_t>(w.n_iter), "one loss per iteration (n_iter)");
  rc.loss_reference = rd.finite_array(reference);
}

}  // namespace eligo::case_loading
