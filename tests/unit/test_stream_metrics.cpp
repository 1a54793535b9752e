// The streaming server's Prometheus metrics (actors/stream/stream_metrics.*) and the HTTP endpoint
// that serves them (actors/stream/metrics_endpoint.*): the exposition text, label escaping,
// concurrent updates, and real scrapes over a socket, including garbage and oversized requests.
#include <catch2/catch.hpp>
#include <utility>  // before Boost.Asio: Boost 1.74 under C++20 misses it (its awaitable.hpp uses std::exchange)
// (this comment keeps clang-format from sorting Boost.Asio above it)
#include <boost/asio.hpp>
#include <chrono>
#include <cmath>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "actors/stream/metrics_endpoint.hpp"
#include "actors/stream/stream_metrics.hpp"

namespace {

using namespace eligo::stream;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Sends `request` to 127.0.0.1:port and returns everything the server answers until it closes.
std::string exchange(std::uint16_t port, const std::string& request) {
  asio::io_context io;
  tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  asio::write(socket, asio::buffer(request));
  std::string answer;
  boost::system::error_code ec;
  asio::read(socket, asio::dynamic_buffer(answer), ec);
  REQUIRE(ec == asio::error::eof);
  return answer;
}

std::string status_line(const std::string& answer) { return answer.substr(0, answer.find("\r\n")); }
std::string body(const std::string& answer) { return answer.substr(answer.find("\r\n\r\n") + 4); }

}  // namespace

TEST_CASE("metrics render HELP, TYPE and values after updates", "[stream-metrics]") {
  StreamMetrics metrics;
  SessionMetrics& a = metrics.open_session("a");
  a.add_events_in(100);
  a.add_sample(60, 0.25, true);
  a.add_sample(30, 0.5, false);
  a.add_events_outside_samples(10);
  a.add_slices(7);
  a.set_queue_depth(3);
  metrics.open_session("b").add_sample(5);
  metrics.session_refused();
  metrics.frame_refused();
  metrics.add_bytes_in(1234);

  const std::string text = metrics.render();
  CHECK(contains(text, "# HELP eligo_stream_sessions_active "));
  CHECK(contains(text, "# TYPE eligo_stream_sessions_active gauge\neligo_stream_sessions_active 2\n"));
  CHECK(contains(text, "# TYPE eligo_stream_sessions_started_total counter\neligo_stream_sessions_started_total 2\n"));
  CHECK(contains(text, "\neligo_stream_sessions_refused_total 1\n"));
  CHECK(contains(text, "\neligo_stream_events_in_total 100\n"));
  CHECK(contains(text, "\neligo_stream_events_processed_total 105\n"));  // 60 + 30 + 10 + b's 5
  CHECK(contains(text, "\neligo_stream_events_outside_samples_total 10\n"));
  CHECK(contains(text, "\neligo_stream_samples_total 3\n"));
  CHECK(contains(text, "# TYPE eligo_stream_slices_total counter\neligo_stream_slices_total 7\n"));
  CHECK(contains(text, "# TYPE eligo_stream_slices_per_second gauge\neligo_stream_slices_per_second "));
  CHECK(contains(text, "\neligo_stream_refused_frames_total 1\n"));
  CHECK(contains(text, "\neligo_stream_bytes_in_total 1234\n"));
  CHECK(contains(text, "# TYPE eligo_stream_session_queue_depth gauge\n"));
  CHECK(contains(text, "\neligo_stream_session_queue_depth{session=\"a\"} 3\n"));
  CHECK(contains(text, "\neligo_stream_session_loss{session=\"a\"} 0.5\n"));
  CHECK(contains(text, "\neligo_stream_session_loss{session=\"b\"} NaN\n"));  // no loss yet
  CHECK(contains(text, "\neligo_stream_session_accuracy{session=\"a\"} 0.5\n"));
  CHECK(contains(text, "\neligo_stream_session_accuracy{session=\"b\"} NaN\n"));  // no labelled sample
  CHECK(contains(text, "# TYPE eligo_stream_session_samples_total counter\n"));
  CHECK(contains(text, "\neligo_stream_session_samples_total{session=\"a\"} 2\n"));
  CHECK(contains(text, "\neligo_stream_session_events_in_total{session=\"a\"} 100\n"));
  // Every sample line belongs to a metric with HELP and TYPE, and the text ends with a line feed.
  CHECK(text.back() == '\n');
  CHECK(metrics.value_of("eligo_stream_slices_per_second") >= 0);

  CHECK(metrics.value_of("eligo_stream_events_in_total") == 100);
  CHECK(metrics.value_of("eligo_stream_session_samples_total", "a") == 2);
  CHECK(metrics.value_of("eligo_stream_session_accuracy", "a") == 0.5);
  CHECK_THROWS_AS(metrics.value_of("eligo_stream_nothing"), std::out_of_range);
  CHECK_THROWS_AS(metrics.value_of("eligo_stream_session_loss", "c"), std::out_of_range);
  CHECK_THROWS_AS(metrics.open_session("a"), std::invalid_argument);

  metrics.close_session("a");
  metrics.close_session("a");  // once only
  CHECK(metrics.value_of("eligo_stream_sessions_active") == 1);
  CHECK(metrics.value_of("eligo_stream_sessions_started_total") == 2);
  CHECK_FALSE(contains(metrics.render(), "session=\"a\""));
}

