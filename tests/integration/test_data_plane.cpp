// The data plane's links between nodes (actors/transport/data_plane.*): batches cross mutual-TLS and
// plain links in order, and whatever a remote sends (a foreign certificate, another session, garbage,
// an oversized frame) closes only that connection while the listener keeps serving.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <optional>
#include <thread>

#include "actors/cluster/certificates.hpp"
#include "actors/transport/data_plane.hpp"
#include "tests/support/temp_dir.hpp"

using namespace eligo;
using namespace eligo::transport;
using namespace std::chrono_literals;

namespace {

constexpr auto kWait = 20s;  // generous: only a failure waits this long
const std::string kSession = "run-42";

// What a node received, for the test thread to wait on.
class Inbox {
 public:
  void batch(std::uint32_t peer, Batch&& b) {
    std::lock_guard lock(mutex_);
    batches_.emplace_back(peer, std::move(b));
    changed_.notify_all();
  }
  void lost(std::uint32_t peer, const std::string& why) {
    std::lock_guard lock(mutex_);
    lost_.emplace_back(peer, why);
    changed_.notify_all();
  }
  // The first n batches, once they are here (fewer after kWait).
  std::vector<std::pair<std::uint32_t, Batch>> batches(std::size_t n) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, kWait, [&] { return batches_.size() >= n; });
    return batches_;
  }
  // How many batches are here once there are n (fewer after kWait), without copying them.
  std::size_t count(std::size_t n) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, kWait, [&] { return batches_.size() >= n; });
    return batches_.size();
  }
  std::vector<std::pair<std::uint32_t, std::string>> losses(std::size_t n) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, kWait, [&] { return lost_.size() >= n; });
    return lost_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::pair<std::uint32_t, Batch>> batches_;
  std::vector<std::pair<std::uint32_t, std::string>> lost_;
};

struct Node {
  Node(std::uint32_t index, const LinkSecurity& security, const std::string& session = kSession,
       std::chrono::milliseconds heartbeat_timeout = kDefaultHeartbeatTimeout)
      : plane(
            security, index, session, [this](std::uint32_t peer, Batch&& b) { inbox.batch(peer, std::move(b)); },
            [this](std::uint32_t peer, const std::string& why) { inbox.lost(peer, why); }, heartbeat_timeout) {}
  Inbox inbox;  // before plane: the plane's thread calls into it until the plane is gone
  DataPlane plane;
};

// A cluster CA with certificates for nodes; `insecure` gives plain TCP settings instead.
class Certificates {
 public:
  explicit Certificates(const std::string& ca_name = "ca") : dir_(dir_root_.path() / ca_name) {
    cluster::init_certificate_authority(dir_);
  }
  LinkSecurity node(const std::string& name) const {
    cluster::issue_certificate(dir_, name);
    const cluster::TlsFiles files = cluster::tls_files(dir_, name);  // as a node would load them
    return LinkSecurity{false, files.ca_file, files.cert_file, files.key_file};
  }

 private:
  test::TempDir dir_root_{"eligo_link_certs"};
  std::filesystem::path dir_;
};

LinkSecurity security(const std::optional<Certificates>& certs, const std::string& name) {
  return certs ? certs->node(name) : LinkSecurity{true, {}, {}, {}};
}

SpikeBatch spikes(Step slice, std::size_t n_events) {
  SpikeBatch b;
  b.slice = slice;
  b.first_step = slice * 100;
  b.sender_shard = 3;
  b.sender_first_gid = 5000;
  for (std::size_t i = 0; i < n_events; ++i)
    b.events.push_back({static_cast<std::uint32_t>(i / 50), static_cast<std::uint32_t>((i % 50) * 7 + slice % 5)});
  return b;
}

ErrorBatch errors(Step slice, std::uint32_t n_steps) {
  ErrorBatch e;
  e.slice = slice;
  e.first_step = slice * n_steps;
  e.n_readouts = 2;
  e.n_steps = n_steps;
  for (std::uint32_t i = 0; i < 2 * n_steps; ++i) e.eps.push_back(0.25 * i - slice);
  return e;
}

std::shared_ptr<const std::string> frame(const Batch& b) {
  return std::make_shared<const std::string>(std::visit([](const auto& x) { return encode_frame(x); }, b));
}

