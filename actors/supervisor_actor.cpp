#include "actors/supervisor_actor.hpp"

#include <caf/all.hpp>

#include "runtime/checkpoint/state_stream.hpp"
#include "runtime/losses/cross_entropy_loss.hpp"

namespace eligo::actors {
namespace {

// Appends step o of a slice's step-major readout and target signals (n_out values each).
void append_step(const SliceOutput& out, Step o, std::size_t n_out, std::vector<double>& readout,
                 std::vector<double>& target) {
  const auto first = static_cast<std::ptrdiff_t>(o) * static_cast<std::ptrdiff_t>(n_out);
  const auto last = first + static_cast<std::ptrdiff_t>(n_out);
  readout.insert(readout.end(), out.readout_signal.begin() + first, out.readout_signal.begin() + last);
  target.insert(target.end(), out.target_signal.begin() + first, out.target_signal.begin() + last);
}

}  // namespace

SupervisorActor::SupervisorActor(caf::actor_config& cfg, std::shared_ptr<Shard> readouts, std::uint32_t feeders,
                                 caf::actor coordinator, IterationPlan plan)
    : SliceActor(cfg, std::move(readouts), feeders, /*error_lag=*/0, std::move(coordinator)), plan_(plan) {}

void SupervisorActor::send_output(SliceOutput& out) {
  auto errors = std::make_shared<const ErrorBatch>(std::move(out.errors));
  for (const caf::actor& a : error_subscribers_) send(a, errors);
}

void SupervisorActor::observe(Step, const SliceOutput& out) {
  const std::size_t n_out = out.errors.n_readouts;
  const Step first = out.errors.first_step;
  const auto steps = static_cast<Step>(out.errors.n_steps);
  for (const SpikeBatch* b : input_.spikes) {
    for (const SpikeEvent& e : b->events) rec_spikes_ += e.kind == EventKind::spike ? e.multiplicity : 0;
  }
  record(first, steps, out);
  const Step length = plan_.steps_per_iteration();
  recorded_.n_out = n_out;
  for (Step o = 0; o < steps; ++o) {
    const Step offset = first + o - plan_.first_step;
    if (offset < 0 || length <= 0 || offset >= length * plan_.n_iter) continue;
    if (recorded_.readout_signal.empty()) {  // an iteration's signals, at their size (the memory estimate's)
      recorded_.readout_signal.reserve(static_cast<std::size_t>(length) * n_out);
      recorded_.target_signal.reserve(static_cast<std::size_t>(length) * n_out);
    }
    append_step(out, o, n_out, recorded_.readout_signal, recorded_.target_signal);
    if ((offset + 1) % length == 0) report_iteration(offset / length);
  }
}

// The metrics of an iteration in progress and the recording, so a resumed run reports exactly what the
// uninterrupted one would have.
std::string SupervisorActor::save_actor_state() const {
  StateWriter w;
  w.section("supervisor");
  w.u64(recorded_.n_out);
  w.vector(recorded_.readout_signal);
  w.vector(recorded_.target_signal);
  w.u64(rec_spikes_);
  w.boolean(recording_sent_);
  w.i64(recording_.first_step);
  w.u64(recording_.n_out);
  w.u64(recording_.rec_spikes.size());
  for (const auto& [t, j] : recording_.rec_spikes) {
    w.i64(t);
    w.u32(j);
  }
  w.vector(recording_.readout_signal);
  w.vector(recording_.target_signal);
  return w.take();
}

void SupervisorActor::load_actor_state(std::string_view state) {
  StateReader r(state, "checkpoint of the supervisor");
  r.section("supervisor");
  constexpr std::size_t kMax = std::size_t{1} << 34;
  recorded_.n_out = r.u64("recorded.n_out");
  recorded_.readout_signal = r.vector<double>("recorded.readout_signal", kMax);
  recorded_.target_signal = r.vector<double>("recorded.target_signal", kMax);
  rec_spikes_ = r.u64("rec_spikes");
  recording_sent_ = r.boolean("recording_sent");
  recording_.first_step = r.i64("recording.first_step");
  recording_.n_out = r.u64("recording.n_out");
  const std::size_t n = r.count("recording.rec_spikes", 12, kMax);
  recording_.rec_spikes.clear();
  for (std::size_t i = 0; i < n; ++i) {
    const Step t = r.i64("recording.rec_spikes.step");
    recording_.rec_spikes.emplace_back(t, r.u32("recording.rec_spikes.neuron"));
  }
  recording_.readout_signal = r.vector<double>("recording.readout_signal", kMax);
  recording_.target_signal = r.vector<double>("recording.target_signal", kMax);
  r.expect_end();
  // A checkpoint taken after the recording went out (the final one) keeps it, so that a run resumed
  // from there, whose end-of-run files were not written (a full disk), writes recording/ again.
  if (recording_sent_) send(coordinator_, recording_atom::value, recording_);
}

void SupervisorActor::report_iteration(std::int64_t iteration) {
  IterationReport report;
  report.iteration = iteration;
  report.loss =
      sequence_loss(recorded_, 1, static_cast<std::size_t>(plan_.group_size), static_cast<std::size_t>(plan_.sequence),
                    plan_.loss_function, plan_.in_sequence_first, plan_.in_sequence_last)[0];
  if (plan_.accuracy_window > 0) {
    ClassificationResult c = classify_sequences(recorded_, static_cast<std::size_t>(plan_.sequence),
                                                static_cast<std::size_t>(plan_.accuracy_window));
    report.accuracy = c.accuracy();
    for (std::size_t i = 0; i < c.label.size(); ++i)
      report.sequences.push_back({std::move(c.scores[i]), c.predicted[i], c.label[i]});
  }
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
    append_step(out, o, n_out, recording_.readout_signal, recording_.target_signal);
  }
  // Sent once the spikes of the window's last step have come in (they arrive one slice later).
  if (first >= end && !recording_sent_) {
    recording_sent_ = true;
    send(coordinator_, recording_atom::value, recording_);  // kept for the checkpoints after it
  }
}

}  // namespace eligo::actors
