#include "actors/transport/data_plane.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>  // before Boost.Asio: Boost 1.74 under C++20 misses it (its awaitable.hpp uses std::exchange)

namespace eligo::transport {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using TlsStream = asio::ssl::stream<tcp::socket>;
using HandshakeType = asio::ssl::stream_base::handshake_type;

constexpr std::uint32_t kMaxHelloBytes = 1024;  // a LinkHello is under 300 bytes; checked before reading it
constexpr auto kAcceptSetupTimeout = std::chrono::seconds(10);  // TLS handshake + hello of a connector
constexpr std::size_t kReadChunk = std::size_t{64} * 1024;
constexpr std::size_t kMaxCoalescedBytes = 1u << 20;  // larger frames go out alone, without a copy
constexpr std::size_t kMaxQueuedBytes = 256u << 20;   // a peer that stops reading loses its link, not our memory

std::string describe(const error_code& ec) {
  if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) return "the peer closed the link";
  if (ec == asio::error::connection_refused) return "connection refused";
  if (ec == asio::error::connection_reset) return "connection reset by the peer";
  if (ec.category() == asio::error::get_ssl_category()) return "TLS: " + ec.message();
  return ec.message();
}

std::string text(const tcp::endpoint& e) {
  const std::string host = e.address().is_v6() ? "[" + e.address().to_string() + "]" : e.address().to_string();
  return host + ":" + std::to_string(e.port());
}

std::string node_list(const std::vector<std::uint32_t>& nodes) {
  std::string out;
  for (std::uint32_t n : nodes) out += (out.empty() ? "" : ", ") + std::to_string(n);
  return out;
}

// The only difference between a TLS and a plain link: TLS shakes hands first.
void handshake(tcp::socket&, HandshakeType, const std::function<void(error_code)>& then) { then({}); }
void handshake(TlsStream& stream, HandshakeType type, std::function<void(error_code)> then) {
  stream.async_handshake(type, std::move(then));
}

// What the plane knows of a connection: it can take frames (any thread) and be shut (I/O thread,
// without callbacks).
class Link {
 public:
  virtual ~Link() = default;
  virtual void enqueue(std::shared_ptr<const std::string> frame) = 0;
  virtual void shut() = 0;
};

class Plane {
 public:
  Plane(const LinkSecurity& security, std::uint32_t self, std::string session, OnBatch on_batch, OnLinkLost on_lost,
        std::chrono::milliseconds heartbeat_timeout);
  ~Plane() {
    // A destructor must not throw; close() only fails when the I/O thread cannot be joined.
    try {
      close();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "data plane: closing failed: %s\n", e.what());
    }
  }

  std::uint16_t listen(const std::string& host, std::uint16_t port);
  void connect(std::uint32_t peer, const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout);
  void wait_for(const std::vector<std::uint32_t>& peers, std::chrono::milliseconds timeout);
  void send(std::uint32_t peer, std::shared_ptr<const std::string> frame);
  void close();

  // For the connections, on the I/O thread.
  asio::io_context& io() { return io_; }
  bool closing() const { return closing_; }
  std::chrono::milliseconds heartbeat_timeout() const { return heartbeat_timeout_; }
  const std::shared_ptr<const std::string>& heartbeat_frame() const { return heartbeat_frame_; }
  LinkHello own_hello() const { return {kLinkProtocolVersion, self_, session_}; }
  std::optional<std::string> mismatch(const LinkHello& hello) const;
  std::optional<std::string> add_link(std::uint32_t peer, const std::shared_ptr<Link>& link);
  void forget(Link* link, std::optional<std::uint32_t> registered_peer);
  void deliver(std::uint32_t peer, Batch&& batch) { on_batch_(peer, std::move(batch)); }
  void lost(std::uint32_t peer, const std::string& remote, const std::string& why);
  void count_sent(std::size_t bytes, std::size_t frames) {
    bytes_sent_ += bytes;
    frames_sent_ += frames;
  }

  std::atomic<std::uint64_t> bytes_sent_{0}, frames_sent_{0};

 private:
  template <class F>
  void with_new_connection(tcp::socket socket, F&& start);
  void accept_next();
  void shutdown();  // I/O thread
  template <class F>
  auto on_io(F f) -> decltype(f());  // runs f on the I/O thread and waits for it

  const std::uint32_t self_;
  const std::string session_;
  const std::chrono::milliseconds heartbeat_timeout_;
  const std::shared_ptr<const std::string> heartbeat_frame_ =
      std::make_shared<const std::string>(encode_frame(Heartbeat{}));
  OnBatch on_batch_;
  OnLinkLost on_lost_;
  std::optional<asio::ssl::context> tls_;  // outlives io_: TLS streams refer to it
  asio::io_context io_;
  tcp::acceptor acceptor_{io_};
  asio::steady_timer accept_retry_{io_};
  asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
  std::map<Link*, std::shared_ptr<Link>> open_;  // I/O thread: every connection not yet shut
  bool closing_ = false;                         // I/O thread

  std::mutex mutex_;  // guards links_ and closed_
  std::condition_variable links_changed_;
  std::map<std::uint32_t, std::shared_ptr<Link>> links_;  // established links by peer node
  bool closed_ = false;
  std::thread thread_;  // last: started when everything else is ready
};

