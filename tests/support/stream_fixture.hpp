#pragma once
// What the streaming tests share: a small event_folder config (a 34 × 34 sensor pooled to 8 × 8,
// 30 recurrent neurons, 3 labels), labelled folders of N-MNIST files drawn from a seed, the offline
// digest of a folder, a server on loopback, and a raw client that speaks frames byte by byte.
#include <utility>  // before Boost.Asio: Boost 1.74 under C++20 misses it (its awaitable.hpp uses std::exchange)
// (this comment keeps clang-format from sorting Boost.Asio above it)
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>

#include "actors/coordinator.hpp"
#include "actors/stream/stream_server.hpp"
#include "actors/training_plan.hpp"
#include "runtime/data/formats/nmnist_file.hpp"
#include "runtime/stream/stream_frames.hpp"
#include "tests/support/temp_dir.hpp"

namespace eligo::test {

inline constexpr int kStreamLabels = 3;

inline std::string stream_config_text() {
  return R"(name: stream_test
seed: 3
resolution_ms: 1.0
populations:
  - {name: in, model: parrot, size: 128}
  - name: rec
    model: eprop_iaf
    size: 30
    params: {C_m: 1.0, E_L: 0.0, V_m: 0.0, t_ref: 0.0, V_th: 0.6, tau_m: 30.0, c_reg: 1.0, f_target: 10.0, surrogate_gradient_function: piecewise_linear,
             surrogate_gradient_height: 0.3, surrogate_gradient_width: 1.0, eprop_isi_trace_cutoff: 100.0}
  - {name: out, model: eprop_readout, size: 3, params: {C_m: 1.0, E_L: 0.0, V_m: 0.0, tau_m: 100.0, eprop_isi_trace_cutoff: 100.0}}
connections:
  - {source: in, target: rec, rule: pairwise_bernoulli, probability: 0.5,
     weight: {distribution: normal, mean: 0.0, std: 1.0, scale_by_sqrt_fan_in: true}}
  - {source: rec, target: rec, rule: pairwise_bernoulli, probability: 0.1, allow_autapses: false,
     weight: {distribution: normal, mean: 0.0, std: 1.0, scale_by_sqrt_fan_in: true}}
  - {source: rec, target: out, rule: all_to_all, weight: {distribution: uniform, low: -0.3, high: 0.3}}
  - {source: out, target: rec, rule: all_to_all, synapse: feedback, weight: {distribution: normal, mean: 0.0, std: 1.0}}
optimizer: {type: adam, eta: 0.005, batch_size: 60, optimize_each_step: false, Wmin: -100.0, Wmax: 100.0}
task: {kind: event_folder, sequence_steps: 60, learning_window_steps: 10, test_samples: 3}
data: {sensor: {width: 34, height: 34, grid: {width: 8, height: 8}}}
training: {iterations: 1, group_size: 1}
)";
}

