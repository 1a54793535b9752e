#include "actors/stream/stream_client.hpp"

#include <openssl/ssl.h>

#include <utility>  // before Boost.Asio: Boost 1.74 under C++20 misses it (its awaitable.hpp uses std::exchange)
// (this comment keeps clang-format from sorting Boost.Asio above it)
#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "runtime/data/formats/camera_events.hpp"
#include "runtime/data/formats/labelled_folder.hpp"
#include "runtime/data/sources/labelled_folder_source.hpp"
#include "runtime/stream/stream_frames.hpp"

namespace eligo::stream {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kEventsPerFrame = 50'000;
constexpr std::size_t kMaxQueuedFrames = 8;  // the writer waits beyond this: the server's pace

struct Recording {
  std::filesystem::path file;
  std::optional<std::uint32_t> label;
};

// Everything the link reports, guarded by the link's mutex.
struct Received {
  bool welcomed = false, closed = false, ended = false;
  std::optional<std::string> error;
  Welcome welcome;
  Closed summary;
  std::optional<std::string> saved;
  std::string saved_digest;
};

tcp::socket& lowest(tcp::socket& s) { return s; }
tcp::socket& lowest(ssl::stream<tcp::socket>& s) { return s.next_layer(); }

// One connection: an I/O thread does every read and write (a TLS stream takes one of each at a time,
// from one thread), the caller queues frames and waits when the queue is full.
template <class Socket>
class Link {
 public:
  Link(asio::io_context& io, Socket socket, std::function<void(const StreamedSample&)> on_sample)
      : io_(io), socket_(std::move(socket)), on_sample_(std::move(on_sample)) {}

  void start() {
    thread_ = std::thread([this] {
      read();
      io_.run();
    });
  }
  ~Link() {
    {
      std::lock_guard lock(mutex_);
      r_.ended = true;
    }
    asio::post(io_, [this] {
      error_code e;
      lowest(socket_).close(e);
    });
    if (thread_.joinable()) thread_.join();
  }

  void send(const ClientFrame& f) {
    std::string bytes = encode_frame(f);
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return queue_.size() < kMaxQueuedFrames || r_.ended; });
    if (r_.ended) return;
    queue_.push_back(std::move(bytes));
    lock.unlock();
    asio::post(io_, [this] { write_next(); });
  }

  // Waits until pred(received) holds or the connection ended; returns a copy of what came.
  template <class Pred>
  Received wait(Pred pred) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return pred(r_) || r_.ended; });
    return r_;
  }
  bool ended() {
    std::lock_guard lock(mutex_);
    return r_.ended;
  }
  // The next sample's Advance goes out now: its answer's latency counts from here.
  void mark_sent() {
    std::lock_guard lock(mutex_);
    sent_.push_back(Clock::now());
  }
  std::vector<double> latencies() {
    std::lock_guard lock(mutex_);
    return latencies_;
  }

 private:
  void write_next() {
    std::lock_guard lock(mutex_);
    if (writing_ || queue_.empty() || r_.ended) return;
    writing_ = true;
    asio::async_write(socket_, asio::buffer(queue_.front()), [this](error_code ec, std::size_t) {
      {
        std::lock_guard lock(mutex_);
        writing_ = false;
        queue_.pop_front();
        if (ec) end("connection lost while writing: " + ec.message());
      }
      changed_.notify_all();
      write_next();
    });
  }

  void read() {
    socket_.async_read_some(asio::buffer(buffer_), [this](error_code ec, std::size_t n) {
      if (ec) {
        std::lock_guard lock(mutex_);
        if (!r_.closed && !r_.error) end("the server closed the connection: " + ec.message());
        r_.ended = true;
        changed_.notify_all();
        return;
      }
      try {
        decoder_.feed(std::string_view(buffer_.data(), n));
        ServerFrame f;
        while (decoder_.next(f)) {
          validate(f);
          take(f);
        }
      } catch (const StreamFrameError& e) {
        std::lock_guard lock(mutex_);
        end(std::string("the server sent a bad frame: ") + e.what());
      }
      changed_.notify_all();
      if (!ended()) read();
    });
  }

  void take(const ServerFrame& f) {
    if (f.has_outputs()) {
      for (const SampleOutput& o : f.outputs().samples()) {
        StreamedSample s;
        s.sample = static_cast<std::int64_t>(o.sample());
        if (o.has_label()) s.label = o.label();
        s.prediction = o.prediction();
        {
          std::lock_guard lock(mutex_);
          const auto index = static_cast<std::size_t>(s.sample);
          if (index < sent_.size()) {
            s.latency_ms = 1e3 * std::chrono::duration<double>(Clock::now() - sent_[index]).count();
            latencies_.push_back(s.latency_ms);
          }
        }
        on_sample_(s);
      }
      return;
    }
    std::lock_guard lock(mutex_);
    if (f.has_welcome()) {
      r_.welcome = f.welcome();
      r_.welcomed = true;
    } else if (f.has_saved()) {
      r_.saved = f.saved().name();
      r_.saved_digest = f.saved().weights_digest();
    } else if (f.has_error()) {
      end("the server: " + Error::Code_Name(f.error().code()) + ": " + f.error().text());
    } else if (f.has_closed()) {
      r_.summary = f.closed();
      r_.closed = true;
      r_.ended = true;
    }
  }

  void end(std::string why) {  // with mutex_ held
    if (!r_.error && !r_.closed) r_.error = std::move(why);
    r_.ended = true;
    queue_.clear();
  }

  asio::io_context& io_;
  Socket socket_;
  std::function<void(const StreamedSample&)> on_sample_;
  std::array<char, 64 * 1024> buffer_{};
  StreamFrameDecoder decoder_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> queue_;
  bool writing_ = false;
  Received r_;
  std::vector<Clock::time_point> sent_;  // per sample, when its Advance was queued
  std::vector<double> latencies_;
  std::thread thread_;
};

