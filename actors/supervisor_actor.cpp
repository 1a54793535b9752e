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
  report.rec_spikes = rec_spikes_;
  send(coordinator_, iteration_atom::value, report);
  recorded_.readout_signal.clear();
  recorded_.target_signal.clear();
  rec_spikes_ = 0;
}

}  // namespace eligo::actors
