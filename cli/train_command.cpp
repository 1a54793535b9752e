// `eligo train CONFIG`: runs a training through the actor runtime and writes its outputs
// (run_outputs.hpp), its checkpoints (runtime/checkpoint/checkpoint_directory.hpp) and, for
// classification tasks, held-out evaluations (evaluation.hpp). `--resume DIR` continues from the
// latest complete checkpoint in DIR and ends with the weights of the uninterrupted run.
#include "cli/train_command.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "actors/cluster/cluster_coordinator.hpp"
#include "actors/coordinator.hpp"
#include "actors/held_out_evaluation.hpp"
#include "actors/training_plan.hpp"
#include "cli/guarded_run.hpp"
#include "cli/progress.hpp"
#include "cli/run_outputs.hpp"
#include "runtime/checkpoint/checkpoint_directory.hpp"
#include "runtime/config/run_digest.hpp"
#include "runtime/config/training_config.hpp"
#include "runtime/core/atomic_file.hpp"
#include "runtime/core/sha256.hpp"
#include "runtime/network/weights_digest.hpp"

namespace eligo::cli {
namespace {

namespace fs = std::filesystem;

struct TrainOptions {
  std::string config;
  std::string out;
  std::string resume;
  actors::RunOptions run;
  ConfigOverrides overrides;
  std::string cluster;    // cluster file: run on node daemons
  bool insecure = false;  // cluster: plain TCP, no TLS
  bool shards_given = false;
};

// The iterations after which the run takes a checkpoint (every checkpoint_every, and the last one) or
// evaluates on held-out data (every evaluate_every, and the last one when there are evaluations).
struct Schedule {
  std::set<std::int64_t> checkpoints, evaluations;
  std::map<Step, std::int64_t> iteration_of_slice;
};

Schedule make_schedule(const TrainingSetup& s, Step slice_steps, std::int64_t after_iteration) {
  Schedule sc;
  const std::int64_t n = s.loss.n_iter;
  for (std::int64_t i = 1; i <= n; ++i) {
    if (i <= after_iteration) continue;
    if ((s.checkpoint_every > 0 && i % s.checkpoint_every == 0) || i == n) sc.checkpoints.insert(i);
    const bool evaluating = s.classification && s.classification->test_samples > 0;
    if (evaluating && ((s.evaluate_every > 0 && i % s.evaluate_every == 0) || i == n)) sc.evaluations.insert(i);
  }
  const Step per_iteration = s.loss.sequence * s.loss.group_size;
  for (const auto* set : {&sc.checkpoints, &sc.evaluations}) {
    for (std::int64_t i : *set) {
      // The slice that holds the iteration's last step; the final iteration's is the run's last slice,
      // so that the final checkpoint holds the final weights.
      const Step last_step = i == n ? s.n_steps - 1 : s.loss.first_step + i * per_iteration - 1;
      sc.iteration_of_slice[last_step / slice_steps] = i;
    }
  }
  return sc;
}

int run_train(const TrainOptions& o) {
  const TrainingSetup setup = load_training_config(o.config, o.overrides);
  const fs::path out = o.out.empty() ? fs::path("out") / fs::path(o.config).stem() : fs::path(o.out);
  fs::create_directories(out);
  const std::string digest = run_digest(o.config, setup);

  actors::RunOptions run = o.run;
  std::optional<CheckpointContents> resumed;
  actors::ResumeFrom from;
  if (!o.resume.empty()) {
    resumed = read_checkpoint(o.resume);
    const CheckpointManifest& m = resumed->manifest;
    if (m.config_digest != digest)
      throw std::runtime_error("cannot resume from " + find_checkpoint(o.resume).string() +
                               ": it belongs to another "
                               "run (config, seed or iterations differ from " +
                               o.config + ")");
    if (run.shards != m.recurrent_shards)
      spdlog::info("resume: using the checkpoint's {} recurrent shard(s)", m.recurrent_shards);
    run.shards = m.recurrent_shards;
    run.input_shards = m.input_shards;
    from.blobs = std::move(resumed->blobs);
    from.actor_states = std::move(resumed->actor_states);
    from.slice = m.slice;
    run.resume = &from;
    spdlog::info("resume: from {} (iteration {}, slice {})", find_checkpoint(o.resume).string(), m.iteration, m.slice);
  }
  const std::int64_t done_iterations = resumed ? resumed->manifest.iteration : 0;
  JsonLines metrics(out / "metrics.jsonl", resumed ? done_iterations : -1);
  JsonLines evaluations(out / "evaluations.jsonl", resumed ? done_iterations : -1);

  std::optional<cluster::ClusterRun> on_cluster;
  if (!o.cluster.empty()) {
    on_cluster.emplace();
    on_cluster->cluster = cluster::load_cluster_file(o.cluster);
    on_cluster->insecure = o.insecure;
    on_cluster->config_text = read_config_text(o.config);
    on_cluster->config_path = fs::absolute(o.config);
    on_cluster->config_digest = digest;
    on_cluster->overrides = o.overrides;
    if (o.insecure) spdlog::warn("train: INSECURE cluster run: plain TCP without authentication (--insecure)");
    // By default one recurrent shard per node thread, so that placement can follow the thread counts.
    if (!o.shards_given && !resumed) {
      run.shards = 0;
      for (const cluster::NodeAddress& n : on_cluster->cluster.nodes) run.shards += n.threads;
    }
  }

  const Step slice_steps = setup.network.min_delay();
  const Schedule schedule = make_schedule(setup, slice_steps, done_iterations);
  for (const auto& [slice, iteration] : schedule.iteration_of_slice) run.checkpoint_slices.push_back(slice);

  spdlog::info(
      "train: {} ({} task; {} inputs, {} {} neurons, {} readouts), {} iterations of {} steps, {} thread(s), "
      "{} shard(s), output in {}",
      setup.name, setup.task, setup.network.n_in, setup.network.n_rec, to_string(setup.network.rec_model),
      setup.network.n_out, setup.loss.n_iter, setup.loss.sequence * setup.loss.group_size, run.threads, run.shards,
      out.string());
  const actors::IterationPlan plan = actors::make_iteration_plan(setup);
  Progress progress("train", setup.loss.n_iter, done_iterations);
  double best = INFINITY;
  for (const auto& line : metrics.kept()) best = std::min(best, line.value("loss", double{INFINITY}));
  std::uint64_t total_spikes = 0;
  std::optional<actors::EvaluationResult> held_out;

  actors::Callbacks callbacks;
  bool reported_iteration = false;
  callbacks.on_iteration = [&](const actors::IterationReport& it, double elapsed) {
    reported_iteration = true;
    best = std::min(best, it.loss);
    total_spikes += it.rec_spikes;
    const double task_seconds = static_cast<double>(plan.steps_per_iteration()) * setup.network.resolution_ms / 1e3;
    const double rate_hz = static_cast<double>(it.rec_spikes) / std::max(1u, setup.network.n_rec) / task_seconds;
    nlohmann::ordered_json line{{"iteration", it.iteration + 1}, {"loss", it.loss}};
    if (it.accuracy >= 0.0) line["accuracy"] = it.accuracy;
    line["spikes"] = it.rec_spikes;
    line["rate_hz"] = rate_hz;
    line["wall_seconds"] = elapsed;
    metrics.append(line);
    std::string detail = fmt::format("loss {:.5g} (best {:.5g})", it.loss, best);
    if (it.accuracy >= 0.0) detail += fmt::format(" accuracy {:.3f}", it.accuracy);
    detail += fmt::format(" rate {:.1f} Hz, {:.3g} spikes/s", rate_hz,
                          static_cast<double>(total_spikes) / std::max(elapsed, 1e-9));
    progress.update(it.iteration + 1, elapsed, detail);
  };
  std::string last_checkpoint = resumed ? find_checkpoint(o.resume).string() : std::string();
  callbacks.on_checkpoint = [&](actors::CheckpointParts&& parts) {
    const std::int64_t iteration = schedule.iteration_of_slice.at(parts.slice);
    CheckpointContents c;
    for (const auto& p : parts.shards) c.weights.insert(c.weights.end(), p->weights.begin(), p->weights.end());
    sort_canonically(c.weights);
    if (schedule.checkpoints.contains(iteration)) {
      CheckpointManifest& m = c.manifest;
      m.name = setup.name;
      m.config_path = fs::absolute(o.config).string();
      m.config_digest = digest;
      m.seed = setup.seed;
      m.iterations = setup.loss.n_iter;
      m.iteration = iteration;
      m.slice = parts.slice;
      m.slice_steps = slice_steps;
      m.n_steps = setup.n_steps;
      m.input_shards = run.input_shards;
      m.recurrent_shards = run.shards;
      m.weights_digest = weights_digest(c.weights);
      for (const auto& p : parts.shards) {
        c.blobs.push_back(p->blob);
        c.actor_states.push_back(p->actor_state);
      }
      const fs::path dir = write_checkpoint(out, c);
      last_checkpoint = dir.string();
      spdlog::info("checkpoint after iteration {}: {}", iteration, dir.string());
    }
    if (schedule.evaluations.contains(iteration)) {
      const actors::EvaluationResult e =
          actors::evaluate_held_out(setup, c.weights, setup.classification->test_samples, std::nullopt, run);
      evaluations.append(
          {{"iteration", iteration}, {"accuracy", e.accuracy}, {"loss", e.loss}, {"samples", e.samples}});
      spdlog::info("evaluation after iteration {}: held-out accuracy {:.4f} on {} samples (loss {:.5g}, {:.1f} s)",
                   iteration, e.accuracy, e.samples, e.loss, e.seconds);
      held_out = e;
    }
  };
  actors::RunResult r;
  try {
    r = on_cluster ? cluster::run_on_cluster(*on_cluster, slice_steps, setup.n_steps, run, callbacks)
                   : actors::run_network(setup.network, setup.n_steps, plan, run, callbacks);
  } catch (const actors::RunFailed& e) {
    // Say where to continue from: the run's outputs up to the last checkpoint are complete.
    progress.finish();
    if (last_checkpoint.empty() && !reported_iteration) throw;  // it never started: nothing to resume
    throw actors::RunFailed(std::string(e.what()) + "\n" +
                            (last_checkpoint.empty()
                                 ? "no complete checkpoint yet; start again"
                                 : "last complete checkpoint: " + last_checkpoint + "\ncontinue with: eligo train " +
                                       o.config + (o.cluster.empty() ? "" : " --cluster CLUSTER.yaml") + " --out " +
                                       out.string() + " --resume " + out.string()));
  }
  progress.finish();
  if (r.recording) write_recording(out, *r.recording, setup.network, plan.record_steps);

  nlohmann::ordered_json summary;
  summary["name"] = setup.name;
  summary["task"] = setup.task;
  summary["config"] = fs::absolute(o.config).string();
  summary["seed"] = setup.seed;
  summary["iterations"] = setup.loss.n_iter;
  if (resumed) summary["resumed_from_iteration"] = done_iterations;
  summary["final_loss"] = r.iterations.empty() ? NAN : r.iterations.back().loss;
  summary["best_loss"] = best;
  if (!r.iterations.empty() && r.iterations.back().accuracy >= 0.0)
    summary["final_accuracy"] = r.iterations.back().accuracy;
  if (held_out) {
    summary["held_out_accuracy"] = held_out->accuracy;
    summary["held_out_samples"] = held_out->samples;
  }
  summary["weights_digest"] = r.weights_digest;
  summary["n_synapses"] = r.weights.size();
  summary["rec_spikes"] = r.rec_spikes;
  summary["synaptic_events"] = r.synaptic_events;
  summary["history_entries_max"] = r.history_entries_max;
  summary["threads"] = run.threads;
  summary["shards"] = run.shards;
  summary["build_seconds"] = r.build_seconds;
  summary["simulate_seconds"] = r.simulate_seconds;
  if (on_cluster) {
    summary["nodes"] = on_cluster->cluster.nodes.size();
    summary["data_bytes_sent"] = r.data_bytes_sent;
    const std::uint64_t spikes = r.rec_spikes + r.input_spikes;
    summary["data_bytes_per_spike"] =
        spikes > 0 ? static_cast<double>(r.data_bytes_sent) / static_cast<double>(spikes) : 0.0;
    // Spike frames only, per spike and per node it was sent to (empty slices included).
    summary["spike_frame_bytes"] = r.spike_frame_bytes;
    summary["error_frame_bytes"] = r.error_frame_bytes;
    summary["spike_frame_bytes_per_spike"] =
        spikes > 0 ? static_cast<double>(r.spike_frame_bytes) / static_cast<double>(spikes) : 0.0;
  }
  summary["ns_per_synaptic_event"] =
      r.synaptic_events > 0 ? r.simulate_seconds * 1e9 / static_cast<double>(r.synaptic_events) : 0.0;
  write_file_atomically(out / "summary.json", summary.dump(2) + "\n");
  spdlog::info("train: final loss {:.6g}, weights digest {}, summary in {}", summary["final_loss"].get<double>(),
               r.weights_digest, (out / "summary.json").string());
  return 0;
}

}  // namespace

void add_train_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<TrainOptions>();
  CLI::App* cmd = app.add_subcommand("train", "Train the network described by a config (JSON or YAML)");
  cmd->add_option("config", o->config, "Config file (see examples/)")->required()->check(CLI::ExistingFile);
  cmd->add_option("--out", o->out, "Output directory (default: out/<config name>)");
  cmd->add_option("--threads", o->run.threads, "Worker threads")->capture_default_str()->check(CLI::Range(1u, 1024u));
  cmd->add_option("--shards", o->run.shards, "Shards of the recurrent population")
      ->capture_default_str()
      ->check(CLI::Range(1u, 1u << 20));
  cmd->add_option("--seed", o->overrides.seed, "Override the config's seed");
  cmd->add_option("--iterations", o->overrides.iterations, "Override the number of iterations")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--resume", o->resume,
                  "Continue from the latest complete checkpoint in this run directory (or from this checkpoint "
                  "directory); same config, seed and iterations");
  cmd->add_option("--cluster", o->cluster,
                  "Run on the node daemons listed in this cluster file (eligo node; see examples/cluster.yaml)")
      ->check(CLI::ExistingFile);
  cmd->add_flag("--insecure", o->insecure,
                "Cluster runs: plain TCP without TLS or authentication (only on a trusted network)");
  CLI::Option* shards = cmd->get_option("--shards");
  cmd->callback([o, shards, &exit_code] {
    o->shards_given = shards->count() > 0;
    run_guarded(exit_code, [&] { return run_train(*o); });
  });
}

}  // namespace eligo::cli
