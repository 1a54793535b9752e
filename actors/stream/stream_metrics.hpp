#pragma once
// The Prometheus metrics of the streaming server (`eligo serve`, docs/streaming.md): server-wide
// counters and gauges plus a few per session, rendered in the text exposition format 0.0.4 for the
// metrics endpoint (metrics_endpoint.hpp). Debian has no prometheus-cpp, and this is all we need of it.
//
// Thread-safe: connection threads and session threads update it concurrently, a scrape renders it.
// Every value is an atomic; the map of open sessions has a mutex.
//
// A session's updates go through its SessionMetrics and count in the server-wide totals as well, so
// nothing is counted twice: StreamMetrics itself only takes what belongs to no session (refused
// sessions and frames, bytes received).
//
// Events: every event received in an Events frame counts in events_in; every event that went into a
// sample run by the network, or that fell outside any sample, counts in events_processed (the latter
// also in events_outside_samples). Once everything received has run, events_in == events_processed
// unless events were lost.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace eligo::stream {

class StreamMetrics;

// The metrics of one open session. Its address is stable from open_session to close_session; the
// session must not use it after close_session.
class SessionMetrics {
 public:
  explicit SessionMetrics(StreamMetrics& server) : server_(server) {}
  SessionMetrics(const SessionMetrics&) = delete;
  SessionMetrics& operator=(const SessionMetrics&) = delete;

  void add_events_in(std::uint64_t n);               // events received in an Events frame
  void add_events_outside_samples(std::uint64_t n);  // received events no sample will ever take
  // A sample the network ran, of `events` events; loss when it had a label or target, correct when it
  // had a label (accuracy counts only those).
  void add_sample(std::uint64_t events, std::optional<double> loss = {}, std::optional<bool> correct = {});
  void add_slices(std::uint64_t n);       // simulated time slices
  void set_queue_depth(std::uint64_t n);  // samples waiting to run

  std::uint64_t queue_depth() const { return queue_depth_.load(std::memory_order_relaxed); }
  std::uint64_t samples() const { return samples_.load(std::memory_order_relaxed); }
  std::uint64_t events_in() const { return events_in_.load(std::memory_order_relaxed); }
  double loss() const { return loss_.load(std::memory_order_relaxed); }  // the last one; NaN before any
  double accuracy() const;  // correct / labelled samples; NaN before any labelled one

 private:
  StreamMetrics& server_;
  std::atomic<std::uint64_t> queue_depth_{0}, samples_{0}, events_in_{0}, labelled_{0}, correct_{0};
  std::atomic<double> loss_{std::numeric_limits<double>::quiet_NaN()};
};

class StreamMetrics {
 public:
  StreamMetrics();
  StreamMetrics(const StreamMetrics&) = delete;
  StreamMetrics& operator=(const StreamMetrics&) = delete;

  // Counts a started session. Throws std::invalid_argument when one of that id is open already.
  SessionMetrics& open_session(std::string id);
  void close_session(const std::string& id);  // unknown ids: nothing happens

  void session_refused();                  // a Hello refused (version, token, server full, ...)
  void frame_refused();                    // a frame that ended its session with an error
  void add_bytes_in(std::uint64_t bytes);  // everything read from clients

  // The text exposition format 0.0.4, names prefixed eligo_stream_. The gauge slices_per_second is
  // the slice rate since the previous render (by any scraper; since construction at the first).
  std::string render() const;

  // One value as render() shows it, by its full name (e.g. "eligo_stream_events_in_total"); per-session
  // ones ("eligo_stream_session_samples_total") with the session's id. slices_per_second is the one the
  // last render computed. Throws std::out_of_range for an unknown name or session.
  double value_of(std::string_view name, const std::string& session = {}) const;

 private:
  friend class SessionMetrics;
  friend struct ServerMetricTable;  // stream_metrics.cpp: the server-wide metrics' names and members
  using Counter = std::atomic<std::uint64_t>;

  Counter sessions_active_{0}, sessions_started_{0}, sessions_refused_{0}, events_in_{0}, events_processed_{0},
      events_outside_samples_{0}, samples_{0}, slices_{0}, refused_frames_{0}, bytes_in_{0};

  mutable std::mutex sessions_mutex_;
  std::map<std::string, std::unique_ptr<SessionMetrics>> sessions_;

  mutable std::mutex rate_mutex_;  // the slice rate's window, moved on by render()
  mutable std::chrono::steady_clock::time_point rate_since_;
  mutable std::uint64_t rate_slices_ = 0;
  mutable double slices_per_second_ = 0;
};

}  // namespace eligo::stream
