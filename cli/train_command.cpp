// `eligo train CONFIG`: the flags of a training run and what it shows while it runs. The run itself,
// from the resume checks to summary.json, is actors/session/training_session.hpp.
#include "cli/train_command.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "actors/session/training_session.hpp"
#include "cli/eprop_mode_option.hpp"
#include "cli/guarded_run.hpp"
#include "cli/memory_limit_option.hpp"
#include "cli/plotting/run_figures.hpp"
#include "cli/progress.hpp"

namespace eligo::cli {
namespace {

struct TrainOptions {
  session::TrainingRequest request;
  std::string cluster;       // cluster file: run on node daemons
  bool insecure = false;     // cluster: plain TCP, no TLS
  std::string memory_limit;  // --memory-limit, or empty
  bool no_plots = false;     // --no-plots: leave the figures to `eligo plot`
};

// The session's events as a progress bar (or log lines off a terminal) and one log line per
// checkpoint and evaluation.
class TrainProgress final : public session::TrainingObserver {
 public:
  void started(const session::TrainingStarted& s) override {
    const TrainingSetup& setup = s.setup;
    // "100 eprop_iaf_adapt neurons", or per group: "50 eprop_iaf_bsshslm_2020 + 50 eprop_iaf_adapt_bsshslm_2020".
    std::string neurons = fmt::format("{} {}", setup.network.n_rec, to_string(setup.network.rec_model));
    if (setup.network.rec_groups.size() > 1) {
      neurons.clear();
      for (const RecurrentGroup& g : setup.network.rec_groups)
        neurons += fmt::format("{}{} {}", neurons.empty() ? "" : " + ", g.n, to_string(g.model));
    }
    spdlog::info(
        "train: {} ({} task; {} inputs, {} neurons, {} readouts), {} iterations of {} steps, {} thread(s), "
        "{} shard(s), output in {}",
        setup.name, setup.task, setup.network.n_in, neurons, setup.network.n_out, setup.loss.n_iter,
        setup.loss.sequence * setup.loss.group_size, s.threads, s.shards, s.out.string());
    progress_.emplace("train", setup.loss.n_iter, s.done_iterations);
  }
  void iteration_done(const session::IterationDone& it) override {
    std::string detail = fmt::format("loss {:.5g} (best {:.5g})", it.loss, it.best_loss);
    if (it.accuracy) detail += fmt::format(" accuracy {:.3f}", *it.accuracy);
    detail += fmt::format(" rate {:.1f} Hz, {:.3g} spikes/s", it.rate_hz, it.spikes_per_second);
    progress_->update(it.iteration, it.elapsed_seconds, detail);
  }
  void checkpoint_written(const session::CheckpointWritten& c) override {
    spdlog::info("checkpoint after iteration {}: {}", c.iteration, c.dir.string());
  }
  void evaluated(const session::HeldOutEvaluated& e) override {
    spdlog::info("evaluation after iteration {}: held-out accuracy {:.4f} on {} samples (loss {:.5g}, {:.1f} s)",
                 e.iteration, e.result.accuracy, e.result.samples, e.result.loss, e.result.seconds);
  }
  void run_ended() override {
    if (progress_) progress_->finish();
  }

 private:
  std::optional<Progress> progress_;
};

int run_train(TrainOptions& o) {
  // A cluster's network is spread over its nodes: only a limit given applies to it as a whole.
  if (o.cluster.empty() || !o.memory_limit.empty()) o.request.overrides.memory_limit = memory_limit_of(o.memory_limit);
  if (!o.cluster.empty()) {
    o.request.cluster = session::ClusterTarget{o.cluster, o.insecure};
  }
  session::TrainingSession training(o.request);
  TrainProgress progress;
  const session::TrainingOutcome outcome = training.run(progress);
  spdlog::info("train: final loss {:.6g}, weights digest {}, summary in {}", outcome.summary.final_loss,
               outcome.summary.weights_digest, outcome.summary_file.string());
  if (!o.no_plots) draw_figures_after_training(training.out());
  return 0;
}

}  // namespace

void add_train_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<TrainOptions>();
  session::TrainingRequest& r = o->request;
  CLI::App* cmd = app.add_subcommand("train", "Train the network described by a config (JSON or YAML)");
  cmd->add_option("config", r.config, "Config file (see examples/)")->required()->check(CLI::ExistingFile);
  cmd->add_option("--out", r.out, "Output directory (default: out/<config name>)");
  // Every core by default: the weights do not depend on the thread count (docs/architecture.md §4).
  r.run.threads = std::clamp(std::thread::hardware_concurrency(), 1u, 1024u);
  cmd->add_option("--threads", r.run.threads, "Worker threads (default: this machine's cores)")
      ->capture_default_str()
      ->check(CLI::Range(1u, 1024u));
  CLI::Option* shards = cmd->add_option("--shards", r.run.shards, "Shards of the recurrent population")
                            ->capture_default_str()
                            ->check(CLI::Range(1u, 1u << 20));
  add_memory_limit_option(*cmd, o->memory_limit);
  cmd->add_option("--seed", r.overrides.seed, "Override the config's seed");
  cmd->add_option("--iterations", r.overrides.iterations, "Override the number of iterations")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--data", r.overrides.data_dir, "Labelled folder of samples (Train/, Test/), replacing task.data_dir")
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--order", r.overrides.order, "Order of the training samples (replaces data.order)")
      ->check(CLI::IsMember({"shuffled", "sorted"}));
  cmd->add_option("--mode", r.overrides.eprop_mode, "How synapses integrate an interval (replaces eprop_mode)")
      ->check(CLI::IsMember(eprop_mode_names()));
  cmd->add_option("--epochs", r.overrides.epochs, "Passes over the training split, instead of iterations")
      ->check(CLI::PositiveNumber)
      ->excludes("--iterations");
  cmd->add_option("--resume", r.resume,
                  "Continue from the latest complete checkpoint in this run directory (or from this checkpoint "
                  "directory); same config, seed and iterations");
  cmd->add_flag("--no-plots", o->no_plots,
                "Do not draw the figures at the end (they are drawn when gnuplot is installed; see eligo plot)");
  cmd->add_option("--cluster", o->cluster,
                  "Run on the node daemons listed in this cluster file (eligo node; see examples/cluster.yaml)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--restart", r.restarts,
                  "Cluster runs: when nodes are lost (dead, silent, cut off), carry on without them from the last "
                  "complete checkpoint, at most this many times (spares first; the digest is the same)")
      ->check(CLI::Range(0u, 1000u))
      ->needs("--cluster");
  cmd->add_flag("--insecure", o->insecure,
                "Cluster runs: plain TCP without TLS or authentication (only on a trusted network)");
  cmd->callback([o, shards, &exit_code] {
    o->request.shards_given = shards->count() > 0;
    run_guarded(exit_code, [&] { return run_train(*o); });
  });
}

}  // namespace eligo::cli