std::vector<Recording> recordings_of(const ClientOptions& o, const Welcome& w) {
  std::error_code ec;
  if (!std::filesystem::is_directory(o.events, ec)) {
    if (!std::filesystem::is_regular_file(o.events, ec))
      throw StreamClientError(o.events.string() + ": no such file or folder");
    return {{o.events, o.label}};
  }
  const LabelledFolderLayout layout = w.task() == "nmnist" ? LabelledFolderLayout{} : event_folder_layout(w.outputs());
  const bool has_train = std::filesystem::is_directory(o.events / "Train", ec);
  std::vector<Recording> r;
  // The listing's order is sorted: label folder, then file name (`eligo train --order sorted`).
  for (const NmnistSampleFile& f : list_labelled_split(has_train ? o.events : o.events.parent_path(),
                                                       has_train ? "Train" : o.events.filename().string(), layout))
    r.push_back({f.path, static_cast<std::uint32_t>(f.label)});
  if (r.empty()) throw StreamClientError(o.events.string() + ": no event files");
  return r;
}

// A recording as a sample: its events in time order at their file times (a time before the file's
// zero lands in the sample's first step either way).
ClientSample sample_of(const Recording& rec, const Welcome& w) {
  // N-MNIST configs read .bin files as the data set's reader does (timestamp-overflow records).
  CameraRecording data = w.task() == "nmnist" ? read_nmnist_recording(rec.file) : read_event_file(rec.file);
  std::stable_sort(data.events.begin(), data.events.end(),
                   [](const CameraEvent& a, const CameraEvent& b) { return a.t_us < b.t_us; });
  ClientSample s;
  s.label = rec.label;
  s.events.reserve(data.events.size());
  for (const CameraEvent& c : data.events)
    s.events.push_back({static_cast<std::uint64_t>(std::max<std::int64_t>(c.t_us, 0)), c.x, c.y, c.on});
  return s;
}

template <class Socket>
StreamSummary run_session(Link<Socket>& link, const ClientOptions& o, const SampleSource& next) {
  ClientFrame hello;
  Hello* h = hello.mutable_hello();
  h->set_protocol_version(VERSION_CURRENT);
  if (o.token) h->set_token(*o.token);
  h->set_learn(o.learn);
  h->set_client(o.client_name);
  h->set_start_from(o.start_from);
  link.send(hello);
  Received r = link.wait([](const Received& x) { return x.welcomed; });
  if (!r.welcomed) throw StreamClientError(r.error.value_or("the server closed the connection before Welcome"));
  const Welcome welcome = r.welcome;

  const auto start = Clock::now();
  std::uint64_t begin = 0, last_sent = 0, events = 0;
  while (!link.ended()) {
    const std::optional<ClientSample> sample = next(welcome);
    if (!sample) break;
    std::uint64_t last = 0;
    for (std::size_t i = 0; i < sample->events.size(); i += kEventsPerFrame) {
      ClientFrame f;
      Events* e = f.mutable_events();
      for (std::size_t j = i; j < std::min(sample->events.size(), i + kEventsPerFrame); ++j) {
        const ClientEvent& c = sample->events[j];
        const std::uint64_t t = begin + c.t_us;
        e->add_dt_us(t - last_sent);
        last_sent = t;
        last = std::max(last, c.t_us);
        if (sample->channels) {
          e->add_channel(c.x);
        } else {
          e->add_x(c.x);
          e->add_y(c.y);
          e->add_polarity(c.on);
        }
      }
      events += static_cast<std::uint64_t>(e->dt_us_size());
      link.send(f);
    }
    const std::uint64_t end = begin + std::max(sample->duration_us, last + 1);
    ClientFrame declare;
    if (!sample->targets.empty()) {
      Target* t = declare.mutable_target();
      t->set_begin_us(begin);
      t->set_end_us(end);
      for (double v : sample->targets) t->add_values(v);
    } else {
      Label* l = declare.mutable_label();
      if (sample->label) l->set_label(*sample->label);
      l->set_begin_us(begin);
      l->set_end_us(end);
    }
    link.send(declare);
    ClientFrame advance;
    advance.mutable_advance()->set_time_us(end);
    link.mark_sent();
    link.send(advance);
    begin = end;
  }
  if (o.save) {
    ClientFrame save;
    save.mutable_save()->set_name(*o.save);
    link.send(save);
  }
  ClientFrame bye;
  bye.mutable_bye();
  link.send(bye);
  r = link.wait([](const Received& x) { return x.closed || x.error.has_value(); });
  if (r.error) throw StreamClientError(*r.error);
  if (!r.closed) throw StreamClientError("the server closed the connection before Closed");
  StreamSummary s;
  s.samples = r.summary.samples();
  s.events = events;
  s.accuracy = r.summary.accuracy();
  s.weights_digest = r.summary.weights_digest();
  s.saved = r.saved;
  s.saved_digest = r.saved_digest;
  s.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> latencies = link.latencies();
  if (!latencies.empty()) {
    std::sort(latencies.begin(), latencies.end());
    const auto at = [&](double q) {
      return latencies[std::min(latencies.size() - 1,
                                static_cast<std::size_t>(q * static_cast<double>(latencies.size())))];
    };
    s.latency_p50_ms = at(0.5);
    s.latency_p99_ms = at(0.99);
  }
  return s;
}

