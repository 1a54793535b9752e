#pragma once
// `eligo train CONFIG --cluster CLUSTER.yaml`: the coordinator's side of a distributed run
// (docs/architecture.md §6). It reaches every node over the control plane, checks protocol version and
// config digest (hello), places the shards by the nodes' thread counts, has every node build its
// shards and link to the others, starts them, and gathers iterations, checkpoints, the recording and
// at the end the weights into the same RunLedger (actors/run_ledger.hpp) as the single-process
// coordinator. Spike and error batches flow between the nodes, never through here.
//
// It monitors every remote actor: a node that dies or a data link that breaks stops the run at once
// with a RunFailed that names the node, its address and its shards.
#include <filesystem>
#include <string>

#include "actors/cluster/cluster_file.hpp"
#include "actors/coordinator.hpp"
#include "runtime/config/training_config.hpp"

namespace eligo::cluster {

struct ClusterRun {
  ClusterSpec cluster;
  bool insecure = false;
  std::string config_text;
  std::filesystem::path config_path;  // absolute
  std::string config_digest;
  ConfigOverrides overrides;
};

// Runs steps 0 … n_steps−1 of the config's network on the cluster's nodes. options.threads is
// ignored (each node has its own); options.shards recurrent shards are spread over the nodes.
actors::RunResult run_on_cluster(const ClusterRun& run, Step slice_steps, Step n_steps,
                                 const actors::RunOptions& options, const actors::Callbacks& callbacks = {});

}  // namespace eligo::cluster