TEST_CASE("metrics: the slice rate is over the time since the previous render", "[stream-metrics]") {
  StreamMetrics metrics;
  SessionMetrics& s = metrics.open_session("s");
  metrics.render();
  s.add_slices(1000);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  metrics.render();
  const double rate = metrics.value_of("eligo_stream_slices_per_second");
  CHECK(rate > 0);
  CHECK(rate <= 1000 / 0.05);
  metrics.render();  // no slices since
  CHECK(metrics.value_of("eligo_stream_slices_per_second") == 0);
}

TEST_CASE("metrics escape backslash, double quote and line feed in label values", "[stream-metrics]") {
  StreamMetrics metrics;
  metrics.open_session("a\\b\"c\nd").set_queue_depth(4);
  CHECK(contains(metrics.render(), "eligo_stream_session_queue_depth{session=\"a\\\\b\\\"c\\nd\"} 4\n"));
}

TEST_CASE("metrics: concurrent updates from 4 threads sum up", "[stream-metrics]") {
  StreamMetrics metrics;
  constexpr int kThreads = 4, kRounds = 20000;
  std::vector<std::thread> threads;
  std::atomic<bool> done{false};
  bool scrapes_complete = true;
  std::thread scraper([&] {  // renders all the while
    while (!done) scrapes_complete = scrapes_complete && contains(metrics.render(), "eligo_stream_events_in_total");
  });
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&metrics, t] {
      SessionMetrics& session = metrics.open_session("s" + std::to_string(t));
      for (int i = 0; i < kRounds; ++i) {
        session.add_events_in(3);
        session.add_sample(2, 0.1, i % 2 == 0);
        session.add_events_outside_samples(1);
        session.add_slices(5);
        session.set_queue_depth(i);
        metrics.add_bytes_in(10);
      }
      metrics.frame_refused();
      if (t % 2 == 1) metrics.close_session("s" + std::to_string(t));
    });
  for (auto& t : threads) t.join();
  done = true;
  scraper.join();
  CHECK(scrapes_complete);

  const double n = double(kThreads) * kRounds;
  CHECK(metrics.value_of("eligo_stream_events_in_total") == 3 * n);
  CHECK(metrics.value_of("eligo_stream_events_processed_total") == 3 * n);  // nothing lost
  CHECK(metrics.value_of("eligo_stream_events_outside_samples_total") == n);
  CHECK(metrics.value_of("eligo_stream_samples_total") == n);
  CHECK(metrics.value_of("eligo_stream_slices_total") == 5 * n);
  CHECK(metrics.value_of("eligo_stream_bytes_in_total") == 10 * n);
  CHECK(metrics.value_of("eligo_stream_refused_frames_total") == kThreads);
  CHECK(metrics.value_of("eligo_stream_sessions_started_total") == kThreads);
  CHECK(metrics.value_of("eligo_stream_sessions_active") == kThreads / 2);
  CHECK(metrics.value_of("eligo_stream_session_samples_total", "s0") == kRounds);
  CHECK(metrics.value_of("eligo_stream_session_accuracy", "s2") == 0.5);
  CHECK(metrics.value_of("eligo_stream_session_queue_depth", "s0") == kRounds - 1);
}