// One connection, TLS or plain (Stream = TlsStream or tcp::socket). It sets the link up (accepting
// or connecting), then reads frames into on_batch and writes queued frames, one write at a time.
template <class Stream>
class Connection final : public Link, public std::enable_shared_from_this<Connection<Stream>> {
 public:
  using Done = std::function<void(const std::string& error)>;  // connector: "" when the link is up

  Connection(Plane& plane, Stream stream)
      : plane_(plane), stream_(std::move(stream)), timer_(plane.io()), heartbeat_timer_(plane.io()) {}
  ~Connection() override {
    if (done_) done_("the data plane was closed");
  }

  void accept(std::string remote) {
    remote_ = std::move(remote);
    set_no_delay();
    arm_timer(kAcceptSetupTimeout);
    stage_ = "in the TLS handshake";
    handshake(stream_, asio::ssl::stream_base::server, [self = this->shared_from_this()](error_code ec) {
      if (self->gone()) return;
      if (ec) return self->fail(self->setup_failure("TLS handshake failed", ec));
      self->read_hello([self](LinkHello hello) {
        self->peer_ = hello.node_index;
        if (hello.node_index == self->plane_.own_hello().node_index)
          return self->fail("the connector claims to be node " + std::to_string(hello.node_index) + ", which is us");
        // A wrong version or session still gets our hello, so that the connector can say what differs.
        const std::optional<std::string> wrong = self->plane_.mismatch(hello);
        self->write_hello([self, wrong] {
          if (wrong) return self->fail("node " + std::to_string(self->peer_) + " " + *wrong);
          if (auto why = self->plane_.add_link(self->peer_, self)) return self->fail(*why);
          self->established();
        });
      });
    });
  }

  void connect(std::uint32_t peer, const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout,
               Done done) {
    peer_ = peer;
    remote_ = host + ":" + std::to_string(port);
    done_ = std::move(done);
    arm_timer(timeout);
    stage_ = "connecting";
    auto self = this->shared_from_this();
    resolver_.async_resolve(host, std::to_string(port), [self](error_code ec, tcp::resolver::results_type found) {
      if (self->gone()) return;
      if (ec) return self->fail(self->setup_failure("cannot resolve the host", ec));
      asio::async_connect(self->stream_.lowest_layer(), found, [self](error_code ec, const tcp::endpoint&) {
        if (self->gone()) return;
        if (ec) return self->fail(self->setup_failure("cannot connect", ec));
        self->set_no_delay();
        self->stage_ = "in the TLS handshake";
        handshake(self->stream_, asio::ssl::stream_base::client, [self](error_code ec) {
          if (self->gone()) return;
          if (ec) return self->fail(self->setup_failure("TLS handshake failed", ec));
          self->write_hello([self] {
            self->read_hello([self](LinkHello hello) {
              if (auto wrong = self->plane_.mismatch(hello)) return self->fail("the peer " + *wrong);
              if (hello.node_index != self->peer_)
                return self->fail("the peer is node " + std::to_string(hello.node_index) + ", not node " +
                                  std::to_string(self->peer_));
              if (auto why = self->plane_.add_link(self->peer_, self)) return self->fail(*why);
              self->established();
              std::exchange(self->done_, nullptr)("");
            });
          });
        });
      });
    });
  }

