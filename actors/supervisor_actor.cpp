#include "actors/supervisor_actor.hpp"

#include <caf/all.hpp>

namespace eligo::actors {

SupervisorActor::SupervisorActor(caf::actor_config& cfg, std::shared_ptr<Shard> readouts, std::uint32_t feeders,
                                 caf::actor coordinator, IterationPlan plan)
    : SliceActor(cfg, std::move(readouts), feeders, /*error_lag=*/0, std::move(coordinator)), plan_(plan) {}

void SupervisorActor::publish(Step slice, SliceOutput& out) {
  const std::size_t n_out = out.errors.n_readouts;
  auto errors = std::make_shared<const ErrorBatch>(std::move(out.errors));
  for (const caf::actor& a : error_subscribers_) send(a, errors);

  for (const SpikeBatch* b : input_.spikes) {
    for (const SpikeEvent& e : b->events) rec_spikes_ += e.kind == EventKind::spike ? e.multiplicity : 0;
  }
  const Step offset = slice - plan_.first_step;
  const Step length = plan_.steps_per_iteration();
  if (offset < 0 || length <= 0 || offset >= length * plan_.n_iter) return;
  recorded_.n_out = n_out;
  recorded_.readout_signal.insert(recorded_.readout_signal.end(), out.readout_signal.begin(), out.readout_signal.end());
  recorded_.target_signal.insert(recorded_.target_signal.end(), out.target_signal.begin(), out.target_signal.end());
  if ((offset + 1) % length == 0) {
    IterationReport report;
    report.iteration = offset / length;
    report.loss = regression_loss(recorded_, 1, static_cast<std::size_t>(plan_.group_size),
                                  static_cast<std::size_t>(plan_.sequence))[0];
    report.rec_spikes = rec_spikes_;
    send(coordinator_, iteration_atom::value, report);
    recorded_.readout_signal.clear();
    recorded_.target_signal.clear();
    rec_spikes_ = 0;
  }
}

}  // namespace eligo::actors
