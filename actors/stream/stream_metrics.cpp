// The streaming server's metrics (stream_metrics.hpp): the counters, and their rendering in the
// Prometheus text exposition format 0.0.4 (HELP and TYPE lines, then one sample line per series).
#include "actors/stream/stream_metrics.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace eligo::stream {
namespace {

constexpr auto relaxed = std::memory_order_relaxed;

struct SessionMetric {
  std::string_view name, type, help;
  double (*value)(const SessionMetrics&);
};

constexpr std::array<SessionMetric, 5> kSessionMetrics{{
    {"eligo_stream_session_queue_depth", "gauge", "Samples waiting to run, per session.",
     [](const SessionMetrics& s) { return double(s.queue_depth()); }},
    {"eligo_stream_session_loss", "gauge", "The loss of the session's last sample with a label or target.",
     [](const SessionMetrics& s) { return s.loss(); }},
    {"eligo_stream_session_accuracy", "gauge", "The fraction of the session's labelled samples classified right.",
     [](const SessionMetrics& s) { return s.accuracy(); }},
    {"eligo_stream_session_samples_total", "counter", "Samples the session's network ran.",
     [](const SessionMetrics& s) { return double(s.samples()); }},
    {"eligo_stream_session_events_in_total", "counter", "Events the session received in Events frames.",
     [](const SessionMetrics& s) { return double(s.events_in()); }},
}};

constexpr std::string_view kSlicesPerSecond = "eligo_stream_slices_per_second";

void add(std::atomic<std::uint64_t>& counter, std::uint64_t n) { counter.fetch_add(n, relaxed); }

std::string number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  std::array<char, 32> text{};
  const auto [end, ec] = std::to_chars(text.data(), text.data() + text.size(), v);
  return ec == std::errc() ? std::string(text.data(), end) : "NaN";
}

// Label values escape backslash, double quote and line feed (exposition format 0.0.4).
std::string escaped(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

void header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

}  // namespace

void SessionMetrics::add_events_in(std::uint64_t n) {
  add(events_in_, n);
  add(server_.events_in_, n);
}

void SessionMetrics::add_events_outside_samples(std::uint64_t n) {
  add(server_.events_outside_samples_, n);
  add(server_.events_processed_, n);
}

void SessionMetrics::add_sample(std::uint64_t events, std::optional<double> loss, std::optional<bool> correct) {
  if (loss) loss_.store(*loss, relaxed);
  if (correct) {
    add(labelled_, 1);
    add(correct_, *correct ? 1 : 0);
  }
  add(samples_, 1);
  add(server_.samples_, 1);
  add(server_.events_processed_, events);
}

void SessionMetrics::add_slices(std::uint64_t n) { add(server_.slices_, n); }

void SessionMetrics::set_queue_depth(std::uint64_t n) { queue_depth_.store(n, relaxed); }

double SessionMetrics::accuracy() const {
  // The two are not read at one instant: a sample added in between must not show above 1.
  const std::uint64_t labelled = labelled_.load(relaxed);
  const std::uint64_t correct = std::min(correct_.load(relaxed), labelled);
  return labelled == 0 ? std::numeric_limits<double>::quiet_NaN() : double(correct) / double(labelled);
}

StreamMetrics::StreamMetrics() : rate_since_(std::chrono::steady_clock::now()) {}

SessionMetrics& StreamMetrics::open_session(std::string id) {
  std::lock_guard lock(sessions_mutex_);
  auto [it, added] = sessions_.try_emplace(std::move(id));
  if (!added) throw std::invalid_argument("a session " + it->first + " is open already");
  it->second = std::make_unique<SessionMetrics>(*this);
  add(sessions_started_, 1);
  add(sessions_active_, 1);
  return *it->second;
}

void StreamMetrics::close_session(const std::string& id) {
  std::lock_guard lock(sessions_mutex_);
  if (sessions_.erase(id) > 0) sessions_active_.fetch_sub(1, relaxed);
}