  void enqueue(std::shared_ptr<const std::string> frame) override {
    std::lock_guard lock(queue_mutex_);
    if (queued_bytes_ + frame->size() > kMaxQueuedBytes) {
      const std::string why = "node " + std::to_string(peer_) +
                              " does not keep up: " + std::to_string(queued_bytes_ >> 20) + " MiB are queued for it";
      asio::post(plane_.io(), [self = this->shared_from_this(), why] { self->fail(why); });
      throw LinkError(why);
    }
    queued_bytes_ += frame->size();
    queue_.push_back(std::move(frame));
    if (writing_) return;
    writing_ = true;
    asio::post(plane_.io(), [self = this->shared_from_this()] { self->write_next(); });
  }

  void shut() override {
    if (state_ == State::shut) return;
    const bool registered = state_ == State::established;
    state_ = State::shut;
    timer_.cancel();
    heartbeat_timer_.cancel();
    resolver_.cancel();
    error_code ignored;
    stream_.lowest_layer().close(ignored);
    plane_.forget(this, registered ? std::optional(peer_) : std::nullopt);  // may drop the last owner but one
  }

 private:
  enum class State { setting_up, established, shut };

  // A completion that arrives after shut() (it raced with the close) is dropped.
  bool gone() const { return state_ == State::shut; }

  void set_no_delay() {
    error_code ignored;
    stream_.lowest_layer().set_option(tcp::no_delay(true), ignored);
  }

  void arm_timer(std::chrono::milliseconds timeout) {
    timeout_ = timeout;
    timer_.expires_after(timeout);
    timer_.async_wait([self = this->shared_from_this()](error_code ec) {
      if (ec || self->state_ != State::setting_up) return;
      self->timed_out_ = true;
      self->resolver_.cancel();
      error_code ignored;
      self->stream_.lowest_layer().close(ignored);  // the pending operation fails and reports the timeout
    });
  }

  std::string setup_failure(const std::string& what, const error_code& ec) const {
    if (timed_out_) return "timed out after " + std::to_string(timeout_.count()) + " ms " + stage_;
    std::string reason = describe(ec);
    if (what.rfind("TLS", 0) == 0 && reason.rfind("TLS: ", 0) == 0) reason.erase(0, 5);  // no "TLS ...: TLS: ..."
    return what + ": " + reason;
  }

  void write_hello(std::function<void()> then) {
    hello_out_ = encode_frame(plane_.own_hello());
    asio::async_write(stream_, asio::buffer(hello_out_),
                      [self = this->shared_from_this(), then = std::move(then)](error_code ec, std::size_t) {
                        if (self->gone()) return;
                        if (ec) return self->fail(self->setup_failure("cannot send the link hello", ec));
                        then();
                      });
  }

  // Reads exactly one frame, which must be a LinkHello: its length is checked before its body is read,
  // and nothing after it is consumed.
  void read_hello(std::function<void(LinkHello)> then) {
    stage_ = "waiting for the peer's link hello";
    auto self = this->shared_from_this();
    asio::async_read(
        stream_, asio::buffer(length_), [self, then = std::move(then)](error_code ec, std::size_t) mutable {
          if (self->gone()) return;
          if (ec) return self->fail(self->setup_failure("no link hello", ec));
          std::uint32_t length = 0;
          for (unsigned char byte : self->length_) length = (length << 8) | byte;
          if (length > kMaxHelloBytes)
            return self->fail("the first frame announces " + std::to_string(length) +
                              " bytes, a link hello has at most " + std::to_string(kMaxHelloBytes) +
                              " (not an eligo data link?)");
          self->hello_in_.resize(length);
          asio::async_read(self->stream_, asio::buffer(self->hello_in_), [self, then](error_code ec, std::size_t) {
            if (self->gone()) return;
            if (ec) return self->fail(self->setup_failure("no link hello", ec));
            try {
              Batch first = decode_frame_body(self->hello_in_);
              if (auto* hello = std::get_if<LinkHello>(&first)) return then(std::move(*hello));
              self->fail("the first frame is a batch, not a link hello");
            } catch (const FrameError& e) {
              self->fail(std::string("bad first frame: ") + e.what());
            }
          });
        });
  }

  void established() {
    state_ = State::established;
    timer_.cancel();
    last_read_ = Clock::now();
    beat();
    read_more();
  }

  // Every third of the timeout: a link that brought no byte for a whole timeout is silent (packets
  // dropped without a reset never end a read), else a heartbeat goes out behind whatever is queued.
  void beat() {
    const auto timeout = plane_.heartbeat_timeout();
    if (Clock::now() - last_read_ > timeout)
      return fail("silent for more than " + std::to_string(timeout.count()) + " ms: no frame and no heartbeat");
    try {
      enqueue(plane_.heartbeat_frame());
    } catch (const LinkError&) {
      return;  // the queue is full: enqueue has scheduled the failure
    }
    heartbeat_timer_.expires_after(timeout / 3);
    heartbeat_timer_.async_wait([self = this->shared_from_this()](error_code ec) {
      if (ec || self->gone()) return;
      self->beat();
    });
  }

