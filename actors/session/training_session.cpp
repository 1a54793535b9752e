#include "actors/session/training_session.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>

#include "actors/cluster/cluster_file.hpp"
#include "actors/held_out_evaluation.hpp"
#include "actors/run_ledger.hpp"
#include "actors/training_plan.hpp"
#include "runtime/config/run_digest.hpp"
#include "runtime/network/weights_digest.hpp"

namespace eligo::session {

namespace fs = std::filesystem;

namespace {

fs::path output_directory(const TrainingRequest& r) {
  return r.out.empty() ? fs::path("out") / r.config.stem() : r.out;
}

}  // namespace

TrainingSession::TrainingSession(const TrainingRequest& request)
    : request_(request),
      setup_(load_training_config(request.config, request.overrides)),
      out_(output_directory(request)),
      digest_(run_digest(request.config, setup_)),
      plan_(actors::make_iteration_plan(setup_)),
      slice_steps_(setup_.network.min_delay()),
      run_(request.run),
      best_loss_(INFINITY) {
  run_.keep_iterations = false;  // every report goes to metrics.jsonl as it comes; the summary needs the last
  fs::create_directories(out_);
  if (!request.resume.empty()) resume_from(request.resume);
  if (resumed_) resumed_from_iteration_ = done_iterations_;
  writer_ = std::make_unique<RunDirectoryWriter>(out_, resumed_ ? done_iterations_ : -1);

  if (request.cluster) {
    cluster::ClusterRun c;
    c.cluster = cluster::load_cluster_file(request.cluster->file);
    c.insecure = request.cluster->insecure;
    c.config_text = read_config_text(request.config);
    c.config_path = fs::absolute(request.config);
    c.config_digest = digest_;
    c.overrides = request.overrides;
    if (c.insecure) spdlog::warn("train: INSECURE cluster run: plain TCP without authentication (--insecure)");
    // By default one recurrent shard per node thread, so that placement can follow the thread counts.
    if (!request.shards_given && !resumed_) {
      run_.shards = 0;
      for (const cluster::NodeAddress& n : c.cluster.nodes) run_.shards += n.threads;
    }
    backend_ = on_cluster(std::move(c), slice_steps_, setup_.n_steps);
  } else {
    if (!resumed_) fit_shards_to_network();
    backend_ = in_process(setup_, plan_);
  }

  plan_checkpoints();
}

void TrainingSession::plan_checkpoints() {
  schedule_ = make_schedule(setup_, slice_steps_, done_iterations_);
  run_.checkpoint_slices.clear();
  for (const auto& [slice, iteration] : schedule_.iteration_of_slice) run_.checkpoint_slices.push_back(slice);
  best_loss_ = INFINITY;
  for (const IterationMetrics& m : writer_->kept_metrics())
    best_loss_ = std::min(best_loss_, m.loss.value_or(INFINITY));
}

// The backend re-places the lost nodes' shards; the run goes on from the last complete checkpoint,
// read back from disk as --resume would, and the output files drop what came after it.
bool TrainingSession::recover(const actors::RunFailed& failure) {
  if (recoveries_.size() >= request_.restarts) return false;
  const auto began = std::chrono::steady_clock::now();
  const std::optional<NodeRecovery> r = backend_->recover(failure);
  if (!r) return false;
  RunSummary::Recovery rec;
  rec.failure = failure.what();
  rec.lost_nodes = r->lost_nodes;
  rec.moved_shards = r->moved_shards;
  rec.to_nodes = r->to_nodes;
  rec.checkpoint = last_checkpoint_;
  writer_.reset();
  if (last_checkpoint_.empty()) {
    run_.resume = nullptr;
    done_iterations_ = 0;
  } else {
    resume_from(last_checkpoint_);
  }
  rec.from_iteration = done_iterations_;
  writer_ = std::make_unique<RunDirectoryWriter>(out_, last_checkpoint_.empty() ? -1 : done_iterations_);
  plan_checkpoints();
  total_spikes_ = 0;
  std::string shards;
  for (std::uint32_t s : rec.moved_shards) shards += (shards.empty() ? "" : ", ") + std::to_string(s);
  auto join = [](const std::vector<std::string>& v) {
    std::string out;
    for (const std::string& x : v) out += (out.empty() ? "" : ", ") + x;
    return out;
  };
  const std::string moved = rec.lost_nodes.empty()
                                ? "no node lost (a connection dropped), the same nodes again"
                                : "lost " + join(rec.lost_nodes) + "; shard(s) " + (shards.empty() ? "none" : shards) +
                                      " now on " + join(rec.to_nodes);
  spdlog::warn("train: recovery {} of {}: {}; continuing from {}", recoveries_.size() + 1, request_.restarts, moved,
               rec.checkpoint.empty() ? "the start (no complete checkpoint yet)"
                                      : rec.checkpoint + " (iteration " + std::to_string(rec.from_iteration) + ")");
  recoveries_.push_back(std::move(rec));
  recovering_since_ = began;
  return true;
}

TrainingSession::~TrainingSession() = default;

// A shard exchanges a batch with every other shard in every slice, whatever its size, so a shard of a
// few neurons costs more in messages than it saves in work: the 100-neuron sine example ran twice as
// long with 8 shards as with 1, on one thread as on two. Fewer, larger shards give the same digest.
void TrainingSession::fit_shards_to_network() {
  const std::uint32_t useful = std::max<std::uint32_t>(1, setup_.network.n_rec / kMinNeuronsPerShard);
  if (run_.shards <= useful) return;
  spdlog::info("train: {} recurrent shard(s) instead of {}: {} neurons need no more (at least {} per shard)", useful,
               run_.shards, setup_.network.n_rec, kMinNeuronsPerShard);
  run_.shards = useful;
}

// A checkpoint of another run would continue with weights that do not belong to this config; the
// checkpoint's shard counts are taken because its blobs are per shard (docs/architecture.md §7).
void TrainingSession::resume_from(const fs::path& resume) {
  CheckpointContents c = read_checkpoint(resume);
  const CheckpointManifest& m = c.manifest;
  const std::string where = find_checkpoint(resume).string();
  if (m.config_digest != digest_)
    throw std::runtime_error("cannot resume from " + where +
                             ": it belongs to another "
                             "run (config, seed or iterations differ from " +
                             request_.config.string() + ")");
  if (run_.shards != m.recurrent_shards)
    spdlog::info("resume: using the checkpoint's {} recurrent shard(s)", m.recurrent_shards);
  run_.shards = m.recurrent_shards;
  run_.input_shards = m.input_shards;
  from_.blobs = std::move(c.blobs);
  from_.actor_states = std::move(c.actor_states);
  from_.slice = m.slice;
  run_.resume = &from_;
  spdlog::info("resume: from {} (iteration {}, slice {})", where, m.iteration, m.slice);
  done_iterations_ = m.iteration;
  last_checkpoint_ = where;
  resumed_ = m;
}

void TrainingSession::use_backend(std::unique_ptr<RunBackend> backend) { backend_ = std::move(backend); }

void TrainingSession::on_iteration(const actors::IterationReport& it, double elapsed, TrainingObserver& observer) {
  reported_iteration_ = true;
  if (recovering_since_) {
    recoveries_.back().seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - *recovering_since_).count();
    spdlog::info("train: recovered in {:.2f} s (the run is at iteration {} again)", recoveries_.back().seconds,
                 it.iteration + 1);
    recovering_since_.reset();
  }
  best_loss_ = std::min(best_loss_, it.loss);
  total_spikes_ += it.rec_spikes;
  const double task_seconds = static_cast<double>(plan_.steps_per_iteration()) * setup_.network.resolution_ms / 1e3;
  const double rate_hz = static_cast<double>(it.rec_spikes) / std::max(1u, setup_.network.n_rec) / task_seconds;
  IterationMetrics m;
  m.iteration = it.iteration + 1;
  m.loss = it.loss;
  if (it.accuracy >= 0.0) m.accuracy = it.accuracy;
  m.spikes = static_cast<std::int64_t>(it.rec_spikes);
  m.rate_hz = rate_hz;
  m.wall_seconds = elapsed;
  writer_->append(m);
  IterationDone done;
  done.iteration = m.iteration;
  done.loss = it.loss;
  done.best_loss = best_loss_;
  done.accuracy = m.accuracy;
  done.rate_hz = rate_hz;
  done.spikes_per_second = static_cast<double>(total_spikes_) / std::max(elapsed, 1e-9);
  done.elapsed_seconds = elapsed;
  observer.iteration_done(done);
}