void StreamMetrics::session_refused() { add(sessions_refused_, 1); }
void StreamMetrics::frame_refused() { add(refused_frames_, 1); }
void StreamMetrics::add_bytes_in(std::uint64_t bytes) { add(bytes_in_, bytes); }

// The server-wide metrics, in render order, with the member each one shows.
struct ServerMetricTable {
  struct Entry {
    std::string_view name, type, help;
    StreamMetrics::Counter StreamMetrics::*counter;
  };
  static constexpr std::array<Entry, 10> entries{{
      {"eligo_stream_sessions_active", "gauge", "Sessions open now.", &StreamMetrics::sessions_active_},
      {"eligo_stream_sessions_started_total", "counter", "Sessions opened.", &StreamMetrics::sessions_started_},
      {"eligo_stream_sessions_refused_total", "counter", "Sessions refused at their Hello.",
       &StreamMetrics::sessions_refused_},
      {"eligo_stream_events_in_total", "counter", "Events received in Events frames.", &StreamMetrics::events_in_},
      {"eligo_stream_events_processed_total", "counter",
       "Events that went into samples the network ran, or fell outside any sample.", &StreamMetrics::events_processed_},
      {"eligo_stream_events_outside_samples_total", "counter", "Events received outside any sample.",
       &StreamMetrics::events_outside_samples_},
      {"eligo_stream_samples_total", "counter", "Samples the network ran.", &StreamMetrics::samples_},
      {"eligo_stream_slices_total", "counter", "Time slices simulated.", &StreamMetrics::slices_},
      {"eligo_stream_refused_frames_total", "counter", "Frames that ended their session with an error.",
       &StreamMetrics::refused_frames_},
      {"eligo_stream_bytes_in_total", "counter", "Bytes received from clients.", &StreamMetrics::bytes_in_},
  }};
};

std::string StreamMetrics::render() const {
  std::string out;
  for (const auto& metric : ServerMetricTable::entries) {
    header(out, metric.name, metric.type, metric.help);
    out.append(metric.name).append(" ").append(std::to_string((this->*metric.counter).load(relaxed))).append("\n");
  }
  {
    std::lock_guard lock(rate_mutex_);
    const auto now = std::chrono::steady_clock::now();
    const std::uint64_t slices = slices_.load(relaxed);
    const double seconds = std::chrono::duration<double>(now - rate_since_).count();
    slices_per_second_ = seconds > 0 ? double(slices - rate_slices_) / seconds : 0;
    rate_since_ = now;
    rate_slices_ = slices;
    header(out, kSlicesPerSecond, "gauge", "Time slices simulated per second since the previous scrape.");
    out.append(kSlicesPerSecond).append(" ").append(number(slices_per_second_)).append("\n");
  }
  std::lock_guard lock(sessions_mutex_);
  for (const SessionMetric& metric : kSessionMetrics) {
    header(out, metric.name, metric.type, metric.help);
    for (const auto& [id, session] : sessions_)
      out.append(metric.name)
          .append("{session=\"")
          .append(escaped(id))
          .append("\"} ")
          .append(number(metric.value(*session)))
          .append("\n");
  }
  return out;
}

double StreamMetrics::value_of(std::string_view name, const std::string& session) const {
  for (const auto& metric : ServerMetricTable::entries)
    if (metric.name == name) return double((this->*metric.counter).load(relaxed));
  if (name == kSlicesPerSecond) {
    std::lock_guard lock(rate_mutex_);
    return slices_per_second_;
  }
  for (const SessionMetric& metric : kSessionMetrics) {
    if (metric.name != name) continue;
    std::lock_guard lock(sessions_mutex_);
    const auto it = sessions_.find(session);
    if (it == sessions_.end()) throw std::out_of_range("no open session " + session);
    return metric.value(*it->second);
  }
  throw std::out_of_range("no metric " + std::string(name));
}

}  // namespace eligo::stream