  void read_more() {
    stream_.async_read_some(asio::buffer(chunk_), [self = this->shared_from_this()](error_code ec, std::size_t n) {
      if (self->gone()) return;
      if (ec) return self->fail(describe(ec));
      self->last_read_ = Clock::now();
      try {
        self->decoder_.feed(std::string_view(self->chunk_.data(), n));
        for (Batch batch; self->decoder_.next(batch); batch = Batch{}) {
          if (std::holds_alternative<LinkHello>(batch)) throw FrameError("a second link hello");
          if (std::holds_alternative<Heartbeat>(batch)) continue;
          self->plane_.deliver(self->peer_, std::move(batch));
        }
      } catch (const FrameError& e) {
        return self->fail(std::string("bad frame: ") + e.what());
      } catch (const std::exception& e) {
        return self->fail(std::string("the batch handler failed: ") + e.what());
      }
      self->read_more();
    });
  }

  // I/O thread, with writing_ set: writes what is queued, coalescing small frames into one buffer.
  void write_next() {
    if (state_ != State::established) return;
    std::size_t frames = 0, beats = 0;  // beats: heartbeats among the frames, which the counts leave out
    const auto& heartbeat = plane_.heartbeat_frame();
    {
      std::lock_guard lock(queue_mutex_);
      if (queue_.empty()) {
        writing_ = false;
        return;
      }
      single_ = std::move(queue_.front());
      queue_.pop_front();
      frames = 1;
      beats = single_ == heartbeat ? 1 : 0;
      if (!queue_.empty() && single_->size() + queue_.front()->size() <= kMaxCoalescedBytes) {
        coalesced_.assign(*single_);
        single_.reset();
        while (!queue_.empty() && coalesced_.size() + queue_.front()->size() <= kMaxCoalescedBytes) {
          if (queue_.front() == heartbeat) ++beats;
          coalesced_ += *queue_.front();
          queue_.pop_front();
          ++frames;
        }
      }
      queued_bytes_ -= single_ ? single_->size() : coalesced_.size();
    }
    const std::string& out = single_ ? *single_ : coalesced_;
    asio::async_write(stream_, asio::buffer(out),
                      [self = this->shared_from_this(), frames, beats](error_code ec, std::size_t bytes) {
                        if (ec) return self->fail(describe(ec));
                        self->plane_.count_sent(bytes - beats * self->plane_.heartbeat_frame()->size(), frames - beats);
                        self->write_next();
                      });
  }

  // Ends this connection once: an established link is reported lost, a connector's connect() fails,
  // an accepted connection that never became a link is logged.
  void fail(std::string why) {
    if (state_ == State::shut) return;
    const bool was_established = state_ == State::established;
    auto keep = this->shared_from_this();
    shut();
    if (plane_.closing()) why = "the data plane was closed";
    if (done_) return std::exchange(done_, nullptr)(why);
    if (plane_.closing()) return;
    if (was_established) return plane_.lost(peer_, remote_, why);
    spdlog::warn("data link from {}: {}; connection closed", remote_, why);
  }

  using Clock = std::chrono::steady_clock;
  Plane& plane_;
  Stream stream_;
  asio::steady_timer timer_;            // setup timeout
  asio::steady_timer heartbeat_timer_;  // established: beat()
  Clock::time_point last_read_;
  tcp::resolver resolver_{plane_.io()};
  State state_ = State::setting_up;
  std::uint32_t peer_ = 0;
  std::string remote_;
  Done done_;
  std::chrono::milliseconds timeout_{0};
  bool timed_out_ = false;
  const char* stage_ = "";
  std::array<unsigned char, 4> length_{};
  std::string hello_out_, hello_in_;
  std::array<char, kReadChunk> chunk_{};
  FrameDecoder decoder_{kMaxFrameBytes};  // a claim above the limit ends the link before anything is buffered
  std::mutex queue_mutex_;                // guards queue_, queued_bytes_ and writing_
  std::deque<std::shared_ptr<const std::string>> queue_;
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
  std::shared_ptr<const std::string> single_;  // the write in flight: one frame as it was sent ...
  std::string coalesced_;                      // ... or several copied together
};

