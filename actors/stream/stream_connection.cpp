#include "actors/stream/stream_connection.hpp"

#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include <utility>  // before Boost.Asio: Boost 1.74 under C++20 misses it (its awaitable.hpp uses std::exchange)
// (this comment keeps clang-format from sorting Boost.Asio above it)
#include <algorithm>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cmath>
#include <deque>
#include <limits>
#include <optional>

#include "actors/stream/stream_session.hpp"
#include "runtime/checkpoint/checkpoint_directory.hpp"
#include "runtime/stream/stream_frames.hpp"

namespace eligo::stream {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

constexpr std::size_t kReadChunk = 64 * 1024;
constexpr std::size_t kBytesPerBufferedEvent = 48;  // a deque entry of the assembler
constexpr std::size_t kBytesPerPendingSample = 64;  // a declared sample, without a Target's values
constexpr std::uint32_t kMaxOutputsEvery = 1024;    // answers held back for one Outputs frame at most
constexpr auto kTick = std::chrono::seconds(1);
constexpr auto kHandshakeTimeout = std::chrono::seconds(10);
constexpr auto kCloseGrace = std::chrono::seconds(2);
constexpr auto kProgressInterval = std::chrono::seconds(10);

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

bool same_token(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// The TLS and plain sockets differ only in how they start and end.
void start_transport(tcp::socket&, std::function<void(error_code)> done) { done({}); }
void start_transport(ssl::stream<tcp::socket>& s, std::function<void(error_code)> done) {
  s.async_handshake(ssl::stream_base::server, std::move(done));
}
tcp::socket& lowest(tcp::socket& s) { return s; }
tcp::socket& lowest(ssl::stream<tcp::socket>& s) { return s.next_layer(); }
bool verified_certificate(tcp::socket&) { return false; }
bool verified_certificate(ssl::stream<tcp::socket>& s) {
  X509* peer = SSL_get1_peer_certificate(s.native_handle());
  const bool ok = peer != nullptr && SSL_get_verify_result(s.native_handle()) == X509_V_OK;
  if (peer) X509_free(peer);
  return ok;
}

template <class Socket>
class Connection final : public std::enable_shared_from_this<Connection<Socket>>, public SessionListener {
 public:
  Connection(asio::io_context& io, ServerContext& context, Socket socket)
      : io_(io), context_(context), socket_(std::move(socket)), timer_(io), decoder_(context.options.max_frame_bytes) {
    error_code ec;
    const tcp::endpoint peer = lowest(socket_).remote_endpoint(ec);
    peer_ = ec ? std::string("a client") : peer.address().to_string() + ":" + std::to_string(peer.port());
  }
  ~Connection() override {
    session_.reset();  // joins its run thread before the listener it reports to goes
    close_metrics();
  }

  void start() {
    auto self = this->shared_from_this();
    timer_.expires_after(kHandshakeTimeout);
    timer_.async_wait([self](error_code ec) {
      if (!ec && !self->handshaken_) self->drop("did not finish the TLS handshake in time");
    });
    start_transport(socket_, [self](error_code ec) {
      self->handshaken_ = true;
      self->timer_.cancel();
      if (ec) return self->drop("TLS handshake failed: " + ec.message());
      self->last_input_ = Clock::now();
      self->tick();
      self->read_more();
    });
  }

  // SessionListener: called on the session's run thread, handled on the I/O thread.
  void samples_done(std::vector<SampleResult> results) override {
    post([results = std::move(results)](Connection& c) mutable { c.on_results(std::move(results)); });
  }
  void saved(const std::string& name, std::int64_t samples, const std::string& digest) override {
    post([name, samples, digest](Connection& c) {
      ServerFrame f;
      Saved* s = f.mutable_saved();
      s->set_name(name);
      s->set_samples(static_cast<std::uint64_t>(samples));
      s->set_weights_digest(digest);
      c.send(f);
    });
  }
  void finished(const actors::RunResult& result) override {
    post([digest = result.weights_digest](Connection& c) { c.on_finished(digest); });
  }
  void failed(const std::string& why) override {
    post([why](Connection& c) { c.fail(Error::INTERNAL, why, false); });
  }

 private:
  template <class F>
  void post(F&& f) {
    asio::post(io_, [weak = this->weak_from_this(), f = std::forward<F>(f)]() mutable {
      if (auto self = weak.lock()) f(*self);
    });
  }

  // ---- reading ----
  bool paused() const {
    if (!session_) return false;
    // Samples that wait for later ones (the rest of their group, or the next sample in NEST's original variant)
    // do not count: holding those back would stall the session for good.
    return session_->runnable() >= context_.options.max_queued_samples ||
           out_bytes_ >= context_.options.max_output_bytes;
  }

  void read_more() {
    if (closing_ || reading_ || bye_) return;
    if (paused()) return;  // reading resumes when the session takes samples or the client outputs
    if (decoder_.wanted() == 0 && decoder_.buffered() > 0) return take_frames();
    const std::size_t want = std::min<std::size_t>(std::max<std::uint32_t>(decoder_.wanted(), 4), kReadChunk);
    buffer_.resize(want);
    reading_ = true;
    auto self = this->shared_from_this();
    socket_.async_read_some(asio::buffer(buffer_), [self](error_code ec, std::size_t n) {
      self->reading_ = false;
      if (self->closing_) return;
      if (ec) return self->lost(ec);
      self->last_input_ = Clock::now();
      self->context_.metrics.add_bytes_in(n);
      self->decoder_.feed(std::string_view(self->buffer_.data(), n));
      self->take_frames();
    });
  }

  void take_frames() {
    try {
      ClientFrame frame;
      while (!closing_ && !bye_ && !paused() && decoder_.next(frame)) {
        validate(frame);
        handle(frame);
      }
    } catch (const StreamFrameError& e) {
      return fail(e.code(), e.what(), true);
    } catch (const StreamRequestError& e) {
      return fail(Error::BAD_REQUEST, e.what(), true);
    } catch (const std::exception& e) {
      return fail(Error::INTERNAL, e.what(), true);
    }
    read_more();
  }

  void lost(error_code ec) {
    const bool eof = ec == asio::error::eof || ec == ssl::error::stream_truncated;
    std::string why = decoder_.mid_frame() ? "vanished in the middle of a frame"
                      : eof                ? "closed the connection without Bye"
                                           : "connection lost: " + ec.message();
    drop(why);
  }

  // ---- frames ----
  void handle(ClientFrame& f) {
    if (!session_ && !f.has_hello()) throw StreamRequestError("the first frame must be Hello");
    switch (f.body_case()) {
      case ClientFrame::kHello:
        return hello(f.hello());
      case ClientFrame::kEvents:
        return events(f.events());
      case ClientFrame::kLabel: {
        const Label& l = f.label();
        assembler_->add_label(l.has_label() ? std::optional<std::uint32_t>(l.label()) : std::nullopt, l.begin_us(),
                              l.end_us());
        return check_budget();
      }
      case ClientFrame::kTarget: {
        const Target& t = f.target();
        assembler_->add_target(t.begin_us(), t.end_us(), {t.values().begin(), t.values().end()});
        return check_budget();
      }
      case ClientFrame::kAdvance:
        return advance(f.advance().time_us());
      case ClientFrame::kSave:
        return session_->save(f.save().name());
      case ClientFrame::kBye:  // nothing more will come: every declared sample is complete
        take_samples(assembler_->close());
        bye_ = true;
        flush_outputs();
        return session_->finish();
      case ClientFrame::BODY_NOT_SET:
        break;
    }
  }

  void refuse(Error::Code code, const std::string& text) {
    context_.metrics.session_refused();
    refused_ = true;
    throw StreamFrameError(code, text);
  }

  void hello(const Hello& h) {
    if (session_) throw StreamRequestError("a second Hello");
    const ServerOptions& o = context_.options;
    if (h.protocol_version() != VERSION_CURRENT)
      refuse(Error::BAD_VERSION, "protocol version " + std::to_string(h.protocol_version()) +
                                     ", but this server speaks version " + std::to_string(VERSION_CURRENT));
    const bool certified = verified_certificate(socket_);
    if (o.token && !certified && !same_token(h.token(), *o.token))
      refuse(Error::UNAUTHENTICATED, h.token().empty() ? "no certificate and no token" : "wrong token");
    if (context_.sessions.load() >= o.max_sessions)
      refuse(Error::REFUSED, "the server is full: " + std::to_string(o.max_sessions) + " sessions (--max-sessions)");
    SessionOptions so;
    so.id = "s" + std::to_string(context_.next_id++);
    so.learn = !h.has_learn() || h.learn();
    so.save_root = o.out / "saved";
    so.config_path = o.config_path;
    so.config_digest = o.config_digest;
    so.memory_budget = o.session_memory_bytes;
    so.start_weights = o.start_weights;
    if (!h.start_from().empty()) {
      try {
        so.start_weights = read_checkpoint_weights(so.save_root / h.start_from()).weights;
      } catch (const std::exception& e) {
        refuse(Error::BAD_REQUEST, "start_from " + h.start_from() + ": " + e.what());
      }
    }
    outputs_every_ = std::clamp<std::uint32_t>(h.outputs_every(), 1, kMaxOutputsEvery);
    try {
      session_ = std::make_unique<StreamSession>(context_.setup, so, context_.actors, *this);
    } catch (const SessionOverBudget& e) {
      refuse(Error::REFUSED, e.what());
    } catch (const std::exception& e) {
      refuse(Error::BAD_REQUEST, std::string("cannot start a session: ") + e.what());
    }
    ++context_.sessions;
    counted_ = true;
    id_ = so.id;
    session_metrics_ = &context_.metrics.open_session(id_);
    assembler_.emplace(session_->encoding());
    spdlog::info("session {}: {} ({}) connected, {}", id_, peer_, h.client().empty() ? "unnamed" : h.client(),
                 so.learn ? "learning" : "predicting only");
    ServerFrame f;
    Welcome* w = f.mutable_welcome();
    const StreamEncoding& e = session_->encoding();
    w->set_protocol_version(VERSION_CURRENT);
    w->set_session(id_);
    w->set_inputs(e.n_in);
    w->set_outputs(e.n_out);
    w->set_resolution_ms(e.resolution_ms);
    w->set_sequence_steps(static_cast<std::uint32_t>(e.sequence));
    w->set_learning(so.learn);
    w->set_task(context_.setup.task);
    if (e.sensor) {
      w->set_sensor_width(e.sensor->sensor.width);
      w->set_sensor_height(e.sensor->sensor.height);
      w->set_time_origin(e.sensor->sensor.origin == TimeOrigin::first_event ? "first_event" : "file");
      if (std::isfinite(e.sensor->sensor.window_us)) w->set_window_us(e.sensor->sensor.window_us);
    } else {
      w->set_time_origin("file");
    }
    send(f);
  }

  std::uint64_t session_bytes() const { return session_->network_bytes(); }

  void events(const Events& e) {
    const int n = e.dt_us_size();
    const bool channels = e.channel_size() > 0;
    for (int i = 0; i < n; ++i) {
      t_ = add_time(t_, e.dt_us(i));
      if (channels)
        assembler_->add_channel_event(t_, e.channel(i));
      else
        assembler_->add_sensor_event(t_, e.x(i), e.y(i), e.polarity(i));
    }
    events_in_ += static_cast<std::uint64_t>(n);
    session_metrics_->add_events_in(static_cast<std::uint64_t>(n));
    check_budget();
  }

  // What waits for an Advance (events, and the samples declared for them; a Target's values count
  // with its sample) must fit beside the network in the session's budget.
  void check_budget() const {
    const StreamEncoding& e = session_->encoding();
    const std::uint64_t per_sample =
        kBytesPerPendingSample + (e.classification ? 0 : std::uint64_t{e.n_out} * e.sequence * sizeof(double));
    const std::uint64_t waiting =
        assembler_->buffered_events() * kBytesPerBufferedEvent + assembler_->pending_samples() * per_sample;
    if (waiting + session_bytes() > context_.options.session_memory_bytes)
      throw StreamFrameError(Error::REFUSED,
                             std::to_string(assembler_->buffered_events()) + " events and " +
                                 std::to_string(assembler_->pending_samples()) +
                                 " samples wait for an Advance, beyond the session's memory budget of " +
                                 std::to_string(context_.options.session_memory_bytes >> 20) +
                                 " MiB: send Advance more often");
  }

  void advance(std::uint64_t t) { take_samples(assembler_->advance(t)); }

  void take_samples(std::vector<CompleteSample> complete) {
    const std::uint64_t outside = assembler_->events_outside_samples();
    session_metrics_->add_events_outside_samples(outside - outside_reported_);
    outside_reported_ = outside;
    for (const CompleteSample& s : complete) pending_events_.push_back(s.events);
    if (!complete.empty()) session_->add(std::move(complete));
    session_metrics_->set_queue_depth(static_cast<std::uint64_t>(session_->added() - session_->done()));
  }

  // ---- results ----
  void on_results(std::vector<SampleResult> results) {
    const std::uint64_t slices_per_sample =
        session_ ? static_cast<std::uint64_t>(session_->encoding().sequence / session_->slice_steps()) : 0;
    for (SampleResult& r : results) {
      const std::uint64_t events = pending_events_.empty() ? 0 : pending_events_.front();
      if (!pending_events_.empty()) pending_events_.pop_front();
      std::optional<bool> correct;
      if (r.label) {
        correct = r.prediction == *r.label;
        ++labelled_;
        correct_ += *correct ? 1 : 0;
      }
      if (session_metrics_) {
        session_metrics_->add_sample(events, r.loss, correct);
        session_metrics_->add_slices(slices_per_sample);
      }
      SampleOutput* o = outputs_.add_samples();
      o->set_sample(static_cast<std::uint64_t>(r.sample));
      o->set_step(r.step);
      for (double v : r.scores) o->add_scores(v);
      o->set_prediction(r.prediction);
      if (r.label) o->set_label(*r.label);
      o->set_loss(r.loss);
      ++samples_done_;
    }
    if (session_metrics_ && session_)
      session_metrics_->set_queue_depth(static_cast<std::uint64_t>(session_->added() - session_->done()));
    if (static_cast<std::uint32_t>(outputs_.samples_size()) >= outputs_every_) flush_outputs();
    read_more();
  }

  void flush_outputs() {
    if (outputs_.samples_size() == 0) return;
    ServerFrame f;
    *f.mutable_outputs() = std::move(outputs_);
    outputs_.Clear();
    send(f);
  }

  void on_finished(const std::string& digest) {
    flush_outputs();
    ServerFrame f;
    Closed* c = f.mutable_closed();
    c->set_samples(samples_done_);
    c->set_events(events_in_);
    c->set_weights_digest(digest);
    c->set_accuracy(labelled_ > 0 ? static_cast<double>(correct_) / static_cast<double>(labelled_) : -1.0);
    spdlog::info("session {}: closed after {} samples, {} events, weights {}", id_, samples_done_, events_in_, digest);
    send(f);
    close_after_writes();
  }

  // ---- writing ----
  void send(const ServerFrame& f) {
    if (closed_) return;
    std::string bytes = encode_frame(f, std::numeric_limits<std::int32_t>::max());
    out_bytes_ += bytes.size();
    out_.push_back(std::move(bytes));
    write_next();
  }

  void write_next() {
    if (writing_ || out_.empty() || closed_) return;
    writing_ = true;
    auto self = this->shared_from_this();
    asio::async_write(socket_, asio::buffer(out_.front()), [self](error_code ec, std::size_t) {
      self->writing_ = false;
      if (ec) return self->drop("connection lost while writing: " + ec.message());
      self->out_bytes_ -= self->out_.front().size();
      self->out_.pop_front();
      self->last_output_ = Clock::now();
      if (self->out_.empty() && self->closing_) return self->shut();
      self->write_next();
      self->read_more();
    });
  }

  // ---- ending ----
  // An error the client should hear about: an Error frame, then the connection closes.
  void fail(Error::Code code, const std::string& text, bool frame_caused) {
    if (closing_) return;
    if (frame_caused && !refused_) context_.metrics.frame_refused();
    spdlog::warn("session {}: {}: {}", id_.empty() ? peer_ : id_, Error::Code_Name(code), text);
    if (session_) session_->abort();
    ServerFrame f;
    f.mutable_error()->set_code(code);
    f.mutable_error()->set_text(text);
    send(f);
    close_after_writes();
  }

  // The client is gone or cannot be written to: nothing more to say.
  void drop(const std::string& why) {
    if (closed_) return;
    spdlog::warn("session {}: {} {}", id_.empty() ? "-" : id_, peer_, why);
    if (session_) session_->abort();
    shut();
  }

  void close_after_writes() {
    closing_ = true;
    if (out_.empty() && !writing_) return shut();
    close_deadline_ = Clock::now() + kCloseGrace;
  }

  void shut() {
    if (closed_) return;
    closed_ = true;
    closing_ = true;
    error_code ec;
    lowest(socket_).shutdown(tcp::socket::shutdown_both, ec);
    lowest(socket_).close(ec);
    timer_.cancel();
    close_metrics();
  }

  void close_metrics() {
    if (counted_) {
      --context_.sessions;
      counted_ = false;
    }
    if (session_metrics_) {
      context_.metrics.close_session(id_);
      session_metrics_ = nullptr;
    }
  }

  // Once a second: a client that went silent, or stopped reading while its outputs pile up.
  void tick() {
    if (closed_) return;
    timer_.expires_after(kTick);
    auto self = this->shared_from_this();
    timer_.async_wait([self](error_code ec) {
      if (ec || self->closed_) return;
      self->check_timeouts();
      self->report_progress();
      self->tick();
    });
  }

  // Every 10 s while samples come: how far the session is, for whoever watches the log.
  void report_progress() {
    if (!session_ || closing_ || samples_done_ == reported_samples_ || Clock::now() - last_report_ < kProgressInterval)
      return;
    const double seconds = seconds_since(last_report_);
    spdlog::info("session {}: {} samples ({:.1f}/s), {} events, accuracy {}", id_, samples_done_,
                 static_cast<double>(samples_done_ - reported_samples_) / seconds, events_in_,
                 labelled_ > 0 ? fmt::format("{:.3f}", static_cast<double>(correct_) / static_cast<double>(labelled_))
                               : std::string("-"));
    reported_samples_ = samples_done_;
    last_report_ = Clock::now();
  }

  void check_timeouts() {
    const ServerOptions& o = context_.options;
    if (closing_) {
      if (close_deadline_ && Clock::now() > *close_deadline_) drop("did not take its last frames");
      return;
    }
    const bool waiting_for_client = !bye_ && !paused();  // not while the server holds the client back
    if (waiting_for_client && seconds_since(last_input_) > o.idle_seconds)
      return fail(Error::TIMEOUT, "no data for " + std::to_string(static_cast<int>(o.idle_seconds)) + " s", false);
    if (out_bytes_ >= o.max_output_bytes && seconds_since(last_output_) > o.stall_seconds) {
      spdlog::warn("session {}: the client read none of its {} bytes of outputs for {} s", id_, out_bytes_,
                   static_cast<int>(o.stall_seconds));
      context_.metrics.frame_refused();
      // It does not read, so an Error frame would not reach it either.
      drop("is not reading its outputs (SLOW_CLIENT)");
    }
  }

  asio::io_context& io_;
  ServerContext& context_;
  Socket socket_;
  asio::steady_timer timer_;
  StreamFrameDecoder decoder_;
  std::string peer_, id_;
  std::vector<char> buffer_;
  std::unique_ptr<StreamSession> session_;
  std::optional<SampleAssembler> assembler_;
  SessionMetrics* session_metrics_ = nullptr;
  std::deque<std::string> out_;
  std::uint64_t out_bytes_ = 0;
  Outputs outputs_;
  std::uint32_t outputs_every_ = 1;
  std::deque<std::uint64_t> pending_events_;  // per sample given to the session, not yet reported
  std::uint64_t t_ = 0;                       // the last event's time
  std::uint64_t events_in_ = 0, outside_reported_ = 0, samples_done_ = 0, labelled_ = 0, correct_ = 0;
  Clock::time_point last_input_ = Clock::now(), last_output_ = Clock::now(), last_report_ = Clock::now();
  std::uint64_t reported_samples_ = 0;
  std::optional<Clock::time_point> close_deadline_;
  bool handshaken_ = false, reading_ = false, writing_ = false, bye_ = false, closing_ = false, closed_ = false;
  bool counted_ = false, refused_ = false;
};

}  // namespace

void serve_connection(asio::io_context& io, ServerContext& context, tcp::socket socket) {
  if (context.tls) {
    auto c = std::make_shared<Connection<ssl::stream<tcp::socket>>>(
        io, context, ssl::stream<tcp::socket>(std::move(socket), *context.tls));
    c->start();
  } else {
    auto c = std::make_shared<Connection<tcp::socket>>(io, context, std::move(socket));
    c->start();
  }
}

}  // namespace eligo::stream