ssl::context client_tls(const ClientOptions& o) {
  ssl::context ctx(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
  ctx.set_verify_mode(ssl::verify_peer);
  error_code ec;
  if (o.ca_file.empty()) throw StreamClientError("TLS needs the CA file (--certs DIR), or --insecure on loopback");
  ctx.load_verify_file(o.ca_file.string(), ec);
  if (ec) throw StreamClientError("cannot load the CA file " + o.ca_file.string() + ": " + ec.message());
  if (!o.cert_file.empty()) {
    ctx.use_certificate_chain_file(o.cert_file.string(), ec);
    if (!ec) ctx.use_private_key_file(o.key_file.string(), ssl::context::pem, ec);
    if (ec) throw StreamClientError("cannot load the client certificate " + o.cert_file.string() + ": " + ec.message());
  }
  return ctx;
}

}  // namespace

StreamSummary stream_samples(const ClientOptions& o, const SampleSource& next, const SampleCallback& on_sample) {
  asio::io_context io;
  tcp::socket socket(io);
  error_code ec;
  tcp::resolver resolver(io);
  const auto endpoints = resolver.resolve(o.host, std::to_string(o.port), ec);
  if (!ec) asio::connect(socket, endpoints, ec);
  if (ec) throw StreamClientError("cannot connect to " + o.host + ":" + std::to_string(o.port) + ": " + ec.message());
  socket.set_option(tcp::no_delay(true), ec);
  if (o.insecure) {
    Link<tcp::socket> link(io, std::move(socket), on_sample);
    link.start();
    return run_session(link, o, next);
  }
  ssl::context ctx = client_tls(o);
  ssl::stream<tcp::socket> tls(std::move(socket), ctx);
  tls.handshake(ssl::stream_base::client, ec);
  if (ec) throw StreamClientError("TLS handshake with " + o.host + ":" + std::to_string(o.port) + ": " + ec.message());
  Link<ssl::stream<tcp::socket>> link(io, std::move(tls), on_sample);
  link.start();
  return run_session(link, o, next);
}

ClientSample client_sample_of(const Sample& s, Step sequence, double resolution_ms) {
  std::vector<InputSpike> spikes = s.spikes;
  std::sort(spikes.begin(), spikes.end());
  const double us_per_step = 1000.0 * resolution_ms;
  ClientSample c;
  c.channels = true;
  c.events.reserve(spikes.size());
  for (const InputSpike& p : spikes)
    c.events.push_back({static_cast<std::uint64_t>(static_cast<double>(p.step) * us_per_step), p.input, 0, false});
  c.duration_us = static_cast<std::uint64_t>(static_cast<double>(sequence) * us_per_step);
  if (s.targets) {
    for (const std::vector<double>& readout : *s.targets)
      c.targets.insert(c.targets.end(), readout.begin(), readout.end());
  } else {
    c.label = s.label;
  }
  return c;
}

StreamSummary stream_events(const ClientOptions& o, const SampleCallback& on_sample) {
  std::vector<Recording> recordings;
  std::size_t next = 0;
  return stream_samples(
      o,
      [&](const Welcome& w) -> std::optional<ClientSample> {
        if (next == 0 && recordings.empty()) recordings = recordings_of(o, w);
        if (next >= recordings.size()) return std::nullopt;
        return sample_of(recordings[next++], w);
      },
      on_sample);
}

}  // namespace eligo::stream