Plane::Plane(const LinkSecurity& security, std::uint32_t self, std::string session, OnBatch on_batch,
             OnLinkLost on_lost, std::chrono::milliseconds heartbeat_timeout)
    : self_(self),
      session_(std::move(session)),
      heartbeat_timeout_(std::max(heartbeat_timeout, std::chrono::milliseconds(30))),
      on_batch_(std::move(on_batch)),
      on_lost_(std::move(on_lost)) {
  if (session_.size() > kMaxSessionBytes)
    throw LinkError("the session name has " + std::to_string(session_.size()) + " bytes, the limit is " +
                    std::to_string(kMaxSessionBytes));
  if (!security.insecure) tls_.emplace(make_tls_context(security));
  thread_ = std::thread([this] { io_.run(); });
}

template <class F>
auto Plane::on_io(F f) -> decltype(f()) {
  if (std::this_thread::get_id() == thread_.get_id())
    throw LinkError("listen() and connect() cannot be called from a data plane callback");
  std::packaged_task<decltype(f())()> task(std::move(f));
  auto result = task.get_future();
  {
    // Posted under the lock: either before close() posts shutdown (and then run before it) or not at all.
    std::lock_guard lock(mutex_);
    if (closed_) throw LinkError("the data plane is closed");
    asio::post(io_, [&task] { task(); });
  }
  return result.get();
}

std::uint16_t Plane::listen(const std::string& host, std::uint16_t port) {
  return on_io([&]() -> std::uint16_t {
    const std::string where = host + ":" + std::to_string(port);
    if (acceptor_.is_open()) throw LinkError("cannot listen on " + where + ": the data plane listens already");
    error_code ec;
    tcp::resolver resolver(io_);
    const auto found = resolver.resolve(host, std::to_string(port), tcp::resolver::passive, ec);
    if (ec || found.empty())
      throw LinkError("cannot listen on " + where + ": cannot resolve the host: " + ec.message());
    const tcp::endpoint endpoint = found.begin()->endpoint();
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      error_code ignored;
      acceptor_.close(ignored);
      throw LinkError("cannot listen on " + where + ": " + ec.message());
    }
    accept_next();
    return acceptor_.local_endpoint().port();
  });
}

void Plane::accept_next() {
  acceptor_.async_accept([this](error_code ec, tcp::socket socket) {
    if (closing_ || ec == asio::error::operation_aborted) return;
    if (ec) {  // e.g. out of file descriptors: try again a little later rather than spin
      spdlog::warn("data plane listener: cannot accept a connection: {}; retrying", ec.message());
      accept_retry_.expires_after(std::chrono::milliseconds(100));
      accept_retry_.async_wait([this](error_code ec) {
        if (!ec && !closing_) accept_next();
      });
      return;
    }
    error_code no_endpoint;
    const tcp::endpoint remote = socket.remote_endpoint(no_endpoint);
    with_new_connection(std::move(socket), [&](auto connection) {
      connection->accept(no_endpoint ? std::string("an unknown endpoint") : text(remote));
    });
    accept_next();
  });
}

template <class F>
void Plane::with_new_connection(tcp::socket socket, F&& start) {
  auto adopt = [&](auto connection) {
    open_.emplace(connection.get(), connection);
    start(connection);
  };
  if (tls_)
    adopt(std::make_shared<Connection<TlsStream>>(*this, TlsStream(std::move(socket), *tls_)));
  else
    adopt(std::make_shared<Connection<tcp::socket>>(*this, std::move(socket)));
}

void Plane::connect(std::uint32_t peer, const std::string& host, std::uint16_t port,
                    std::chrono::milliseconds timeout) {
  auto result = std::make_shared<std::promise<std::string>>();
  auto error = result->get_future();
  on_io([&] {
    with_new_connection(tcp::socket(io_), [&](auto connection) {
      connection->connect(peer, host, port, timeout, [result](const std::string& why) { result->set_value(why); });
    });
  });
  const std::string why = error.get();  // the connection's timer bounds the wait
  if (!why.empty())
    throw LinkError("data link to node " + std::to_string(peer) + " at " + host + ":" + std::to_string(port) + ": " +
                    why);
}