// Sends `batches` from `from` to node `to`, and checks that `receiver` gets them all, in order.
void check_exchange(DataPlane& from, std::uint32_t from_index, std::uint32_t to, Inbox& receiver,
                    const std::vector<Batch>& batches) {
  for (const Batch& b : batches) from.send(to, frame(b));
  const auto got = receiver.batches(batches.size());
  REQUIRE(got.size() == batches.size());
  for (std::size_t i = 0; i < batches.size(); ++i) {
    CHECK(got[i].first == from_index);
    CHECK(got[i].second == batches[i]);
  }
}

std::vector<Batch> mixed_batches() {
  std::vector<Batch> out;
  for (Step s = 0; s < 300; ++s) {
    out.emplace_back(spikes(s, s % 7 == 0 ? 0 : 1 + s % 40));
    out.emplace_back(errors(s, 10));
  }
  out.emplace_back(spikes(300, 400'000));  // about 1 MB on the wire: split over many reads
  out.emplace_back(errors(301, 150'000));  // 2.4 MB of doubles
  out.emplace_back(spikes(302, 3));
  return out;
}

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

// A raw TCP connection to 127.0.0.1:port, for sending what no DataPlane would.
class RawSocket {
 public:
  explicit RawSocket(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    REQUIRE(fd_ >= 0);
    const sockaddr_in a = loopback(port);
    REQUIRE(::connect(fd_, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0);
    timeval t{static_cast<time_t>(kWait.count()), 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &t, sizeof t);
  }
  ~RawSocket() { ::close(fd_); }
  void send(const std::string& bytes) const { REQUIRE(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) > 0); }
  // Reads exactly n bytes (fewer if the peer closes or nothing comes for kWait).
  std::string read(std::size_t n) const {
    std::string out(n, '\0');
    std::size_t got = 0;
    while (got < n) {
      const ssize_t r = ::recv(fd_, out.data() + got, n - got, 0);
      if (r <= 0) break;
      got += static_cast<std::size_t>(r);
    }
    out.resize(got);
    return out;
  }
  // True once the listener has closed this connection (end of stream or reset), false after kWait.
  bool closed_by_peer() const {
    char buffer[4096];
    for (;;) {
      const ssize_t r = ::recv(fd_, buffer, sizeof buffer, 0);
      if (r == 0 || (r < 0 && errno == ECONNRESET)) return true;
      if (r < 0) return false;
    }
  }

 private:
  int fd_;
};

// A local port that is bound, so that no one else takes it, and either not listening (a connection is
// refused) or listening without ever accepting (the kernel completes TCP connects, then nothing comes).
class LocalPort {
 public:
  explicit LocalPort(bool listening) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in a = loopback(0);
    REQUIRE(::bind(fd_, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0);
    if (listening) REQUIRE(::listen(fd_, 4) == 0);
    socklen_t size = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &size);
    port = ntohs(a.sin_port);
  }
  ~LocalPort() { ::close(fd_); }
  std::uint16_t port = 0;

 private:
  int fd_;
};

std::string connect_error(DataPlane& plane, std::uint32_t peer, std::uint16_t port,
                          std::chrono::milliseconds timeout = 10s) {
  try {
    plane.connect(peer, "127.0.0.1", port, timeout);
  } catch (const LinkError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a link hello round-trips as a frame and its session is bounded", "[link]") {
  const LinkHello hello{kLinkProtocolVersion, 7, kSession};
  FrameDecoder decoder;
  decoder.feed(encode_frame(hello));
  Batch b;
  REQUIRE(decoder.next(b));
  CHECK(std::get<LinkHello>(b) == hello);
  CHECK_THROWS_AS(encode_frame(LinkHello{1, 0, std::string(kMaxSessionBytes + 1, 's')}), FrameError);
}

TEST_CASE("spike and error batches cross a TLS link in order in both directions", "[link]") {
  const Certificates certs;
  Node a(0, certs.node("node-0")), b(1, certs.node("node-1"));
  const std::uint16_t port = a.plane.listen("127.0.0.1", 0);
  CHECK(port != 0);
  b.plane.connect(0, "127.0.0.1", port, 10s);
  a.plane.wait_for({1}, kWait);
  b.plane.wait_for({0}, kWait);

  const std::vector<Batch> batches = mixed_batches();
  check_exchange(b.plane, 1, 0, a.inbox, batches);
  CHECK(b.plane.frames_sent() == batches.size());
  std::uint64_t bytes = 0;
  for (const Batch& x : batches) bytes += frame(x)->size();
  CHECK(b.plane.bytes_sent() == bytes);
  // The accepting side sends on the same link.
  check_exchange(a.plane, 0, 1, b.inbox, {Batch(errors(7, 3)), Batch(spikes(8, 100))});
}

TEST_CASE("plain TCP links carry batches when the run is insecure", "[link]") {
  const LinkSecurity plain{true, {}, {}, {}};
  Node a(0, plain), b(1, plain);
  b.plane.connect(0, "127.0.0.1", a.plane.listen("127.0.0.1", 0), 10s);
  a.plane.wait_for({1}, kWait);
  check_exchange(b.plane, 1, 0, a.inbox, mixed_batches());
  check_exchange(a.plane, 0, 1, b.inbox, {Batch(spikes(1, 10))});
}

TEST_CASE("a peer whose certificate another CA signed is refused and the listener keeps serving", "[link]") {
  const Certificates certs, foreign("other-ca");
  Node a(0, certs.node("node-0"));
  const std::uint16_t port = a.plane.listen("127.0.0.1", 0);
  {
    Node intruder(1, foreign.node("node-1"));
    const std::string error = connect_error(intruder.plane, 0, port);
    CHECK_THAT(error, Catch::Contains("127.0.0.1:" + std::to_string(port)));
    CHECK_THAT(error, Catch::Contains("TLS"));
  }
  Node b(1, certs.node("node-1"));
  b.plane.connect(0, "127.0.0.1", port, 10s);
  check_exchange(b.plane, 1, 0, a.inbox, {Batch(spikes(1, 20))});
}

TEST_CASE("a peer of another session is refused with an error that names both sessions", "[link]") {
  const Certificates certs;
  Node a(0, certs.node("node-0")), b(1, certs.node("node-1"), "run-43");
  const std::string error = connect_error(b.plane, 0, a.plane.listen("127.0.0.1", 0));
  CHECK_THAT(error, Catch::Contains("session 'run-42'") && Catch::Contains("'run-43'"));
  CHECK_THROWS_AS(a.plane.wait_for({1}, 200ms), LinkError);
}

TEST_CASE("garbage and oversized length prefixes from a raw socket leave the listener serving", "[link]") {
  const bool tls = GENERATE(true, false);
  std::optional<Certificates> certs;
  if (tls) certs.emplace();
  Node a(0, security(certs, "node-0"));
  const std::uint16_t port = a.plane.listen("127.0.0.1", 0);
  for (const std::string& bytes :
       {std::string("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), std::string("\x7f\xff\xff\xff\0\0\0\0", 8),
        std::string("\0\0\0\x05\xff\xff\xff\xff\xff", 9), std::string("\x16\x03\x01\x00\x05hello", 10)}) {
    RawSocket raw(port);
    raw.send(bytes);
    CHECK(raw.closed_by_peer());
  }
  Node b(1, security(certs, "node-1"));
  b.plane.connect(0, "127.0.0.1", port, 10s);
  check_exchange(b.plane, 1, 0, a.inbox, {Batch(spikes(1, 20)), Batch(errors(1, 4))});
  CHECK(a.inbox.losses(0).empty());
}

TEST_CASE("an oversized frame on an established link ends that link only and is reported", "[link]") {
  Node a(0, LinkSecurity{true, {}, {}, {}});
  const std::uint16_t port = a.plane.listen("127.0.0.1", 0);
  RawSocket raw(port);
  raw.send(encode_frame(LinkHello{kLinkProtocolVersion, 7, kSession}));
  const std::string reply = encode_frame(LinkHello{kLinkProtocolVersion, 0, kSession});
  CHECK(raw.read(reply.size()) == reply);
  a.plane.wait_for({7}, kWait);
  raw.send(encode_frame(spikes(1, 5)) + std::string("\x7f\xff\xff\xff", 4));
  CHECK(raw.closed_by_peer());
  const auto lost = a.inbox.losses(1);
  REQUIRE(lost.size() == 1);
  CHECK(lost[0].first == 7);
  CHECK_THAT(lost[0].second, Catch::Contains("limit"));
  const auto got = a.inbox.batches(1);  // the good frame before the bad one was delivered
  REQUIRE(got.size() == 1);
  CHECK(std::get<SpikeBatch>(got[0].second) == spikes(1, 5));
  CHECK_THROWS_AS(a.plane.send(7, frame(spikes(2, 1))), LinkError);
}

TEST_CASE("a peer that stops reading loses its link instead of filling memory", "[link]") {
  Node a(0, LinkSecurity{true, {}, {}, {}});
  RawSocket raw(a.plane.listen("127.0.0.1", 0));
  raw.send(encode_frame(LinkHello{kLinkProtocolVersion, 7, kSession}));
  a.plane.wait_for({7}, kWait);
  const auto big = std::make_shared<const std::string>(std::size_t{4} << 20, 'x');  // one buffer, queued many times
  std::string error;
  for (int i = 0; i < 200 && error.empty(); ++i) {
    try {
      a.plane.send(7, big);
    } catch (const LinkError& e) {
      error = e.what();
    }
  }
  CHECK_THAT(error, Catch::Contains("node 7 does not keep up"));
  const auto lost = a.inbox.losses(1);
  REQUIRE(lost.size() == 1);
  CHECK_THAT(lost[0].second, Catch::Contains("does not keep up"));
}

TEST_CASE("connecting where nothing listens fails within the timeout naming the address", "[link]") {
  const bool tls = GENERATE(true, false);
  std::optional<Certificates> certs;
  if (tls) certs.emplace();
  Node b(1, security(certs, "node-1"));
  {
    const LocalPort dead(false);
    const std::string error = connect_error(b.plane, 0, dead.port);
    CHECK_THAT(error, Catch::Contains("node 0 at 127.0.0.1:" + std::to_string(dead.port)));
    CHECK_THAT(error, Catch::Contains("refused"));
  }
  {
    const LocalPort silent(true);
    const std::string error = connect_error(b.plane, 0, silent.port, 300ms);
    CHECK_THAT(error, Catch::Contains("127.0.0.1:" + std::to_string(silent.port)));
    CHECK_THAT(error, Catch::Contains("timed out after 300 ms"));
  }
  CHECK_THROWS_WITH(b.plane.send(0, frame(spikes(1, 1))), Catch::Contains("no data link to node 0"));
  CHECK_THROWS_WITH(b.plane.wait_for({0, 4}, 100ms), Catch::Contains("node(s) 0, 4"));
}

TEST_CASE("the loss of a link is reported when the peer's data plane goes away", "[link]") {
  const Certificates certs;
  Node a(0, certs.node("node-0"));
  const std::uint16_t port = a.plane.listen("127.0.0.1", 0);
  {
    Node b(1, certs.node("node-1"));
    b.plane.connect(0, "127.0.0.1", port, 10s);
    a.plane.wait_for({1}, kWait);
  }
  const auto lost = a.inbox.losses(1);
  REQUIRE(lost.size() == 1);
  CHECK(lost[0].first == 1);
  // A peer that closes with a heartbeat still unread in its socket sends a reset instead of an end of
  // stream: either says the peer went away.
  CHECK_THAT(lost[0].second, Catch::Contains("the peer closed the link") || Catch::Contains("reset by the peer"));
  // The node may come back.
  Node again(1, certs.node("node-1b"));
  again.plane.connect(0, "127.0.0.1", port, 10s);
  check_exchange(again.plane, 1, 0, a.inbox, {Batch(spikes(0, 1))});
}

TEST_CASE("a link that goes silent without a reset is lost within the heartbeat timeout", "[link]") {
  Node a(0, LinkSecurity{true, {}, {}, {}}, kSession, 300ms);
  RawSocket raw(a.plane.listen("127.0.0.1", 0));
  raw.send(encode_frame(LinkHello{kLinkProtocolVersion, 7, kSession}));
  a.plane.wait_for({7}, kWait);
  // The peer is still connected but sends nothing more, as behind a partition that drops packets.
  const auto start = std::chrono::steady_clock::now();
  const auto lost = a.inbox.losses(1);
  const auto took = std::chrono::steady_clock::now() - start;
  REQUIRE(lost.size() == 1);
  CHECK(lost[0].first == 7);
  CHECK_THAT(lost[0].second, Catch::Contains("silent for more than 300 ms"));
  CHECK(took >= 250ms);  // not before the timeout (a detection bound, not a speed figure)
  // It heard our heartbeats meanwhile: after the hello reply, frames of a few bytes each.
  const std::string reply = encode_frame(LinkHello{kLinkProtocolVersion, 0, kSession});
  const std::string beat = encode_frame(Heartbeat{});
  CHECK(raw.read(reply.size()) == reply);
  CHECK(raw.read(beat.size()) == beat);
}

TEST_CASE("heartbeats keep a quiet link alive", "[link]") {
  const bool tls = GENERATE(true, false);
  std::optional<Certificates> certs;
  if (tls) certs.emplace();
  Node a(0, security(certs, "node-0"), kSession, 300ms);
  Node b(1, security(certs, "node-1"), kSession, 300ms);
  b.plane.connect(0, "127.0.0.1", a.plane.listen("127.0.0.1", 0), 10s);
  a.plane.wait_for({1}, kWait);
  std::this_thread::sleep_for(1500ms);  // five timeouts without a batch
  CHECK(a.inbox.losses(0).empty());
  CHECK(b.inbox.losses(0).empty());
  check_exchange(b.plane, 1, 0, a.inbox, {Batch(spikes(1, 3))});
  check_exchange(a.plane, 0, 1, b.inbox, {Batch(errors(1, 2))});
}

// Counts what arrives, for the benchmark (the Inbox would keep every batch).
class Counter {
 public:
  void add() {
    std::lock_guard lock(mutex_);
    ++n_;
    changed_.notify_all();
  }
  std::size_t wait(std::size_t n) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, kWait, [&] { return n_ >= n; });
    return n_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::size_t n_ = 0;
};

// Loopback cost of a 1,000-spike batch: round trip (one echo at a time) and echoed throughput. Each
// batch is decoded on arrival and re-encoded by the echo, as a real receiver and sender would.
// Run with: eligo_tests "[.link-bench]" -s
TEST_CASE("link round trip and throughput of 1000-spike batches, TLS and plain", "[.link-bench]") {
  const auto ignore_loss = [](std::uint32_t, const std::string&) {};
  for (const bool tls : {true, false}) {
    std::optional<Certificates> certs;
    if (tls) certs.emplace();
    DataPlane* echo_plane = nullptr;
    DataPlane echo(
        security(certs, "node-0"), 0, kSession,
        [&](std::uint32_t peer, Batch&& b) { echo_plane->send(peer, frame(b)); }, ignore_loss);
    echo_plane = &echo;
    Counter echoed;
    DataPlane sender(
        security(certs, "node-1"), 1, kSession, [&](std::uint32_t, Batch&&) { echoed.add(); }, ignore_loss);
    sender.connect(0, "127.0.0.1", echo.listen("127.0.0.1", 0), 10s);
    const auto one = frame(spikes(1, 1000));
    const std::size_t round_trips = 5000, burst = 50000;
    auto start = std::chrono::steady_clock::now();
    for (std::size_t i = 1; i <= round_trips; ++i) {
      sender.send(0, one);
      REQUIRE(echoed.wait(i) == i);
    }
    const double rtt_us =
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count() / round_trips;
    start = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < burst; ++i) sender.send(0, one);
    REQUIRE(echoed.wait(round_trips + burst) == round_trips + burst);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%s: frame %zu bytes, round trip %.1f us, echoed burst %.0f batches/s (%.1f MB/s each way)\n",
                tls ? "TLS  " : "plain", one->size(), rtt_us, burst / seconds, burst * one->size() / seconds / 1e6);
  }
  // For scale: the codec's share of each hop (the round trip decodes twice and encodes once).
  const SpikeBatch batch = spikes(1, 1000);
  const std::size_t n = 20000;
  auto start = std::chrono::steady_clock::now();
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < n; ++i) bytes += encode_frame(batch).size();
  const double encode_us =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count() / n;
  const std::string encoded = encode_frame(batch);
  start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < n; ++i)
    bytes += std::get<SpikeBatch>(decode_frame_body(std::string_view(encoded).substr(4))).events.size();
  const double decode_us =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count() / n;
  std::printf("codec: encode %.1f us, decode %.1f us per 1000-spike batch (%zu)\n", encode_us, decode_us, bytes % 10);
}
