// `eligo bench stream CONFIG`: the figures of a streaming session. It starts `eligo serve` in this
// process (on 127.0.0.1, plain TCP or mutual TLS), streams K samples of the config's own task to it as
// channel events with their Labels or Targets (actors/stream/stream_client.hpp), optionally paced to
// R samples per second, and prints one JSON line: throughput, latency from a sample's Advance to its
// answer, and the session's weights digest; --check-offline also trains on the same K samples offline
// and compares the digests, which must agree (docs/benchmark.md, "Streaming sessions").
#include "cli/bench_stream_command.hpp"

#include <spdlog/spdlog.h>
#include <stdlib.h>  // mkdtemp

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "actors/cluster/certificates.hpp"
#include "actors/coordinator.hpp"
#include "actors/stream/stream_client.hpp"
#include "actors/stream/stream_server.hpp"
#include "actors/training_plan.hpp"
#include "cli/guarded_run.hpp"
#include "runtime/config/run_digest.hpp"

namespace eligo::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct BenchStreamArgs {
  std::string config;
  std::string data;
  std::int64_t samples = 100;
  bool tls = false;
  double rate = 0.0;  // samples per second; 0: as fast as the server takes them
  std::uint32_t threads = 1;
  bool check_offline = false;
};

// A fresh folder for the run's certificates and saves, removed at the end.
class TempFolder {
 public:
  TempFolder() {
    std::string name = (fs::temp_directory_path() / "eligo-bench-stream-XXXXXX").string();
    if (mkdtemp(name.data()) == nullptr) throw std::runtime_error("cannot create a temporary folder " + name);
    path_ = name;
  }
  ~TempFolder() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// The server on a thread of its own, stopped and joined however the benchmark ends.
class ServerThread {
 public:
  ServerThread(TrainingSetup setup, const stream::ServerOptions& o)
      : server_(std::move(setup), o), thread_([this] { server_.run(); }) {}
  ~ServerThread() {
    server_.stop();
    thread_.join();
  }
  std::uint16_t port() const { return server_.port(); }

