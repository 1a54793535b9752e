#include "cli/train_command.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "actors/coordinator.hpp"
#include "cli/progress.hpp"
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

// Writes a file completely or not at all: a reader never sees half a summary.
void write_atomically(const fs::path& path, const std::string& text) {
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream f(tmp, std::ios::trunc);
    f << text;
    f.flush();
    if (!f) throw std::runtime_error("cannot write " + tmp.string());
  }
  fs::rename(tmp, path);
}

int run_train(const TrainOptions& o) {
  const TrainingSetup setup = load_training_config(o.config, o.overrides);
  const fs::path out = o.out.empty() ? fs::path("out") / fs::path(o.config).stem() : fs::path(o.out);
  fs::create_directories(out);
  std::ofstream metrics(out / "metrics.jsonl", std::ios::trunc);
  if (!metrics) throw std::runtime_error("cannot write " + (out / "metrics.jsonl").string());

  spdlog::info("train: {} ({} inputs, {} {} neurons, {} readouts), {} iterations of {} steps, {} thread(s), "
               "{} shard(s), output in {}",
               setup.name, setup.network.n_in, setup.network.n_rec, to_string(setup.network.rec_model),
               setup.network.n_out, setup.loss.n_iter, setup.loss.sequence * setup.loss.group_size, o.run.threads,
               o.run.shards, out.string());
  const actors::IterationPlan plan{setup.loss.first_step, setup.loss.sequence, setup.loss.group_size,
                                   setup.loss.n_iter};
  Progress progress("train", setup.loss.n_iter);
  double best = INFINITY;
  std::uint64_t total_spikes = 0;
  const actors::RunResult r = actors::run_network(
      setup.network, setup.n_steps, plan, o.run, [&](const actors::IterationReport& it, double elapsed) {
        best = std::min(best, it.loss);
        total_spikes += it.rec_spikes;
        const double task_seconds = static_cast<double>(plan.steps_per_iteration()) * setup.network.resolution_ms / 1e3;
        const double rate_hz = static_cast<double>(it.rec_spikes) / std::max(1u, setup.network.n_rec) / task_seconds;
        nlohmann::ordered_json line{{"iteration", it.iteration + 1}, {"loss", it.loss},
                                    {"spikes", it.rec_spikes},       {"rate_hz", rate_hz},
                                    {"wall_seconds", elapsed}};
        metrics << line.dump() << '\n' << std::flush;  // one line per iteration, never lost
        char detail[128];
        std::snprintf(detail, sizeof detail, "loss %.5g (best %.5g) rate %.1f Hz %.1f spikes/s", it.loss, best,
                      rate_hz, static_cast<double>(total_spikes) / std::max(elapsed, 1e-9));
        progress.update(it.iteration + 1, elapsed, detail);
      });
  progress.finish();

  nlohmann::ordered_json summary;
  summary["name"] = setup.name;
  summary["config"] = fs::absolute(o.config).string();
  summary["seed"] = setup.seed;
  summary["iterations"] = r.iterations.size();
  summary["final_loss"] = r.iterations.empty() ? NAN : r.iterations.back().loss;
  summary["best_loss"] = best;
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
  write_atomically(out / "summary.json", summary.dump(2) + "\n");
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