void Plane::wait_for(const std::vector<std::uint32_t>& peers, std::chrono::milliseconds timeout) {
  if (std::this_thread::get_id() == thread_.get_id())
    throw LinkError("wait_for() cannot be called from a data plane callback");
  std::vector<std::uint32_t> missing;
  std::unique_lock lock(mutex_);
  links_changed_.wait_for(lock, timeout, [&] {
    missing.clear();
    for (std::uint32_t peer : peers)
      if (!links_.count(peer)) missing.push_back(peer);
    return missing.empty() || closed_;
  });
  if (!missing.empty())
    throw LinkError("no data link to node(s) " + node_list(missing) + " after " + std::to_string(timeout.count()) +
                    " ms" + (closed_ ? " (the data plane is closed)" : ""));
}

void Plane::send(std::uint32_t peer, std::shared_ptr<const std::string> frame) {
  std::shared_ptr<Link> link;
  {
    std::lock_guard lock(mutex_);
    auto it = links_.find(peer);
    if (it == links_.end()) throw LinkError("no data link to node " + std::to_string(peer));
    link = it->second;
  }
  link->enqueue(std::move(frame));
}

std::optional<std::string> Plane::mismatch(const LinkHello& hello) const {
  if (hello.protocol_version != kLinkProtocolVersion)
    return "speaks data link protocol version " + std::to_string(hello.protocol_version) + ", this node version " +
           std::to_string(kLinkProtocolVersion);
  if (hello.session != session_) return "belongs to session '" + hello.session + "', this node to '" + session_ + "'";
  return std::nullopt;
}

std::optional<std::string> Plane::add_link(std::uint32_t peer, const std::shared_ptr<Link>& link) {
  std::lock_guard lock(mutex_);
  if (!links_.emplace(peer, link).second) return "there is a data link to node " + std::to_string(peer) + " already";
  links_changed_.notify_all();
  return std::nullopt;
}

void Plane::forget(Link* link, std::optional<std::uint32_t> registered_peer) {
  if (registered_peer) {
    std::lock_guard lock(mutex_);
    auto it = links_.find(*registered_peer);
    if (it != links_.end() && it->second.get() == link) links_.erase(it);
  }
  open_.erase(link);
}

void Plane::lost(std::uint32_t peer, const std::string& remote, const std::string& why) {
  spdlog::warn("data link to node {} ({}) lost: {}", peer, remote, why);
  try {
    on_lost_(peer, why);
  } catch (const std::exception& e) {
    spdlog::error("the link-lost handler for node {} failed: {}", peer, e.what());
  }
}

void Plane::shutdown() {
  closing_ = true;
  error_code ignored;
  acceptor_.close(ignored);
  accept_retry_.cancel();
  auto open = std::move(open_);
  for (auto& [link, owner] : open) owner->shut();
  std::lock_guard lock(mutex_);
  links_.clear();
  links_changed_.notify_all();
}

void Plane::close() {
  if (std::this_thread::get_id() == thread_.get_id())
    throw LinkError("close() cannot be called from a data plane callback");
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    closed_ = true;
    links_changed_.notify_all();
    asio::post(io_, [this] { shutdown(); });
  }
  work_.reset();
  if (thread_.joinable()) thread_.join();
}

}  // namespace

struct DataPlane::Impl : Plane {
  using Plane::Plane;
};

DataPlane::DataPlane(const LinkSecurity& security, std::uint32_t self_index, std::string session, OnBatch on_batch,
                     OnLinkLost on_lost, std::chrono::milliseconds heartbeat_timeout)
    : impl_(std::make_unique<Impl>(security, self_index, std::move(session), std::move(on_batch), std::move(on_lost),
                                   heartbeat_timeout)) {}

DataPlane::~DataPlane() = default;

std::uint16_t DataPlane::listen(const std::string& host, std::uint16_t port) { return impl_->listen(host, port); }

void DataPlane::connect(std::uint32_t peer, const std::string& host, std::uint16_t port,
                        std::chrono::milliseconds timeout) {
  impl_->connect(peer, host, port, timeout);
}

void DataPlane::wait_for(const std::vector<std::uint32_t>& peers, std::chrono::milliseconds timeout) {
  impl_->wait_for(peers, timeout);
}

void DataPlane::send(std::uint32_t peer, std::shared_ptr<const std::string> frame) {
  impl_->send(peer, std::move(frame));
}

std::uint64_t DataPlane::bytes_sent() const { return impl_->bytes_sent_; }
std::uint64_t DataPlane::frames_sent() const { return impl_->frames_sent_; }
void DataPlane::close() { impl_->close(); }

}  // namespace eligo::transport
