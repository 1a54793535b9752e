#include "actors/session/evaluation_session.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

#include "actors/session/run_directory.hpp"
#include "runtime/config/run_digest.hpp"

namespace eligo::session {
namespace {

// The config as the checkpoint's run had it: the manifest's seed and iterations, not the file's.
TrainingSetup load_setup(const std::filesystem::path& config, const CheckpointManifest& m) {
  ConfigOverrides overrides;
  overrides.seed = m.seed;
  overrides.iterations = m.iterations;
  return load_training_config(config, overrides);
}

}  // namespace

CheckpointEvaluation::CheckpointEvaluation(const EvaluationRequest& request)
    : request_(request), checkpoint_(read_checkpoint_weights(request.checkpoint)) {
  const CheckpointManifest& m = checkpoint_.manifest;
  const std::filesystem::path config = request.config.empty() ? std::filesystem::path(m.config_path) : request.config;
  setup_ = load_setup(config, m);
  if (run_digest(config, setup_) != m.config_digest)
    spdlog::warn(
        "eval: {} is not the config this checkpoint was trained with (it changed since, or --config names "
        "another); the network it describes must still match the checkpoint's weights",
        config.string());
  if (!setup_.classification)
    throw std::runtime_error("eval: the " + setup_.task + " task has no held-out set (classification tasks only)");
  samples_ = request.samples > 0 ? request.samples : std::max<std::int64_t>(1, setup_.classification->test_samples);
}

actors::EvaluationResult CheckpointEvaluation::run() const {
  return actors::evaluate_held_out(setup_, checkpoint_.weights, samples_, request_.data, request_.run);
}

nlohmann::ordered_json CheckpointEvaluation::result_line(const actors::EvaluationResult& e) const {
  return {{fields::kCheckpoint, find_checkpoint(request_.checkpoint).string()},
          {fields::kIteration, manifest().iteration},
          {fields::kSamples, e.samples},
          {fields::kAccuracy, e.accuracy},
          {fields::kLoss, e.loss},
          {fields::kSeconds, e.seconds}};
}

}  // namespace eligo::session
