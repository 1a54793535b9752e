// eligo serve end to end on loopback (actors/stream/): a stream gives the weights digest of offline
// training on the same samples, sessions stay independent, and every kind of bad client ends its own
// session with a clear error while the others go on and the server's memory returns to its baseline.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "actors/stream/stream_client.hpp"
#include "tests/support/stream_fixture.hpp"

using namespace eligo;
namespace fs = std::filesystem;

namespace {

stream::ClientOptions client_of(std::uint16_t port, const fs::path& events) {
  stream::ClientOptions o;
  o.host = "127.0.0.1";
  o.port = port;
  o.insecure = true;
  o.events = events;
  return o;
}

struct Answers {
  std::vector<stream::StreamedSample> samples;
  std::mutex mutex;
  void add(const stream::StreamedSample& s) {
    std::lock_guard lock(mutex);
    samples.push_back(s);
  }
};

// Waits up to 10 s for the server to see no open session.
bool sessions_end(test::TestServer& server) {
  for (int i = 0; i < 200; ++i) {
    if (server.value("eligo_stream_sessions_active") == 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

stream::ClientFrame events_frame(std::initializer_list<std::uint64_t> dts) {
  stream::ClientFrame f;
  for (std::uint64_t dt : dts) {
    f.mutable_events()->add_dt_us(dt);
    f.mutable_events()->add_x(1);
    f.mutable_events()->add_y(1);
    f.mutable_events()->add_polarity(true);
  }
  return f;
}

stream::ClientFrame advance_frame(std::uint64_t t) {
  stream::ClientFrame f;
  f.mutable_advance()->set_time_us(t);
  return f;
}

// Streams the first `count` samples of the config's own task to a server, as channel events with their labels
// or targets, and checks that the Welcome names the task.
stream::StreamSummary stream_task_samples(const TrainingSetup& setup, std::uint16_t port, int count,
                                          const std::string& task, Answers& answers) {
  std::unique_ptr<DataSource> source = setup.network.sample_stream->source();
  const Step sequence = setup.network.sample_stream->layout.sequence;
  int given = 0;
  return stream::stream_samples(
      client_of(port, {}),
      [&](const stream::Welcome& w) -> std::optional<stream::ClientSample> {
        CHECK(w.task() == task);
        if (given++ == count) return std::nullopt;
        return stream::client_sample_of(*source->next(SampleParts::all), sequence, setup.network.resolution_ms);
      },
      [&](auto& a) { answers.add(a); });
}

}  // namespace

TEST_CASE("a stream of 50 samples gives each an answer and the offline run's digest", "[serve]") {
  const test::TempDir dir("eligo_serve");
  const fs::path config = dir.write("stream.yaml", test::stream_config_text());
  test::write_stream_folder(dir.path() / "data", 50, 7);
  const actors::RunResult run = test::offline_run(config, dir.path() / "data");
  const std::string offline = run.weights_digest;
  CHECK(run.rec_spikes > 1000);  // the network is busy: equal digests mean equal work

  stream::ServerOptions so;
  so.out = dir.path() / "out";
  test::TestServer server(config, so);
  Answers answers;
  const stream::StreamSummary s =
      stream::stream_events(client_of(server.port(), dir.path() / "data"), [&](auto& a) { answers.add(a); });
  CHECK(s.samples == 50);
  REQUIRE(answers.samples.size() == 50);
  for (std::size_t i = 0; i < answers.samples.size(); ++i) {
    CHECK(answers.samples[i].sample == static_cast<std::int64_t>(i));
    REQUIRE(answers.samples[i].label.has_value());
    CHECK(*answers.samples[i].label == static_cast<std::uint32_t>(i * test::kStreamLabels / 50));  // sorted paths
    CHECK(answers.samples[i].prediction < test::kStreamLabels);
  }
  CHECK(s.weights_digest == offline);
  CHECK(s.events == static_cast<std::uint64_t>(server.value("eligo_stream_events_in_total")));
  CHECK(server.value("eligo_stream_events_in_total") == server.value("eligo_stream_events_processed_total"));
  CHECK(sessions_end(server));
}

TEST_CASE("two sessions at once each end with their own offline digest", "[serve]") {
  const test::TempDir dir("eligo_serve");
  const fs::path config = dir.write("stream.yaml", test::stream_config_text());
  test::write_stream_folder(dir.path() / "a", 30, 1);
  test::write_stream_folder(dir.path() / "b", 30, 2);
  const std::string offline_a = test::offline_digest(config, dir.path() / "a");
  const std::string offline_b = test::offline_digest(config, dir.path() / "b");
  REQUIRE(offline_a != offline_b);

  test::TestServer server(config, {});
  stream::StreamSummary a, b;
  std::thread other([&] { b = stream::stream_events(client_of(server.port(), dir.path() / "b"), [](auto&) {}); });
  a = stream::stream_events(client_of(server.port(), dir.path() / "a"), [](auto&) {});
  other.join();
  CHECK(a.weights_digest == offline_a);
  CHECK(b.weights_digest == offline_b);
}

TEST_CASE("a saved network starts a new session", "[serve]") {
  const test::TempDir dir("eligo_serve");
  const fs::path config = dir.write("stream.yaml", test::stream_config_text());
  test::write_stream_folder(dir.path() / "data", 12, 5);
  stream::ServerOptions so;
  so.out = dir.path() / "out";
  test::TestServer server(config, so);
  stream::ClientOptions o = client_of(server.port(), dir.path() / "data");
  o.save = "first";
  const stream::StreamSummary learned = stream::stream_events(o, [](auto&) {});
  REQUIRE(learned.saved == std::optional<std::string>("first"));
  CHECK(fs::exists(dir.path() / "out" / "saved" / "first"));

  CHECK(learned.saved_digest.size() == 64);
  // A session from the saved network predicts every sample (and a name never saved is refused).
  stream::ClientOptions again = client_of(server.port(), dir.path() / "data");
  again.learn = false;
  again.start_from = "first";
  Answers answers;
  const stream::StreamSummary predicted = stream::stream_events(again, [&](auto& a) { answers.add(a); });
  CHECK(predicted.samples == 12);
  CHECK(answers.samples.size() == 12);
  {
    test::RawClient raw(server.port());
    stream::ClientFrame hello = test::hello_frame();
    hello.mutable_hello()->set_start_from("nothing-saved");
    raw.send(hello);
    const std::optional<stream::Error> e = raw.error();
    REQUIRE(e.has_value());
    CHECK(e->code() == stream::Error::BAD_REQUEST);
    CHECK_THAT(e->text(), Catch::Contains("nothing-saved"));
  }
  CHECK(sessions_end(server));
}

TEST_CASE("bad clients end only their own session, with a clear error", "[serve]") {
  const test::TempDir dir("eligo_serve");
  const fs::path config = dir.write("stream.yaml", test::stream_config_text());
  test::write_stream_folder(dir.path() / "data", 40, 11);
  const std::string offline = test::offline_digest(config, dir.path() / "data");
  stream::ServerOptions so;
  so.token = "a-token-of-some-length";
  so.max_output_bytes = 512;
  so.send_buffer_bytes = 4096;
  so.stall_seconds = 1.0;
  test::TestServer server(config, so);
  const std::string token = *so.token;

  // A warm-up session, so that the baseline holds what any session leaves behind (allocator pools).
  stream::ClientOptions good = client_of(server.port(), dir.path() / "data");
  good.token = token;
  CHECK(stream::stream_events(good, [](auto&) {}).weights_digest == offline);
  REQUIRE(sessions_end(server));
  const double baseline = test::resident_mib();

  // A good session streams slowly the whole time the bad ones come and go.
  stream::StreamSummary slow;
  std::string slow_error;
  std::thread slow_client([&] {
    try {
      slow = stream::stream_events(good, [&](auto&) { std::this_thread::sleep_for(std::chrono::milliseconds(80)); });
    } catch (const std::exception& e) {
      slow_error = e.what();
    }
  });

  const auto error_after = [&](auto&& act) {
    test::RawClient c(server.port());
    act(c);
    return c.error();
  };
  {
    std::optional<stream::Error> e =
        error_after([](test::RawClient& c) { c.write(std::string("\0\0\0\x0a", 4) + "garbage!!!"); });
    REQUIRE(e);
    CHECK(e->code() == stream::Error::BAD_FRAME);
    CHECK_THAT(e->text(), Catch::Contains("not a ClientFrame"));

    e = error_after([](test::RawClient& c) { c.write(std::string("\x7f\xff\xff\xff", 4)); });
    REQUIRE(e);
    CHECK(e->code() == stream::Error::BAD_FRAME);
    CHECK_THAT(e->text(), Catch::Contains("length"));

    e = error_after([&](test::RawClient& c) { c.send(test::hello_frame(2, token)); });
    REQUIRE(e);
    CHECK(e->code() == stream::Error::BAD_VERSION);
    CHECK_THAT(e->text(), Catch::Contains("version 2"));

    e = error_after([](test::RawClient& c) { c.send(test::hello_frame()); });
    REQUIRE(e);
    CHECK(e->code() == stream::Error::UNAUTHENTICATED);
    e = error_after(
        [](test::RawClient& c) { c.send(test::hello_frame(stream::VERSION_CURRENT, "wrong-token-wrong")); });
    REQUIRE(e);
    CHECK(e->code() == stream::Error::UNAUTHENTICATED);
    CHECK_THAT(e->text(), Catch::Contains("wrong token"));

    e = error_after([&](test::RawClient& c) {
      c.send(test::hello_frame(stream::VERSION_CURRENT, token));
      c.send(events_frame({1000}));
      c.send(advance_frame(5000));
      c.send(events_frame({0}));  // at 1,000 µs again, after the promise of 5,000
    });
    REQUIRE(e);
    CHECK(e->code() == stream::Error::BAD_REQUEST);
    CHECK_THAT(e->text(), Catch::Contains("before 5000 µs"));

    e = error_after([&](test::RawClient& c) {
      c.send(test::hello_frame(stream::VERSION_CURRENT, token));
      stream::ClientFrame f = events_frame({1});
      f.mutable_events()->set_x(0, 40);  // outside the 34 × 34 sensor
      c.send(f);
    });
    REQUIRE(e);
    CHECK(e->code() == stream::Error::BAD_REQUEST);
    CHECK_THAT(e->text(), Catch::Contains("outside the 34 × 34 sensor"));

    // Vanishing mid-frame, and after a truncated frame: the server drops the session.
    {
      test::RawClient c(server.port());
      c.send(test::hello_frame(stream::VERSION_CURRENT, token));
      REQUIRE(c.next()->has_welcome());
      const std::string frame = stream::encode_frame(events_frame({1, 2, 3}));
      c.write(frame.substr(0, frame.size() / 2));
      c.close();
    }
    {
      test::RawClient c(server.port());
      c.send(test::hello_frame(stream::VERSION_CURRENT, token));
      c.write(std::string("\0\0", 2));
      c.close();
    }

    // A client that stops reading its outputs is cut off once they pile up for stall_seconds.
    {
      test::RawClient c(server.port(), 2048);
      c.send(test::hello_frame(stream::VERSION_CURRENT, token));
      std::uint64_t t = 0;
      bool cut_off = false;
      for (int i = 0; i < 2'000'000 && !cut_off; ++i) {
        try {
          stream::ClientFrame label;
          label.mutable_label()->set_label(0);
          label.mutable_label()->set_begin_us(t);
          label.mutable_label()->set_end_us(t + 100);
          c.send(events_frame({i == 0 ? 0u : 100u}));
          c.send(label);
          c.send(advance_frame(t + 100));
          t += 100;
        } catch (const boost::system::system_error&) {
          cut_off = true;  // the server closed the connection under us
        }
      }
      CHECK(cut_off);
      // Reading now finds the connection closed after whatever had been sent.
      while (c.next()) {
      }
    }
    CHECK(server.value("eligo_stream_refused_frames_total") >= 5);
  }
  slow_client.join();
  CHECK(slow_error == "");
  CHECK(slow.weights_digest == offline);  // the good session went on undisturbed
  REQUIRE(sessions_end(server));
  CHECK(server.value("eligo_stream_sessions_refused_total") >= 3);
  // Each bad session's network and buffers are gone again (a session's network is a few MiB here).
  CHECK(test::resident_mib() < baseline + 64.0);
}

TEST_CASE("ten million events through one session, none lost", "[serve][soak]") {
  const test::TempDir dir("eligo_serve");
  const fs::path config = dir.write("stream.yaml", test::stream_config_text());
  test::TestServer server(config, {});
  constexpr int kSamples = 1000, kEventsPerSample = 10'000;
  int next = 0;
  std::mt19937 rng(1);
  stream::ClientOptions o = client_of(server.port(), {});
  const stream::StreamSummary s = stream::stream_samples(
      o,
      [&](const stream::Welcome&) -> std::optional<stream::ClientSample> {
        if (next == kSamples) return std::nullopt;
        stream::ClientSample c;
        c.label = static_cast<std::uint32_t>(next++ % test::kStreamLabels);
        c.channels = true;
        c.duration_us = 60'000;
        for (int k = 0; k < kEventsPerSample; ++k)
          c.events.push_back({static_cast<std::uint64_t>(k) * 6, static_cast<std::uint32_t>(rng() % 128), 0, false});
        return c;
      },
      [](auto&) {});
  CHECK(s.samples == kSamples);
  CHECK(s.events == 10'000'000);
  CHECK(server.value("eligo_stream_events_in_total") == 1e7);
  CHECK(server.value("eligo_stream_events_processed_total") == 1e7);
  CHECK(server.value("eligo_stream_samples_total") == kSamples);
}

TEST_CASE("a full server and a session over its memory budget are refused with a clear error", "[serve]") {
  const test::TempDir dir("eligo_serve");
  const fs::path config = dir.write("stream.yaml", test::stream_config_text());
  {
    stream::ServerOptions so;
    so.max_sessions = 1;
    test::TestServer server(config, so);
    test::RawClient first(server.port());
    first.send(test::hello_frame());
    REQUIRE(first.next()->has_welcome());
    test::RawClient second(server.port());
    second.send(test::hello_frame());
    const std::optional<stream::Error> e = second.error();
    REQUIRE(e);
    CHECK(e->code() == stream::Error::REFUSED);
    CHECK_THAT(e->text(), Catch::Contains("full: 1 sessions"));
  }
  {
    stream::ServerOptions so;
    so.session_memory_bytes = 64 * 1024;  // below what the network needs
    test::TestServer server(config, so);
    test::RawClient c(server.port());
    c.send(test::hello_frame());
    const std::optional<stream::Error> e = c.error();
    REQUIRE(e);
    CHECK(e->code() == stream::Error::REFUSED);
    CHECK_THAT(e->text(), Catch::Contains("per-session budget"));
  }
  {
    stream::ServerOptions so;
    so.session_memory_bytes = 2 << 20;  // the network fits, 10^5 events waiting for a sample do not
    test::TestServer server(config, so);
    test::RawClient c(server.port());
    c.send(test::hello_frame());
    REQUIRE(c.next()->has_welcome());
    stream::ClientFrame f;
    for (int i = 0; i < 100'000; ++i) {
      f.mutable_events()->add_dt_us(1);
      f.mutable_events()->add_x(1);
      f.mutable_events()->add_y(2);
      f.mutable_events()->add_polarity(false);
    }
    c.send(f);
    const std::optional<stream::Error> e = c.error();
    REQUIRE(e);
    CHECK(e->code() == stream::Error::REFUSED);
    CHECK_THAT(e->text(), Catch::Contains("events and 0 samples wait for an Advance"));
    CHECK(sessions_end(server));
  }
}

TEST_CASE("Bye completes every declared sample, so nothing received is left uncounted", "[serve]") {
  const test::TempDir dir("eligo_serve");
  const fs::path config = dir.write("stream.yaml", test::stream_config_text());
  test::TestServer server(config, {});
  test::RawClient c(server.port());
  c.send(test::hello_frame());
  REQUIRE(c.next()->has_welcome());
  c.send(events_frame({10, 10, 10}));  // at 10, 20 and 30 µs
  stream::ClientFrame label;
  label.mutable_label()->set_label(1);
  label.mutable_label()->set_begin_us(0);
  label.mutable_label()->set_end_us(25);  // the third event lies after it
  c.send(label);
  stream::ClientFrame bye;
  bye.mutable_bye();
  c.send(bye);  // no Advance at all
  std::optional<stream::ServerFrame> f;
  std::uint64_t answered = 0;
  while ((f = c.next()) && !f->has_closed()) answered += f->has_outputs() ? f->outputs().samples_size() : 0;
  REQUIRE(f);
  CHECK(f->closed().samples() == 1);
  CHECK(answered == 1);
  CHECK(server.value("eligo_stream_events_in_total") == 3);
  CHECK(server.value("eligo_stream_events_processed_total") == 3);
  CHECK(server.value("eligo_stream_events_outside_samples_total") == 1);
}

TEST_CASE("a regression task streamed as channel events and Targets gives the offline digest", "[serve]") {
  const fs::path config =
      fs::path(ELIGO_TEST_DATA_DIR).parent_path().parent_path() / "examples" / "sine_wave_small.yaml";
  ConfigOverrides three;
  three.iterations = 3;
  const TrainingSetup setup = load_training_config(config, three);
  const actors::RunResult offline =
      actors::run_network(setup.network, setup.n_steps, actors::make_iteration_plan(setup), actors::RunOptions{});
  REQUIRE(offline.rec_spikes > 0);

  test::TestServer server(config, {});
  Answers answers;
  const stream::StreamSummary s = stream_task_samples(setup, server.port(), 3, "sine_wave", answers);
  CHECK(answers.samples.size() == 3);
  CHECK(s.weights_digest == offline.weights_digest);
}

// In NEST's original variant the last step of a sample's learning window sees the next sample's first input
// (docs/streaming.md §4), and a group is answered only whole: a server that held the client back before those
// arrived would wait for good. One queued sample at most is the tightest setting.
TEST_CASE("NEST's original variant streamed under tight backpressure gives the offline digest", "[serve][bsshslm]") {
  const fs::path config = fs::path(ELIGO_TEST_DATA_DIR) / "cluster" / "bsshslm_evidence.yaml";
  ConfigOverrides two;
  two.iterations = 2;
  const TrainingSetup setup = load_training_config(config, two);
  REQUIRE(setup.network.variant == EpropVariant::bsshslm_2020);
  const actors::RunResult offline =
      actors::run_network(setup.network, setup.n_steps, actors::make_iteration_plan(setup), actors::RunOptions{});
  REQUIRE(offline.rec_spikes > 0);

  stream::ServerOptions so;
  so.max_queued_samples = 1;
  test::TestServer server(config, so);
  Answers answers;  // two groups of four
  const stream::StreamSummary s = stream_task_samples(setup, server.port(), 8, "evidence_accumulation", answers);
  REQUIRE(answers.samples.size() == 8);
  for (std::size_t i = 0; i < answers.samples.size(); ++i) {
    CHECK(answers.samples[i].sample == static_cast<std::int64_t>(i));
    CHECK(answers.samples[i].label.has_value());
  }
  CHECK(s.weights_digest == offline.weights_digest);
}
