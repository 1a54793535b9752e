#pragma once
// `eligo train CONFIG --cluster CLUSTER.yaml`: the coordinator's side of a distributed run
// (docs/architecture.md §6). It reaches every node over the control plane, checks protocol version and
// config digest (hello), places the shards by the nodes' thread counts, has every node build its
// shards and link to the others, starts them, and gathers iterations, checkpoints, the recording and
// at the end the weights into the same RunLedger (actors/run_ledger.hpp) as the single-process
// coordinator. Spike and error batches flow between the nodes, never through here.
//
// It monitors every remote actor and, once the run goes, beats every node (heartbeats): a node that
// dies, goes silent, or whose data link breaks or goes silent stops the run at once with NodesLost,
// which names the node, its address and its shards. A caller that may restart (train --restart)
// places the shards anew without the lost nodes (replace_lost) and runs again from a checkpoint.
#include <filesystem>
#include <string>
#include <vector>

#include "actors/cluster/cluster_file.hpp"
#include "actors/coordinator.hpp"
#include "runtime/config/training_config.hpp"

namespace eligo::cluster {

struct ClusterRun {
  ClusterSpec cluster;
  // The cluster file's nodes (indices into cluster.nodes) that take part, and where each shard goes;
  // both empty: every node that is not a spare, shards placed by thread counts (place_shards).
  std::vector<std::size_t> active;
  std::vector<std::size_t> placement;  // cluster-file node index of each shard
  bool insecure = false;
  std::string config_text;
  std::filesystem::path config_path;  // absolute
  std::string config_digest;
  ConfigOverrides overrides;
};

// The nodes that take part in the run: `active`, or every node that is not a spare.
std::vector<std::size_t> active_nodes(const ClusterRun& run);

// The run stopped because nodes were lost (dead, silent, or cut off from the others): they are
// named by their cluster-file index, with the placement the run had (empty if it had none yet).
class NodesLost : public actors::RunFailed {
 public:
  NodesLost(const std::string& what, std::vector<std::size_t> lost, std::vector<std::size_t> placement)
      : actors::RunFailed(what), lost(std::move(lost)), placement(std::move(placement)) {}
  std::vector<std::size_t> lost;
  std::vector<std::size_t> placement;
};

// Runs steps 0 … n_steps−1 of the config's network on the cluster's nodes. options.threads is
// ignored (each node has its own); options.shards recurrent shards are spread over the nodes.
actors::RunResult run_on_cluster(const ClusterRun& run, Step slice_steps, Step n_steps,
                                 const actors::RunOptions& options, const actors::Callbacks& callbacks = {});

}  // namespace eligo::cluster