 private:
  stream::StreamServer server_;
  std::thread thread_;
};

int run_bench_stream(const BenchStreamArgs& a) {
  // (b) the server's config, as `eligo serve` loads it; its task kind decides how (a) is loaded.
  ConfigOverrides streamed;
  streamed.streamed = true;
  TrainingSetup served = load_training_config(a.config, streamed);
  const std::int64_t group = served.loss.group_size;
  if (a.samples % group != 0)
    throw std::runtime_error("--samples " + std::to_string(a.samples) + ": a multiple of the group size " +
                             std::to_string(group));
  // (a) the task's own K samples, in the order an offline run takes them.
  ConfigOverrides own;
  if (!a.data.empty()) own.data_dir = a.data;
  if (served.task == "nmnist" || served.task == "event_folder") own.order = "sorted";
  own.iterations = a.samples / group;
  const TrainingSetup setup = load_training_config(a.config, own);
  if (!setup.network.sample_stream) throw std::runtime_error(a.config + ": its task lays out no samples to stream");
  const Step sequence = setup.network.sample_stream->layout.sequence;
  std::vector<stream::ClientSample> samples;
  {
    std::unique_ptr<DataSource> source = setup.network.sample_stream->source();
    for (std::int64_t k = 0; k < a.samples; ++k) {
      std::optional<Sample> s = source->next(SampleParts::all);
      if (!s) throw std::runtime_error(a.config + ": the task has only " + std::to_string(k) + " samples");
      samples.push_back(stream::client_sample_of(*s, sequence, setup.network.resolution_ms));
    }
  }

  TempFolder temp;
  stream::ServerOptions so;
  so.threads = a.threads;
  so.out = temp.path() / "out";
  so.config_path = fs::absolute(a.config).string();
  so.config_digest = run_digest(a.config, served);
  stream::ClientOptions co;
  co.host = so.host;
  co.client_name = "eligo bench stream";
  if (a.tls) {
    const fs::path certs = temp.path() / "certs";
    cluster::init_certificate_authority(certs);
    const cluster::TlsFiles server = cluster::issue_certificate(certs, "server");
    const cluster::TlsFiles client = cluster::issue_certificate(certs, "client");
    so.security.ca_file = server.ca_file;
    so.security.cert_file = server.cert_file;
    so.security.key_file = server.key_file;
    co.ca_file = client.ca_file;
    co.cert_file = client.cert_file;
    co.key_file = client.key_file;
  } else {
    so.security.insecure = co.insecure = true;
  }
  ServerThread server(std::move(served), so);
  co.port = server.port();
  spdlog::info("bench stream: {} samples of {} to 127.0.0.1:{} ({}, {})", a.samples, setup.name, co.port,
               a.tls ? "mutual TLS" : "plain TCP",
               a.rate > 0 ? fmt::format("{} samples/s", a.rate) : std::string("as fast as it takes them"));

  std::size_t next = 0;
  Clock::time_point start;
  const stream::StreamSummary s = stream::stream_samples(
      co,
      [&](const stream::Welcome&) -> std::optional<stream::ClientSample> {
        if (next >= samples.size()) return std::nullopt;
        if (next == 0) start = Clock::now();
        if (a.rate > 0)  // sample k no earlier than start + k / R
          std::this_thread::sleep_until(start + std::chrono::duration_cast<Clock::duration>(
                                                    std::chrono::duration<double>(static_cast<double>(next) / a.rate)));
        return std::move(samples[next++]);
      },
      [](const stream::StreamedSample&) {});
  if (s.samples != static_cast<std::uint64_t>(a.samples))
    throw std::runtime_error("the server ran " + std::to_string(s.samples) + " samples, not " +
                             std::to_string(a.samples));

  nlohmann::ordered_json j;
  j["config"] = a.config;
  j["samples"] = s.samples;
  j["events"] = s.events;
  j["seconds"] = s.seconds;
  j["events_per_second"] = s.seconds > 0 ? static_cast<double>(s.events) / s.seconds : 0.0;
  j["samples_per_second"] = s.seconds > 0 ? static_cast<double>(s.samples) / s.seconds : 0.0;
  j["latency_ms_p50"] = s.latency_p50_ms;
  j["latency_ms_p99"] = s.latency_p99_ms;
  j["tls"] = a.tls;
  j["rate"] = a.rate;
  j["weights_digest"] = s.weights_digest;
  if (a.check_offline) {
    actors::RunOptions run;
    run.threads = a.threads;
    const actors::RunResult r =
        actors::run_network(setup.network, setup.n_steps, actors::make_iteration_plan(setup), run);
    j["offline_digest"] = r.weights_digest;
    j["same_digest"] = r.weights_digest == s.weights_digest;
    j["offline_seconds"] = r.build_seconds + r.simulate_seconds;  // the same samples without the stream
    if (r.weights_digest != s.weights_digest)
      spdlog::error("bench stream: the stream's digest {} is not the offline run's {}", s.weights_digest,
                    r.weights_digest);
  }
  std::printf("%s\n", j.dump().c_str());
  std::fflush(stdout);
  return j.value("same_digest", true) ? 0 : 1;
}

}  // namespace

CLI::App* add_bench_stream_command(CLI::App& bench, int& exit_code) {
  auto a = std::make_shared<BenchStreamArgs>();
  CLI::App* cmd = bench.add_subcommand(
      "stream", "Stream a config's own samples to an in-process eligo serve and print throughput and latency as JSON");
  cmd->add_option("config", a->config, "Config file")->required()->check(CLI::ExistingFile);
  cmd->add_option("--data", a->data, "The labelled folder of an nmnist or event_folder task (else task.data_dir)")
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--samples", a->samples, "Samples K to stream (a multiple of the group size)")
      ->capture_default_str()
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 30));
  cmd->add_flag("--tls", a->tls, "Mutual TLS with throwaway certificates (default: plain TCP)");
  cmd->add_option("--rate", a->rate, "Samples per second to hand over (0: as fast as the server takes them)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e9));
  cmd->add_option("--threads", a->threads, "Worker threads of the server (and of the offline run)")
      ->capture_default_str()
      ->check(CLI::Range(1u, 1024u));
  cmd->add_flag("--check-offline", a->check_offline, "Also train on the same samples offline and compare digests");
  cmd->callback([a, &exit_code] { run_guarded(exit_code, [&] { return run_bench_stream(*a); }); });
  return cmd;
}

}  // namespace eligo::cli
