#pragma once
// Where a training session's shards run and where their input comes from. The session's bookkeeping
// (schedule, checkpoints, evaluations, outputs) is the same for every backend; a backend only runs
// the network and reports through the callbacks. Two exist: this process (actors/coordinator.hpp) and
// node daemons (actors/cluster/cluster_coordinator.hpp, docs/architecture.md §6), both with the
// config's task as input. A streaming server adds one whose input arrives over the network.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/cluster/cluster_coordinator.hpp"
#include "actors/coordinator.hpp"
#include "actors/supervisor_actor.hpp"
#include "runtime/config/training_config.hpp"

namespace eligo::session {

// What a backend changed to carry on after a failure (train --restart).
struct NodeRecovery {
  std::vector<std::string> lost_nodes;  // "name (host:port)"
  std::vector<std::uint32_t> moved_shards;
  std::vector<std::string> to_nodes;
};

class RunBackend {
 public:
  virtual ~RunBackend() = default;
  // Runs the network to its end (from after options.resume's slice when set). Throws
  // actors::RunFailed when a shard, node or callback fails.
  virtual actors::RunResult run(const actors::RunOptions& options, const actors::Callbacks& callbacks) = 0;
  // What `eligo train` needs besides --out and --resume to continue this run, e.g. " --cluster …".
  virtual std::string resume_arguments() const { return ""; }
  // Cluster runs: how many nodes ran the shards.
  virtual std::optional<std::size_t> nodes() const { return std::nullopt; }
  // After `failure`: when it is one this backend can survive (nodes of a cluster lost), prepares the
  // next run() without them and says what changed; otherwise nullopt.
  virtual std::optional<NodeRecovery> recover(const actors::RunFailed& failure) {
    (void)failure;
    return std::nullopt;
  }
};

// The config's network, with its task as input, in this process.
std::unique_ptr<RunBackend> in_process(const TrainingSetup& setup, const actors::IterationPlan& plan);

// The config's network on the cluster's node daemons (each builds its shards from the config text).
std::unique_ptr<RunBackend> on_cluster(cluster::ClusterRun run, Step slice_steps, Step n_steps);

}  // namespace eligo::session
