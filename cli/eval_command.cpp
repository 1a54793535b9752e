// `eligo eval CHECKPOINT [DATA]`: the flags of a held-out evaluation and its output, one JSON line on
// stdout. Loading and running is actors/session/evaluation_session.hpp.
#include "cli/eval_command.hpp"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <memory>
#include <string>

#include "actors/session/evaluation_session.hpp"
#include "cli/guarded_run.hpp"

namespace eligo::cli {
namespace {

struct EvalOptions {
  session::EvaluationRequest request;
  std::string data;
};

int run_eval(EvalOptions& o) {
  if (!o.data.empty()) o.request.data = std::filesystem::path(o.data);
  const session::CheckpointEvaluation evaluation(o.request);
  const CheckpointManifest& m = evaluation.manifest();
  spdlog::info("eval: {} after iteration {} ({} synapses), {} held-out samples", m.name, m.iteration,
               evaluation.n_synapses(), evaluation.samples());
  const actors::EvaluationResult e = evaluation.run();
  std::printf("%s\n", evaluation.result_line(e).dump().c_str());
  spdlog::info("eval: accuracy {:.4f} on {} samples ({:.1f} s)", e.accuracy, e.samples, e.seconds);
  return 0;
}

}  // namespace

void add_eval_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<EvalOptions>();
  session::EvaluationRequest& r = o->request;
  CLI::App* cmd = app.add_subcommand("eval", "Accuracy of a checkpoint on held-out samples, learning off");
  cmd->add_option("checkpoint", r.checkpoint, "Checkpoint directory, or a run directory (its latest checkpoint)")
      ->required();
  cmd->add_option("data", o->data, "N-MNIST folder with Test/ (default: the config's task.data_dir)");
  cmd->add_option("--config", r.config, "The run's config (default: the path the checkpoint records)");
  cmd->add_option("--samples", r.samples, "Held-out samples (default: the config's task.test_samples)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--threads", r.run.threads, "Worker threads")->capture_default_str()->check(CLI::Range(1u, 1024u));
  cmd->callback([o, &exit_code] { run_guarded(exit_code, [&] { return run_eval(*o); }); });
}

}  // namespace eligo::cli
