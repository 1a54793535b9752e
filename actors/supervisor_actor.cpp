#include "actors/supervisor_actor.hpp"

#include <caf/all.hpp>

namespace eligo::actors {

SupervisorActor::SupervisorActor(caf::actor_config& cfg, std::shared_ptr<Shard> readouts, std::uint32_t feeders,
                                 caf::actor coordinator, IterationPlan plan)
    : SliceActor(cfg, std::move(readouts), feeders, /*error_lag=*/0, std::move(coordinator)), plan_(plan) {}

void SupervisorActor::publish(Step, SliceOutput& out) {
  const std::size_t n_out = out.errors.n_readouts;
  const Step first = out.errors.first_step;
  const auto steps = static_cast<Step>(out.errors.n_steps);
  auto errors = std::make_shared<const ErrorBatch>(std::move(out.errors));
  for (const caf::actor& a : error_subscribers_) send(a, errors);

  for (const SpikeBatch* b : input_.spikes) {
    for (const SpikeEvent& e : b->events) rec_spikes_ += e.kind == EventKind::spike ? e.multiplicity : 0;
  }
  record(first, steps, out);
  const Step length = plan_.steps_per_iteration();
  recorded_.n_out = n_out;
  for (Step o = 0; o < steps; ++o) {
    const Step offset = first + o - plan_.first_step;
    if (offset < 0 || length <= 0 || offset >= length * plan_.n_iter) continue;
    const auto row = static_cast<std::ptrdiff_t>(o) * static_cast<std::ptrdiff_t>(n_out);
    recorded_.readout_signal.insert(recorded_.readout_signal.end(), out.readout_signal.begin() + row,
                                    out.readout_signal.begin() + row + static_cast<std::ptrdiff_t>(n_out));
    recorded_.target_signal.insert(recorded_.target_signal.end(), out.target_signal.begin() + row,
                                   out.target_signal.begin() + row + static_cast<std::ptrdiff_t>(n_out));
    if ((offset + 1) % length == 0) report_iteration(offset / length);
  }
}

void SupervisorActor::report_iteration(std::int64_t iteration) {
  IterationReport report;
  report.iteration = iteration;
  report.loss = regression_loss(recorded_, 1, static_cast<std::size_t>(plan_.group_size),
                                static_cast<std::size_t>(plan_.sequence))[0];
  if (plan_.accuracy_window > 0)
    report.accuracy = classify_sequences(recorded_, static_cast<std::size_t>(plan_.sequence),
                                         static_cast<std::size_t>(plan_.accuracy_window))
                          .accuracy();
  report.rec_spikes = rec_spikes_;
  send(coordinator_, iteration_atom::value, report);
  recorded_.readout_signal.clear();
  recorded_.target_signal.clear();
  rec_spikes_ = 0;
}

}  // namespace eligo::actors

namespace eligo::actors {

// The batches of this slice carry the recurrent spikes emitted in the previous slice's steps, so the
// recorded stretch is matched against the spikes' own emission steps.
void SupervisorActor::record(Step first, Step steps, const SliceOutput& out) {
  if (plan_.record_steps <= 0 || recording_sent_) return;
  const Step begin = plan_.record_first_step, end = plan_.record_first_step + plan_.record_steps;
  for (const SpikeBatch* b : input_.spikes) {
    for (const SpikeEvent& e : b->events) {
      const Step emitted = b->first_step + e.step_offset;
      if (e.kind != EventKind::spike || emitted < begin || emitted >= end) continue;
      const auto neuron = static_cast<std::uint32_t>(b->sender_first_gid + e.local_index - plan_.rec_first_gid);
      for (std::uint32_t m = 0; m < e.multiplicity; ++m) recording_.rec_spikes.emplace_back(emitted, neuron);
    }
  }
  const std::size_t n_out = out.errors.n_readouts;
  for (Step o = 0; o < steps; ++o) {
    const Step t = first + o;
    if (t < begin || t >= end) continue;
    if (recording_.readout_signal.empty()) recording_.first_step = t;
    recording_.n_out = n_out;
    const auto row = static_cast<std::ptrdiff_t>(o) * static_cast<std::ptrdiff_t>(n_out);
    recording_.readout_signal.insert(recording_.readout_signal.end(), out.readout_signal.begin() + row,
                                     out.readout_signal.begin() + row + static_cast<std::ptrdiff_t>(n_out));
    recording_.target_signal.insert(recording_.target_signal.end(), out.target_signal.begin() + row,
                                    out.target_signal.begin() + row + static_cast<std::ptrdiff_t>(n_out));
  }
  // Sent once the spikes of the window's last step have come in (they arrive one slice later).
  if (first >= end && !recording_sent_) {
    recording_sent_ = true;
    send(coordinator_, recording_atom::value, std::move(recording_));
  }
}

}  // namespace eligo::actors