void TrainingSession::write_checkpoint_after(std::int64_t iteration, const actors::CheckpointParts& parts,
                                             CheckpointContents& c, TrainingObserver& observer) {
  CheckpointManifest& m = c.manifest;
  m.name = setup_.name;
  m.config_path = fs::absolute(request_.config).string();
  m.config_digest = digest_;
  m.seed = setup_.seed;
  m.iterations = setup_.loss.n_iter;
  m.iteration = iteration;
  m.slice = parts.slice;
  m.slice_steps = slice_steps_;
  m.n_steps = setup_.n_steps;
  m.input_shards = run_.input_shards;
  m.recurrent_shards = run_.shards;
  m.weights_digest = weights_digest(c.weights);
  const fs::path dir = write_checkpoint(out_, c);
  last_checkpoint_ = dir.string();
  observer.checkpoint_written({iteration, dir});
}

// Every checkpoint slice is a scheduled checkpoint, evaluation or both; the weights are the same for
// both, put in canonical order once.
void TrainingSession::on_checkpoint(const actors::CheckpointParts& parts, TrainingObserver& observer) {
  const std::int64_t iteration = schedule_.iteration_of_slice.at(parts.slice);
  CheckpointContents c = actors::checkpoint_contents(parts);
  if (schedule_.checkpoints.contains(iteration)) write_checkpoint_after(iteration, parts, c, observer);
  if (schedule_.evaluations.contains(iteration)) {
    const actors::EvaluationResult e =
        actors::evaluate_held_out(setup_, c.weights, setup_.classification->test_samples, std::nullopt, run_);
    writer_->append(HeldOutEvaluation{iteration, e.accuracy, e.loss, e.samples});
    observer.evaluated({iteration, e});
    held_out_ = e;
  }
}