TEST_CASE("metrics endpoint answers GET /metrics over a socket", "[stream-metrics]") {
  StreamMetrics metrics;
  metrics.open_session("live").add_events_in(42);
  MetricsEndpoint endpoint("127.0.0.1", 0, [&] { return metrics.render(); });
  REQUIRE(endpoint.port() != 0);

  const std::string answer = exchange(endpoint.port(), "GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n");
  CHECK(status_line(answer) == "HTTP/1.1 200 OK");
  CHECK(contains(answer, "\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"));
  CHECK(contains(answer, "\r\nConnection: close\r\n"));
  const std::string text = body(answer);
  CHECK(contains(answer, "\r\nContent-Length: " + std::to_string(text.size()) + "\r\n"));
  CHECK(contains(text, "\neligo_stream_events_in_total 42\n"));
  CHECK(contains(text, "eligo_stream_session_events_in_total{session=\"live\"} 42\n"));

  CHECK(status_line(exchange(endpoint.port(), "GET / HTTP/1.0\r\n\r\n")) == "HTTP/1.1 200 OK");
  CHECK(status_line(exchange(endpoint.port(), "GET /metrics?x=1 HTTP/1.1\r\n\r\n")) == "HTTP/1.1 200 OK");
  const std::string head = exchange(endpoint.port(), "HEAD /metrics HTTP/1.1\r\n\r\n");
  CHECK(status_line(head) == "HTTP/1.1 200 OK");
  CHECK(body(head).empty());
}

TEST_CASE("metrics endpoint refuses garbage and keeps serving", "[stream-metrics]") {
  MetricsEndpoint endpoint("127.0.0.1", 0, [] { return std::string("eligo_stream_x 1\n"); });
  const auto port = endpoint.port();

  // A client that sends nothing at all does not hold up the others.
  asio::io_context io;
  tcp::socket silent(io);
  silent.connect({asio::ip::make_address("127.0.0.1"), port});

  CHECK(status_line(exchange(port, "\x01\x02garbage\xff\r\n\r\n")) == "HTTP/1.1 400 Bad Request");
  CHECK(status_line(exchange(port, "GET /metrics\r\n\r\n")) == "HTTP/1.1 400 Bad Request");
  CHECK(status_line(exchange(port, "GET metrics HTTP/1.1\r\n\r\n")) == "HTTP/1.1 400 Bad Request");
  CHECK(status_line(exchange(port, "GET /metrics SMTP/1.1\r\n\r\n")) == "HTTP/1.1 400 Bad Request");
  CHECK(status_line(exchange(port, "GET /other HTTP/1.1\r\n\r\n")) == "HTTP/1.1 404 Not Found");
  const std::string post = exchange(port, "POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
  CHECK(status_line(post) == "HTTP/1.1 405 Method Not Allowed");
  CHECK(contains(post, "\r\nAllow: GET, HEAD\r\n"));

  // A client that closes its side before the blank line still gets an answer.
  {
    tcp::socket half(io);
    half.connect({asio::ip::make_address("127.0.0.1"), port});
    asio::write(half, asio::buffer(std::string("GET /metr")));
    half.shutdown(tcp::socket::shutdown_send);
    std::string answer;
    boost::system::error_code ec;
    asio::read(half, asio::dynamic_buffer(answer), ec);
    CHECK(status_line(answer) == "HTTP/1.1 400 Bad Request");
  }

  const std::string answer = exchange(port, "GET /metrics HTTP/1.1\r\n\r\n");
  CHECK(status_line(answer) == "HTTP/1.1 200 OK");
  CHECK(body(answer) == "eligo_stream_x 1\n");
}

TEST_CASE("metrics endpoint answers an oversized request head with 431", "[stream-metrics]") {
  MetricsEndpoint endpoint("127.0.0.1", 0, [] { return std::string(); });
  const std::string huge = "GET /metrics HTTP/1.1\r\nX-Filler: " + std::string(9000, 'a') + "\r\n\r\n";
  CHECK(status_line(exchange(endpoint.port(), huge)) == "HTTP/1.1 431 Request Header Fields Too Large");
  CHECK(status_line(exchange(endpoint.port(), std::string(8 * 1024 + 1, 'x'))) ==
        "HTTP/1.1 431 Request Header Fields Too Large");
  CHECK(status_line(exchange(endpoint.port(), "GET / HTTP/1.1\r\n\r\n")) == "HTTP/1.1 200 OK");
}

TEST_CASE("metrics endpoint names host:port when it cannot listen", "[stream-metrics]") {
  MetricsEndpoint first("127.0.0.1", 0, [] { return std::string(); });
  const std::string where = "127.0.0.1:" + std::to_string(first.port());
  CHECK_THROWS_WITH(MetricsEndpoint("127.0.0.1", first.port(), [] { return std::string(); }),
                    "metrics endpoint " + where + ": address in use");
  CHECK_THROWS_WITH(MetricsEndpoint("no-such-host.invalid", 0, [] { return std::string(); }),
                    Catch::Matchers::StartsWith("metrics endpoint no-such-host.invalid:0: cannot resolve"));
}
