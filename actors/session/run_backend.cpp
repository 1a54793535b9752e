#include "actors/session/run_backend.hpp"

#include <stdexcept>
#include <utility>

#include "actors/cluster/placement.hpp"

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
  std::optional<std::size_t> nodes() const override { return active().size(); }

  std::optional<NodeRecovery> recover(const actors::RunFailed& failure) override {
    const auto* lost = dynamic_cast<const cluster::NodesLost*>(&failure);
    if (!lost) return std::nullopt;
    cluster::Replacement r;
    try {
      r = cluster::replace_lost(run_.cluster, active(), lost->lost, lost->placement, lost_before_);
    } catch (const std::invalid_argument&) {
      return std::nullopt;  // no node left
    }
    lost_before_.insert(lost_before_.end(), lost->lost.begin(), lost->lost.end());
    NodeRecovery out;
    for (std::size_t k : lost->lost) out.lost_nodes.push_back(describe(k));
    for (std::size_t k : r.took_over) out.to_nodes.push_back(describe(k));
    out.moved_shards = r.moved_shards;
    run_.active = std::move(r.active);
    run_.placement = std::move(r.placement);
    return out;
  }

 private:
  std::vector<std::size_t> active() const { return cluster::active_nodes(run_); }
  std::string describe(std::size_t k) const {
    const cluster::NodeAddress& n = run_.cluster.nodes.at(k);
    return n.name + " (" + n.endpoint() + ")";
  }

  cluster::ClusterRun run_;
  std::vector<std::size_t> lost_before_;  // every node lost so far in this run: none is used again
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