std::string TrainingSession::how_to_continue() const {
  if (last_checkpoint_.empty()) return "no complete checkpoint yet; start again";
  return "last complete checkpoint: " + last_checkpoint_ + "\ncontinue with: eligo train " + request_.config.string() +
         backend_->resume_arguments() + " --out " + out_.string() + " --resume " + out_.string();
}

TrainingOutcome TrainingSession::run(TrainingObserver& observer) {
  observer.started({setup_, run_.threads, run_.shards, out_, done_iterations_});
  actors::Callbacks callbacks;
  callbacks.on_iteration = [&](const actors::IterationReport& it, double elapsed) {
    on_iteration(it, elapsed, observer);
  };
  callbacks.on_checkpoint = [&](actors::CheckpointParts&& parts) { on_checkpoint(parts, observer); };
  actors::RunResult r;
  for (;;) {
    try {
      r = backend_->run(run_, callbacks);
      break;
    } catch (const actors::RunFailed& e) {
      if (recover(e)) continue;
      observer.run_ended();
      // It never started: there is nothing to continue from, and the error says why.
      if (last_checkpoint_.empty() && !reported_iteration_) throw;
      // The outputs up to the last checkpoint are complete: say how to continue from there.
      throw actors::RunFailed(std::string(e.what()) + "\n" + how_to_continue());
    }
  }
  observer.run_ended();
  TrainingOutcome outcome;
  outcome.summary = summarize(r);
  try {
    if (r.recording) writer_->write_recording(*r.recording, setup_.network, plan_.record_steps);
    outcome.summary_file = writer_->write_summary(outcome.summary);
  } catch (const std::exception& e) {
    // A full disk: the final checkpoint holds the run's end, and --resume from it writes these again.
    throw std::runtime_error(std::string(e.what()) + "\n" + how_to_continue());
  }
  return outcome;
}

RunSummary TrainingSession::summarize(const actors::RunResult& r) const {
  RunSummary s;
  s.name = setup_.name;
  s.task = setup_.task;
  s.config = fs::absolute(request_.config).string();
  s.seed = setup_.seed;
  s.iterations = setup_.loss.n_iter;
  s.resumed_from_iteration = resumed_from_iteration_;
  s.final_loss = r.iterations.empty() ? NAN : r.iterations.back().loss;
  s.best_loss = best_loss_;
  if (!r.iterations.empty() && r.iterations.back().accuracy >= 0.0) s.final_accuracy = r.iterations.back().accuracy;
  if (held_out_) {
    s.held_out_accuracy = held_out_->accuracy;
    s.held_out_samples = held_out_->samples;
  }
  s.weights_digest = r.weights_digest;
  s.n_synapses = r.weights.size();
  s.rec_spikes = r.rec_spikes;
  s.input_spikes = r.input_spikes;
  s.synaptic_events = r.synaptic_events;
  s.history_entries_max = r.history_entries_max;
  s.threads = run_.threads;
  s.shards = run_.shards;
  s.build_seconds = r.build_seconds;
  s.simulate_seconds = r.simulate_seconds;
  if (const std::optional<std::size_t> nodes = backend_->nodes()) {
    s.cluster = RunSummary::Cluster{*nodes, r.data_bytes_sent, r.spike_frame_bytes, r.error_frame_bytes};
  }
  s.recoveries = recoveries_;
  return s;
}

}  // namespace eligo::session
