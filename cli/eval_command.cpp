// `eligo eval CHECKPOINT [DATA]`: loads a checkpoint's weights (runtime/checkpoint/checkpoint_directory.hpp)
// and the run's config (the manifest names it; --config points elsewhere), and reports the accuracy
// on held-out samples with learning switched off (evaluation.hpp). DATA replaces the config's N-MNIST
// folder; the evidence-accumulation task draws fresh trials.
#include "cli/eval_command.hpp"

#include <spdlog/spdlog.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "actors/held_out_evaluation.hpp"
#include "cli/guarded_run.hpp"
#include "runtime/checkpoint/checkpoint_directory.hpp"
#include "runtime/config/run_digest.hpp"
#include "runtime/config/training_config.hpp"

namespace eligo::cli {
namespace {

struct EvalOptions {
  std::string checkpoint;
  std::string data;
  std::string config;
  std::int64_t samples = 0;
  actors::RunOptions run;
};

int run_eval(const EvalOptions& o) {
  const CheckpointContents c = read_checkpoint_weights(o.checkpoint);
  const CheckpointManifest& m = c.manifest;
  const std::string config = o.config.empty() ? m.config_path : o.config;
  ConfigOverrides overrides;
  overrides.seed = m.seed;
  overrides.iterations = m.iterations;
  const TrainingSetup setup = load_training_config(config, overrides);
  if (run_digest(config, setup) != m.config_digest)
    spdlog::warn(
        "eval: {} is not the config this checkpoint was trained with (it changed since, or --config names "
        "another); the network it describes must still match the checkpoint's weights",
        config);
  if (!setup.classification)
    throw std::runtime_error("eval: the " + setup.task + " task has no held-out set (classification tasks only)");
  const std::int64_t samples =
      o.samples > 0 ? o.samples : std::max<std::int64_t>(1, setup.classification->test_samples);
  std::optional<std::filesystem::path> data;
  if (!o.data.empty()) data = std::filesystem::path(o.data);
  spdlog::info("eval: {} after iteration {} ({} synapses), {} held-out samples", m.name, m.iteration, c.weights.size(),
               samples);
  const actors::EvaluationResult e = actors::evaluate_held_out(setup, c.weights, samples, data, o.run);
  nlohmann::ordered_json result{{"checkpoint", find_checkpoint(o.checkpoint).string()},
                                {"iteration", m.iteration},
                                {"samples", e.samples},
                                {"accuracy", e.accuracy},
                                {"loss", e.loss},
                                {"seconds", e.seconds}};
  std::printf("%s\n", result.dump().c_str());
  spdlog::info("eval: accuracy {:.4f} on {} samples ({:.1f} s)", e.accuracy, e.samples, e.seconds);
  return 0;
}

}  // namespace

void add_eval_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<EvalOptions>();
  CLI::App* cmd = app.add_subcommand("eval", "Accuracy of a checkpoint on held-out samples, learning off");
  cmd->add_option("checkpoint", o->checkpoint, "Checkpoint directory, or a run directory (its latest checkpoint)")
      ->required();
  cmd->add_option("data", o->data, "N-MNIST folder with Test/ (default: the config's task.data_dir)");
  cmd->add_option("--config", o->config, "The run's config (default: the path the checkpoint records)");
  cmd->add_option("--samples", o->samples, "Held-out samples (default: the config's task.test_samples)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--threads", o->run.threads, "Worker threads")->capture_default_str()->check(CLI::Range(1u, 1024u));
  cmd->callback([o, &exit_code] { run_guarded(exit_code, [&] { return run_eval(*o); }); });
}

}  // namespace eligo::cli
