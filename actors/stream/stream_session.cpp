#include "actors/stream/stream_session.hpp"

#include <caf/all.hpp>
#include <limits>
#include <stdexcept>

#include "actors/messages.hpp"
#include "actors/run_ledger.hpp"
#include "runtime/checkpoint/checkpoint_directory.hpp"
#include "runtime/config/memory_estimate.hpp"
#include "runtime/network/frozen_network.hpp"
#include "runtime/network/network_builder.hpp"
#include "runtime/network/weights_digest.hpp"

namespace eligo::stream {
namespace {

// Bounds that no session reaches, small enough that step arithmetic on them cannot overflow.
constexpr std::int64_t kOpenSamples = std::int64_t{1} << 40;
constexpr Step kOpenSteps = std::numeric_limits<Step>::max() / 4;

// N-MNIST configs map the 34 × 34 sensor one to one; event_folder configs say how (data.sensor).
std::optional<EventEncoding> sensor_of(const TrainingSetup& setup, const SampleLayout& layout) {
  if (!setup.classification || setup.classification->kind != ClassificationKind::nmnist) return std::nullopt;
  const SensorMapping sensor = setup.classification->sensor.value_or(SensorMapping::identity(34, 34));
  return EventEncoding{sensor, setup.network.resolution_ms, layout.sequence};
}

// A readout sees step r of sample s at step supervision_offset + s·S + r, and through the network's delays its
// value there hangs on input up to supervision_offset − 2 steps later: in NEST's original variant (offset 4) the
// first steps of the next sample reach the last step of a sample's learning window. Its answer waits for them.
std::int64_t lookahead_samples(const SampleLayout& layout) {
  const Step beyond = layout.supervision_offset - kTaskOffsetGen - 1;
  return beyond <= 0 ? 0 : (beyond + layout.sequence - 1) / layout.sequence;
}

}  // namespace

StreamSession::StreamSession(const TrainingSetup& setup, SessionOptions options, caf::actor_system& sys,
                             SessionListener& listener)
    : setup_(setup),
      options_(std::move(options)),
      sys_(sys),
      listener_(listener),
      net_(setup.network),
      log_(std::make_shared<SampleLog>()) {
  if (!net_.sample_stream) throw std::invalid_argument("the config's task lays out no samples to stream");
  layout_ = net_.sample_stream->layout;
  if (options_.start_weights)
    net_ = options_.learn ? with_weights(std::move(net_), *options_.start_weights)
                          : freeze_with_weights(std::move(net_), *options_.start_weights);
  if (!options_.learn) net_.plastic = false;
  SampleStreamPlan& plan = *net_.sample_stream;
  plan.samples = kOpenSamples;
  plan.open_ended = true;
  plan.read_ahead = 0;  // a sample is read when its first step runs, never before it is complete
  plan.source = log_->factory();
  net_.forced_spikes.clear();  // the final-update spike comes with the end (finish)

  encoding_.sensor = sensor_of(setup, layout_);
  encoding_.resolution_ms = net_.resolution_ms;
  encoding_.sequence = layout_.sequence;
  encoding_.n_in = net_.n_in;
  encoding_.n_out = net_.n_out;
  encoding_.classification = setup.accuracy_window > 0;
  encoding_.labels_required = options_.learn;

  plan_.first_step = layout_.supervision_offset;
  plan_.loss_function = setup.loss.function;
  plan_.in_sequence_first = setup.loss.in_sequence_first;
  plan_.in_sequence_last = setup.loss.in_sequence_last;
  plan_.sequence = layout_.sequence;
  plan_.group_size = layout_.group_size;
  plan_.n_iter = kOpenSamples / layout_.group_size;
  plan_.accuracy_window = setup.accuracy_window;
  plan_.rec_first_gid = net_.n_in;
  // The stream's own buffers count apart (the connection's budget check): the estimate has no sample.
  network_bytes_ = static_cast<std::uint64_t>(estimate_memory(net_, laid_out_sample(net_), setup.size_names).total());
  if (options_.memory_budget > 0 && network_bytes_ > options_.memory_budget)
    throw SessionOverBudget("the network needs about " + format_memory_size(static_cast<double>(network_bytes_)) +
                            ", above the per-session budget of " +
                            format_memory_size(static_cast<double>(options_.memory_budget)));
  built_ = build_network(net_, PartitionOptions{});  // a network that cannot be built fails before the Welcome
  slice_steps_ = built_->slice_steps;
  lookahead_samples_ = lookahead_samples(layout_);
  thread_ = std::thread([this] { run(); });
}

StreamSession::~StreamSession() {
  abort();
  if (thread_.joinable()) thread_.join();
}

// A step t reads sample ⌊(t − 1)/S⌋ at the inputs and ⌊(t − 2)/S⌋ at the readouts (runtime/data/sources/
// sample_stream.hpp), so with K samples complete the inputs may run the slices before step 1 + K·S and
// the readout those before 2 + K·S, which ends sample K − 1: its output needs nothing later. The
// recurrent shards stop with the inputs, before the step where the final-update spike may still come.
Step StreamSession::input_limit(std::int64_t samples) const {
  return (kTaskOffsetGen + samples * layout_.sequence) / slice_steps_;
}
Step StreamSession::readout_limit(std::int64_t samples) const {
  return (layout_.supervision_offset + samples * layout_.sequence) / slice_steps_;
}

// Whole groups only: an iteration is answered once its last sample has run.
std::int64_t StreamSession::runnable() const {
  const std::int64_t g = layout_.group_size;
  const std::int64_t answerable = std::max<std::int64_t>(0, added_.load() - lookahead_samples_) / g * g;
  return std::max<std::int64_t>(0, answerable - done_.load());
}

void StreamSession::send_limits() {
  const std::int64_t k = added_.load();
  for (std::size_t i = 0; i < running_->actors.size(); ++i) {
    const Step limit = running_->roles[i] == ShardRole::readout ? readout_limit(k) : input_limit(k);
    caf::anon_send(running_->actors[i], actors::limit_atom::value, limit);
  }
}

void StreamSession::add(std::vector<CompleteSample> samples) {
  std::lock_guard lock(mutex_);
  if (finishing_ || aborted_) throw std::logic_error("stream session: samples after the end");
  for (CompleteSample& s : samples) {
    labelled_.push_back(s.labelled);
    log_->append(std::move(s.sample));
    ++added_;
  }
  if (running_) send_limits();
}

void StreamSession::save(const std::string& name) {
  std::lock_guard lock(mutex_);
  // No actor has run this slice yet (none runs past the readout's limit), and every one will.
  const PendingSave s{readout_limit(added_.load()), name, added_.load()};
  saves_.push_back(s);
  if (running_)
    for (const caf::actor& a : running_->actors) caf::anon_send(a, actors::cut_atom::value, s.slice);
}

void StreamSession::finish() {
  std::lock_guard lock(mutex_);
  if (finishing_ || aborted_) return;
  finishing_ = true;
  log_->close();
  if (running_) send_end();  // else started() sends it
}

void StreamSession::send_end() {
  const TaskEnd task = task_end(layout_, added_.load());  // as an offline run of these samples lays it out
  actors::RunEnd end{task.n_steps, task.final_update_step, kFinalUpdateWeight};
  for (const caf::actor& a : running_->actors) caf::anon_send(a, actors::finish_atom::value, end);
}

void StreamSession::abort() {
  std::lock_guard lock(mutex_);
  if (aborted_) return;
  aborted_ = true;
  log_->close();  // a reader waiting for a sample wakes up
  if (running_)
    for (const caf::actor& a : running_->actors) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
}

void StreamSession::started(const actors::RunningNetwork& running) {
  std::lock_guard lock(mutex_);
  running_ = running;
  if (aborted_) {
    for (const caf::actor& a : running_->actors) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    return;
  }
  send_limits();
  for (const PendingSave& s : saves_)
    for (const caf::actor& a : running_->actors) caf::anon_send(a, actors::cut_atom::value, s.slice);
  if (finishing_) send_end();
}

void StreamSession::on_iteration(const actors::IterationReport& report) {
  std::vector<SampleResult> results;
  const std::int64_t first = report.iteration * layout_.group_size;
  std::unique_lock lock(mutex_);
  for (std::int64_t i = 0; i < layout_.group_size; ++i) {
    SampleResult r;
    r.sample = first + i;
    r.step = layout_.supervision_offset + (r.sample + 1) * layout_.sequence - 1;
    r.loss = report.loss;
    const bool labelled = !labelled_.empty() && labelled_.front();
    if (!labelled_.empty()) labelled_.pop_front();
    if (static_cast<std::size_t>(i) < report.sequences.size()) {
      const actors::SequenceOutcome& o = report.sequences[static_cast<std::size_t>(i)];
      r.scores = o.scores;
      r.prediction = o.prediction;
      if (labelled) r.label = o.label;
    }
    results.push_back(std::move(r));
  }
  done_ += layout_.group_size;
  lock.unlock();
  listener_.samples_done(std::move(results));
}

void StreamSession::on_checkpoint(const actors::CheckpointParts& parts) {
  std::vector<PendingSave> due;
  {
    std::lock_guard lock(mutex_);
    std::erase_if(saves_, [&](const PendingSave& s) {
      if (s.slice != parts.slice) return false;
      due.push_back(s);
      return true;
    });
  }
  CheckpointContents c = actors::checkpoint_contents(parts);
  CheckpointManifest& m = c.manifest;
  m.name = setup_.name;
  m.config_path = options_.config_path;
  m.config_digest = options_.config_digest;
  m.seed = setup_.seed;
  m.slice = parts.slice;
  m.slice_steps = slice_steps_;
  m.weights_digest = weights_digest(c.weights);
  for (const PendingSave& s : due) {
    m.iterations = m.iteration = s.samples / layout_.group_size;
    try {
      write_checkpoint(options_.save_root / s.name, c);
    } catch (const std::exception& e) {
      listener_.failed("saving " + s.name + ": " + e.what());
      continue;
    }
    listener_.saved(s.name, s.samples, m.weights_digest);
  }
}

void StreamSession::run() {
  try {
    BuiltNetwork built = std::move(*built_);
    built_.reset();
    actors::RunOptions options;
    options.open_ended = true;
    options.keep_iterations = false;  // a session may run for ever; on_iteration takes each report
    actors::Callbacks callbacks;
    callbacks.on_iteration = [this](const actors::IterationReport& r, double) { on_iteration(r); };
    callbacks.on_checkpoint = [this](actors::CheckpointParts&& parts) { on_checkpoint(parts); };
    callbacks.on_started = [this](const actors::RunningNetwork& r) { started(r); };
    const actors::RunResult result =
        actors::run_shards_on(sys_, std::move(built), kOpenSteps, plan_, options, callbacks);
    listener_.finished(result);
  } catch (const std::exception& e) {
    bool aborted = false;
    {
      std::lock_guard lock(mutex_);
      aborted = aborted_;
    }
    listener_.failed(aborted ? std::string("the session was stopped") : std::string(e.what()));
  }
}

}  // namespace eligo::stream
