#include "cli/train_command.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "actors/coordinator.hpp"
#include "cli/evaluation.hpp"
#include "cli/progress.hpp"
#include "cli/run_outputs.hpp"
#include "runtime/core/atomic_file.hpp"
#include "runtime/config/training_config.hpp"

namespace eligo::cli {
namespace {

namespace fs = std::filesystem;

struct TrainOptions {
  std::string config;
  std::string out;
  actors::RunOptions run;
  ConfigOverrides overrides;
};

actors::IterationPlan make_plan(const TrainingSetup& setup) {
  actors::IterationPlan plan{setup.loss.first_step, setup.loss.sequence, setup.loss.group_size, setup.loss.n_iter};
  plan.accuracy_window = setup.accuracy_window;
  // Record the run's last sequence for `eligo plot`.
  plan.record_steps = setup.loss.sequence;
  plan.record_first_step = setup.loss.first_step + plan.steps_per_iteration() * setup.loss.n_iter - plan.record_steps;
  plan.rec_first_gid = setup.network.n_in;
  return plan;
}

// One held-out evaluation after `iteration` iterations, logged and appended to evaluations.jsonl.
EvaluationResult evaluate(const TrainingSetup& setup, const std::vector<WeightRecord>& weights, std::int64_t iteration,
                          const actors::RunOptions& run, JsonLines& log) {
  const EvaluationResult e = evaluate_held_out(setup, weights, setup.classification->test_samples, std::nullopt, run);
  log.append({{"iteration", iteration}, {"accuracy", e.accuracy}, {"loss", e.loss}, {"samples", e.samples}});
  spdlog::info("evaluation after iteration {}: held-out accuracy {:.4f} on {} samples (loss {:.5g}, {:.1f} s)",
               iteration, e.accuracy, e.samples, e.loss, e.seconds);
  return e;
}

int run_train(const TrainOptions& o) {
  const TrainingSetup setup = load_training_config(o.config, o.overrides);
  const fs::path out = o.out.empty() ? fs::path("out") / fs::path(o.config).stem() : fs::path(o.out);
  fs::create_directories(out);
  JsonLines metrics(out / "metrics.jsonl", -1);

  spdlog::info("train: {} ({} task; {} inputs, {} {} neurons, {} readouts), {} iterations of {} steps, {} thread(s), "
               "{} shard(s), output in {}",
               setup.name, setup.task, setup.network.n_in, setup.network.n_rec, to_string(setup.network.rec_model),
               setup.network.n_out, setup.loss.n_iter, setup.loss.sequence * setup.loss.group_size, o.run.threads,
               o.run.shards, out.string());
  const actors::IterationPlan plan = make_plan(setup);
  Progress progress("train", setup.loss.n_iter);
  double best = INFINITY;
  std::uint64_t total_spikes = 0;
  const actors::RunResult r = actors::run_network(
      setup.network, setup.n_steps, plan, o.run, [&](const actors::IterationReport& it, double elapsed) {
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
        char detail[160];
        const int n = std::snprintf(detail, sizeof detail, "loss %.5g (best %.5g)", it.loss, best);
        if (it.accuracy >= 0.0)
          std::snprintf(detail + n, sizeof detail - n, " accuracy %.3f", it.accuracy);
        const std::string rates = fmt::format(" rate {:.1f} Hz, {:.3g} spikes/s", rate_hz,
                                              static_cast<double>(total_spikes) / std::max(elapsed, 1e-9));
        progress.update(it.iteration + 1, elapsed, detail + rates);
      });
  progress.finish();
  if (r.recording) write_recording(out, *r.recording, setup.network, plan.record_steps);

  std::optional<EvaluationResult> held_out;
  if (setup.classification && setup.classification->test_samples > 0) {
    JsonLines evaluations(out / "evaluations.jsonl", -1);
    held_out = evaluate(setup, r.weights, setup.loss.n_iter, o.run, evaluations);
  }

  nlohmann::ordered_json summary;
  summary["name"] = setup.name;
  summary["task"] = setup.task;
  summary["config"] = fs::absolute(o.config).string();
  summary["seed"] = setup.seed;
  summary["iterations"] = r.iterations.size();
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
  summary["threads"] = o.run.threads;
  summary["shards"] = o.run.shards;
  summary["build_seconds"] = r.build_seconds;
  summary["simulate_seconds"] = r.simulate_seconds;
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
  cmd->callback([o, &exit_code] {
    try {
      exit_code = run_train(*o);
    } catch (const std::exception& e) {
      spdlog::error("{}", e.what());
      exit_code = 2;
    }
  });
}

}  // namespace eligo::cli
