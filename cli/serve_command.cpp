// `eligo serve CONFIG|CHECKPOINT --listen HOST:PORT`: serves streaming sessions
// (actors/stream/stream_server.hpp) until SIGINT or SIGTERM, with Prometheus metrics on --metrics.
#include "cli/serve_command.hpp"

#include <spdlog/spdlog.h>

#include <csignal>
#include <fstream>
#include <memory>
#include <thread>

#include "actors/cluster/certificates.hpp"
#include "actors/cluster/cluster_file.hpp"
#include "actors/stream/metrics_endpoint.hpp"
#include "actors/stream/stream_server.hpp"
#include "cli/guarded_run.hpp"
#include "cli/memory_limit_option.hpp"
#include "cli/token_file.hpp"
#include "runtime/checkpoint/checkpoint_directory.hpp"
#include "runtime/config/run_digest.hpp"

namespace eligo::cli {
namespace {

namespace fs = std::filesystem;

struct ServeArgs {
  std::string source;  // a config, or a checkpoint (or run) directory
  std::string listen;
  std::string port_file;
  std::string metrics;
  std::string certs = "certs";
  std::string name;
  std::string token_file;
  bool insecure = false;
  std::string out;
  std::uint32_t threads = std::max(1u, std::thread::hardware_concurrency());
  std::uint32_t max_sessions = 8;
  std::uint64_t session_memory_mb = 1024;
  double stall_seconds = 30.0, idle_seconds = 300.0;
  std::string memory_limit;  // --memory-limit, or empty: this machine's memory
};

void write_port(const std::string& file, std::uint16_t port) {
  const fs::path tmp = file + ".tmp";
  {
    std::ofstream out(tmp);
    out << port << "\n";
    if (!out) throw std::runtime_error("--port-file " + file + ": cannot write it");
  }
  fs::rename(tmp, file);  // readers never see half a number
}

int run_serve_command(const ServeArgs& a) {
  stream::ServerOptions o;
  fs::path config = a.source;
  if (fs::is_directory(config)) {  // a saved network: its weights, and the config its manifest names
    CheckpointContents c = read_checkpoint_weights(config);
    config = c.manifest.config_path;
    o.start_weights = std::move(c.weights);
    spdlog::info("starting sessions from {} ({} weights)", a.source, o.start_weights->size());
  }
  ConfigOverrides overrides;
  overrides.streamed = true;
  overrides.memory_limit = memory_limit_of(a.memory_limit);  // one session's network must fit at least
  TrainingSetup setup = load_training_config(config, overrides);
  o.config_path = fs::absolute(config).string();
  o.config_digest = run_digest(config, setup);
  const cluster::NodeAddress at = cluster::parse_endpoint(a.listen);
  o.host = at.host;
  o.port = at.port;
  o.security.insecure = a.insecure;
  if (!a.insecure) {
    if (a.name.empty())
      throw std::runtime_error("--name is required with TLS: it names this server's certificate in " + a.certs +
                               " (eligo certs issue NAME), or use --insecure on a loopback address");
    const cluster::TlsFiles files = cluster::tls_files(a.certs, a.name);
    o.security.ca_file = files.ca_file;
    o.security.cert_file = files.cert_file;
    o.security.key_file = files.key_file;
  }
  if (!a.token_file.empty()) o.token = read_token_file(a.token_file, 16);
  o.max_sessions = a.max_sessions;
  o.session_memory_bytes = a.session_memory_mb << 20;
  o.stall_seconds = a.stall_seconds;
  o.idle_seconds = a.idle_seconds;
  o.threads = a.threads;
  o.out = a.out.empty() ? fs::path("out") / ("serve-" + setup.name) : fs::path(a.out);

  // Block the stop signals in every thread (the server's inherit the mask) and wait for them here.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  stream::StreamServer server(std::move(setup), o);
  std::unique_ptr<stream::MetricsEndpoint> metrics;
  if (!a.metrics.empty()) {
    const cluster::NodeAddress m = cluster::parse_endpoint(a.metrics);
    metrics =
        std::make_unique<stream::MetricsEndpoint>(m.host, m.port, [&server] { return server.metrics().render(); });
    spdlog::info("metrics on http://{}:{}/metrics", m.host, metrics->port());
  }
  spdlog::info("serving {} on {}:{} ({}), up to {} sessions", config.string(), o.host, server.port(),
               a.insecure ? "plain TCP"
               : o.token  ? "TLS, certificate or token"
                          : "mutual TLS",
               o.max_sessions);
  if (!a.port_file.empty()) write_port(a.port_file, server.port());
  std::thread io([&server] { server.run(); });
  int signal = 0;
  sigwait(&stop_signals, &signal);
  spdlog::info("stopping ({})", signal == SIGINT ? "SIGINT" : "SIGTERM");
  server.stop();
  io.join();
  return 0;
}

}  // namespace

void add_serve_command(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<ServeArgs>();
  CLI::App* cmd = app.add_subcommand("serve", "Serve streaming learning sessions (eligo stream) until stopped");
  cmd->add_option("config", a->source, "Config file, or a checkpoint whose network sessions start from")
      ->required()
      ->check(CLI::ExistingPath);
  cmd->add_option("--listen", a->listen, "HOST:PORT to listen on (port 0: any free port)")->required();
  cmd->add_option("--port-file", a->port_file, "Write the port listened on to this file");
  cmd->add_option("--metrics", a->metrics, "HOST:PORT of a Prometheus endpoint (GET /metrics)");
  cmd->add_option("--certs", a->certs, "Certificate folder (eligo certs init / issue)")->capture_default_str();
  cmd->add_option("--name", a->name, "This server's certificate name in the certificate folder");
  cmd->add_option("--token-file", a->token_file, "Clients may authenticate with this bearer token instead")
      ->check(CLI::ExistingFile);
  cmd->add_flag("--insecure", a->insecure, "Plain TCP without TLS (loopback addresses only)");
  cmd->add_option("--out", a->out, "Where Save writes networks (default: out/serve-<config name>)");
  cmd->add_option("--threads", a->threads, "Worker threads shared by all sessions")
      ->capture_default_str()
      ->check(CLI::Range(1u, 1024u));
  cmd->add_option("--max-sessions", a->max_sessions, "Sessions at once; more are refused")
      ->capture_default_str()
      ->check(CLI::Range(1u, 10000u));
  cmd->add_option("--session-memory-mb", a->session_memory_mb, "Memory budget of one session (network and buffers)")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 20));
  add_memory_limit_option(*cmd, a->memory_limit);
  cmd->add_option("--stall-timeout", a->stall_seconds, "Seconds a client may leave its outputs unread")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 86400.0));
  cmd->add_option("--idle-timeout", a->idle_seconds, "Seconds a client may send nothing")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 86400.0));
  cmd->callback([a, &exit_code] { run_guarded(exit_code, [&] { return run_serve_command(*a); }); });
}

}  // namespace eligo::cli
