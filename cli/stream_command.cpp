// `eligo stream --connect HOST:PORT --events PATH`: streams an event file or a labelled folder to
// `eligo serve` (actors/stream/stream_client.hpp). Prints one JSON line per sample as the server
// answers it, then a JSON summary.
#include "cli/stream_command.hpp"

#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

#include "actors/cluster/certificates.hpp"
#include "actors/cluster/cluster_file.hpp"
#include "actors/stream/stream_client.hpp"
#include "cli/guarded_run.hpp"
#include "cli/token_file.hpp"

namespace eligo::cli {
namespace {

namespace fs = std::filesystem;

struct StreamArgs {
  std::string connect;
  std::string events;
  std::optional<std::uint32_t> label;
  std::string learn = "on";
  std::string save;
  std::string start_from;
  std::string certs = "certs";
  std::string name;
  std::string token_file;
  bool insecure = false;
};

int run_stream_command(const StreamArgs& a) {
  stream::ClientOptions o;
  const cluster::NodeAddress at = cluster::parse_endpoint(a.connect);
  o.host = at.host;
  o.port = at.port;
  o.insecure = a.insecure;
  if (!a.insecure) {
    o.ca_file = fs::path(a.certs) / "ca.pem";
    if (!a.name.empty()) {
      const cluster::TlsFiles files = cluster::tls_files(a.certs, a.name);
      o.ca_file = files.ca_file;
      o.cert_file = files.cert_file;
      o.key_file = files.key_file;
    } else if (a.token_file.empty()) {
      throw std::runtime_error("TLS needs a client certificate (--name NAME in " + a.certs +
                               ") or a token (--token-file), or --insecure on loopback");
    }
  }
  if (!a.token_file.empty()) o.token = read_token_file(a.token_file);
  o.events = a.events;
  o.label = a.label;
  o.learn = a.learn == "on";
  if (!a.save.empty()) o.save = a.save;
  o.start_from = a.start_from;
  std::mutex out;
  const stream::StreamSummary s = stream::stream_events(o, [&](const stream::StreamedSample& r) {
    nlohmann::ordered_json line;
    line["sample"] = r.sample;
    line["label"] = r.label ? nlohmann::ordered_json(*r.label) : nullptr;
    line["prediction"] = r.prediction;
    line["correct"] = r.label ? nlohmann::ordered_json(r.prediction == *r.label) : nullptr;
    std::lock_guard lock(out);
    std::cout << line.dump() << "\n" << std::flush;
  });
  nlohmann::ordered_json summary;
  summary["samples"] = s.samples;
  summary["events"] = s.events;
  summary["accuracy"] = s.accuracy >= 0 ? nlohmann::ordered_json(s.accuracy) : nullptr;
  summary["weights_digest"] = s.weights_digest;
  summary["events_per_second"] = s.seconds > 0 ? static_cast<double>(s.events) / s.seconds : 0.0;
  summary["seconds"] = s.seconds;
  summary["latency_ms_p50"] = s.latency_p50_ms;  // from a sample's Advance to its answer
  summary["latency_ms_p99"] = s.latency_p99_ms;
  if (s.saved) {
    summary["saved"] = *s.saved;
    summary["saved_weights_digest"] = s.saved_digest;
  }
  std::lock_guard lock(out);
  std::cout << summary.dump() << "\n" << std::flush;
  if (!a.save.empty() && !s.saved) throw std::runtime_error("the server did not confirm saving " + a.save);
  return 0;
}

}  // namespace

void add_stream_command(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<StreamArgs>();
  CLI::App* cmd = app.add_subcommand("stream", "Stream event recordings to eligo serve and print its predictions");
  cmd->add_option("--connect", a->connect, "HOST:PORT of the server")->required();
  cmd->add_option("--events", a->events, "An event file, or a labelled folder (Train/<label>/*)")
      ->required()
      ->check(CLI::ExistingPath);
  cmd->add_option("--label", a->label, "The label of a single event file");
  cmd->add_option("--learn", a->learn, "on: the session learns; off: predictions only")
      ->capture_default_str()
      ->check(CLI::IsMember({"on", "off"}));
  cmd->add_option("--save", a->save, "Ask the server to save the network under this name at the end");
  cmd->add_option("--start-from", a->start_from, "Start the session from a network this server saved (--save)");
  cmd->add_option("--certs", a->certs, "Certificate folder (its ca.pem checks the server)")->capture_default_str();
  cmd->add_option("--name", a->name, "This client's certificate name in the certificate folder");
  cmd->add_option("--token-file", a->token_file, "Authenticate with the server's bearer token")
      ->check(CLI::ExistingFile);
  cmd->add_flag("--insecure", a->insecure, "Plain TCP without TLS (a loopback server started --insecure)");
  cmd->callback([a, &exit_code] { run_guarded(exit_code, [&] { return run_stream_command(*a); }); });
}

}  // namespace eligo::cli
