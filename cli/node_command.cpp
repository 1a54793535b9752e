// `eligo node --listen HOST:PORT [--certs DIR --name NAME | --insecure]`: serves shards to coordinators
// (actors/cluster/node_daemon.hpp) until SIGINT or SIGTERM.
#include "cli/node_command.hpp"

#include <spdlog/spdlog.h>

#include <memory>

#include "actors/cluster/cluster_file.hpp"
#include "actors/cluster/node_daemon.hpp"
#include "cli/guarded_run.hpp"
#include "runtime/config/run_digest.hpp"

namespace eligo::cli {
namespace {

struct NodeArgs {
  std::string listen;
  std::uint16_t data_port = 0;
  std::uint32_t threads = 1;
  std::string certs = "certs";
  std::string name;
  bool insecure = false;
  std::string config;
};

int run_node_command(const NodeArgs& a) {
  cluster::NodeOptions o;
  const cluster::NodeAddress at = cluster::parse_endpoint(a.listen);
  o.host = at.host;
  o.port = at.port;
  if (o.port == 0) throw std::runtime_error("--listen needs a port other than 0 (the cluster file names it)");
  if (a.data_port == 0 && o.port == 65535)
    throw std::runtime_error("--listen port 65535 leaves no data port; give --data-port");
  o.data_port = a.data_port;
  o.threads = a.threads;
  o.name = a.name.empty() ? "node-" + std::to_string(o.port) : a.name;
  o.security.insecure = a.insecure;
  if (!a.insecure) {
    if (a.name.empty())
      throw std::runtime_error("--name is required with TLS: it names this node's certificate in " + a.certs +
                               " (eligo certs issue NAME), or use --insecure on a trusted network");
    o.security.files = cluster::tls_files(a.certs, a.name);
  }
  if (!a.config.empty()) {
    const TrainingSetup setup = load_training_config(a.config);
    o.pinned_digest = run_digest(a.config, setup);
  }
  return cluster::run_node(o);
}

}  // namespace

void add_node_command(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<NodeArgs>();
  CLI::App* cmd = app.add_subcommand("node", "Serve shards to coordinators (eligo train --cluster) until stopped");
  cmd->add_option("--listen", a->listen, "HOST:PORT of the control plane (CAF middleman)")->required();
  cmd->add_option("--data-port", a->data_port, "Port of the data plane (default: the control port + 1)");
  cmd->add_option("--threads", a->threads, "Worker threads (placement gives this node shards in proportion)")
      ->capture_default_str()
      ->check(CLI::Range(1u, 1024u));
  cmd->add_option("--certs", a->certs, "Certificate folder (eligo certs init / issue)")->capture_default_str();
  cmd->add_option("--name", a->name, "This node's certificate name in the certificate folder");
  cmd->add_flag("--insecure", a->insecure, "Plain TCP without TLS or authentication (only on a trusted network)");
  cmd->add_option("--config", a->config, "Accept only runs of this config (checked by its digest)")
      ->check(CLI::ExistingFile);
  cmd->callback([a, &exit_code] { run_guarded(exit_code, [&] { return run_node_command(*a); }); });
}

}  // namespace eligo::cli
