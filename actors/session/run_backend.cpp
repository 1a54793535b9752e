#include "actors/session/run_backend.hpp"

#include <utility>

namespace eligo::session {
namespace {

class InProcess final : public RunBackend {
 public:
  InProcess(const TrainingSetup& setup, const actors::IterationPlan& plan) : setup_(setup), plan_(plan) {}
  actors::RunResult run(const actors::RunOptions& options, const actors::Callbacks& callbacks) override {
    return actors::run_network(setup_.network, setup_.n_steps, plan_, options, callbacks);
  }

 private:
  const TrainingSetup& setup_;
  const actors::IterationPlan plan_;
};

class OnCluster final : public RunBackend {
 public:
  OnCluster(cluster::ClusterRun run, Step slice_steps, Step n_steps)
      : run_(std::move(run)), slice_steps_(slice_steps), n_steps_(n_steps) {}
  actors::RunResult run(const actors::RunOptions& options, const actors::Callbacks& callbacks) override {
    return cluster::run_on_cluster(run_, slice_steps_, n_steps_, options, callbacks);
  }
  // A placeholder for the cluster file the run was started with.
  std::string resume_arguments() const override { return " --cluster CLUSTER.yaml"; }
  std::optional<std::size_t> nodes() const override { return run_.cluster.nodes.size(); }

 private:
  const cluster::ClusterRun run_;
  const Step slice_steps_, n_steps_;
};

}  // namespace

std::unique_ptr<RunBackend> in_process(const TrainingSetup& setup, const actors::IterationPlan& plan) {
  return std::make_unique<InProcess>(setup, plan);
}

std::unique_ptr<RunBackend> on_cluster(cluster::ClusterRun run, Step slice_steps, Step n_steps) {
  return std::make_unique<OnCluster>(std::move(run), slice_steps, n_steps);
}

}  // namespace eligo::session