// Train/<label>/NNNNN.bin: `samples` files, labels in turn, each a burst of events whose place
// depends on the label, all within the sample's 60 ms.
inline void write_stream_folder(const std::filesystem::path& root, int samples, unsigned seed) {
  std::mt19937 rng(seed);
  for (int i = 0; i < samples; ++i) {
    const int label = i % kStreamLabels;
    const std::filesystem::path dir = root / "Train" / std::to_string(label);
    std::filesystem::create_directories(dir);
    std::vector<NmnistEvent> events;
    std::uint32_t t = 0;
    const int n = 200 + static_cast<int>(rng() % 300);
    for (int k = 0; k < n; ++k) {
      t += rng() % 200;
      if (t >= 59'000) break;
      const auto x = static_cast<std::uint8_t>(rng() % 2 == 0 ? 11 * label + rng() % 11 : rng() % 34);
      events.push_back({x, static_cast<std::uint8_t>(rng() % 34), rng() % 2 == 0, t});
    }
    char name[16];
    std::snprintf(name, sizeof name, "%05d.bin", i);
    write_nmnist_file(dir / name, events);
  }
  std::filesystem::create_directories(root / "Test" / "0");
  write_nmnist_file(root / "Test" / "0" / "t.bin", {{1, 1, true, 10}});
}

// eligo train CONFIG --data DIR --order sorted --epochs 1.
inline actors::RunResult offline_run(const std::filesystem::path& config, const std::filesystem::path& data) {
  ConfigOverrides o;
  o.data_dir = data;
  o.order = "sorted";
  o.epochs = 1;
  const TrainingSetup setup = load_training_config(config, o);
  return actors::run_network(setup.network, setup.n_steps, actors::make_iteration_plan(setup), actors::RunOptions{});
}

inline std::string offline_digest(const std::filesystem::path& config, const std::filesystem::path& data) {
  return offline_run(config, data).weights_digest;
}

// A server on 127.0.0.1 (plain TCP) on a thread of its own, stopped with the object.
class TestServer {
 public:
  TestServer(const std::filesystem::path& config, stream::ServerOptions options) {
    ConfigOverrides o;
    o.streamed = true;
    options.security.insecure = true;
    options.port = 0;
    options.threads = 2;
    server_ = std::make_unique<stream::StreamServer>(load_training_config(config, o), options);
    thread_ = std::thread([this] { server_->run(); });
  }
  ~TestServer() {
    server_->stop();
    thread_.join();
  }
  std::uint16_t port() const { return server_->port(); }
  stream::StreamMetrics& metrics() { return server_->metrics(); }
  double value(const char* name) { return metrics().value_of(name); }

 private:
  std::unique_ptr<stream::StreamServer> server_;
  std::thread thread_;
};

// A client that writes whatever bytes a test wants and reads the server's frames.
class RawClient {
 public:
  // buffer_bytes > 0: small kernel buffers both ways, so that what the client does not read or the
  // server does not take shows at once.
  explicit RawClient(std::uint16_t port, int buffer_bytes = 0) : socket_(io_) {
    namespace asio = boost::asio;
    socket_.open(asio::ip::tcp::v4());
    if (buffer_bytes > 0) {
      socket_.set_option(asio::socket_base::receive_buffer_size(buffer_bytes));
      socket_.set_option(asio::socket_base::send_buffer_size(buffer_bytes));
    }
    socket_.connect({asio::ip::make_address("127.0.0.1"), port});
  }
  void write(const std::string& bytes) { boost::asio::write(socket_, boost::asio::buffer(bytes)); }
  void send(const stream::ClientFrame& f) { write(stream::encode_frame(f)); }
  void close() {
    boost::system::error_code ec;
    socket_.close(ec);
  }
  // The next frame from the server, or nullopt once it has closed the connection.
  std::optional<stream::ServerFrame> next() {
    stream::ServerFrame f;
    while (!decoder_.next(f)) {
      char buf[4096];
      boost::system::error_code ec;
      const std::size_t n = socket_.read_some(boost::asio::buffer(buf), ec);
      if (ec) return std::nullopt;
      decoder_.feed(std::string_view(buf, n));
    }
    return f;
  }
  // Reads until the server's Error frame (or the end): the error, if one came.
  std::optional<stream::Error> error() {
    while (std::optional<stream::ServerFrame> f = next())
      if (f->has_error()) return f->error();
    return std::nullopt;
  }

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  stream::StreamFrameDecoder decoder_;
};

inline stream::ClientFrame hello_frame(std::uint32_t version = stream::VERSION_CURRENT, const std::string& token = "") {
  stream::ClientFrame f;
  f.mutable_hello()->set_protocol_version(version);
  f.mutable_hello()->set_token(token);
  return f;
}

// This process's resident memory in MiB (Linux).
inline double resident_mib() {
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    if (key == "VmRSS:") {
      double kib = 0;
      status >> kib;
      return kib / 1024.0;
    }
  }
  return 0.0;
}

}  // namespace eligo::test
