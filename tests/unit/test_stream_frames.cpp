// The streaming protocol's frame layer (runtime/stream/stream_frames.*): round trips, reassembly byte
// by byte, lengths refused before their body arrives, garbage and truncation, and every rule of
// validate() with the error code and text a client would see.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "runtime/stream/stream_frames.hpp"

namespace {

using namespace eligo::stream;

std::string length_prefix(std::uint32_t n) {
  return {static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8), static_cast<char>(n)};
}

ClientFrame hello_frame() {
  ClientFrame f;
  Hello& h = *f.mutable_hello();
  h.set_protocol_version(VERSION_CURRENT);
  h.set_token("secret");
  h.set_learn(false);
  h.set_outputs_every(8);
  h.set_start_from("run-1.ckpt");
  h.set_client("unit test");
  return f;
}

ClientFrame channel_events(int n) {
  ClientFrame f;
  for (int i = 0; i < n; ++i) {
    f.mutable_events()->add_dt_us(static_cast<std::uint64_t>(i) * 10);
    f.mutable_events()->add_channel(static_cast<std::uint32_t>(i % 7));
  }
  return f;
}

ClientFrame pixel_events(int n) {
  ClientFrame f;
  Events& e = *f.mutable_events();
  for (int i = 0; i < n; ++i) {
    e.add_dt_us(1);
    e.add_x(static_cast<std::uint32_t>(i));
    e.add_y(static_cast<std::uint32_t>(2 * i));
    e.add_polarity(i % 2 == 0);
  }
  return f;
}

ClientFrame label_frame(std::uint64_t begin_us, std::uint64_t end_us) {
  ClientFrame f;
  f.mutable_label()->set_label(3);
  f.mutable_label()->set_begin_us(begin_us);
  f.mutable_label()->set_end_us(end_us);
  return f;
}

ClientFrame target_frame(std::uint64_t begin_us, std::uint64_t end_us, std::vector<double> values) {
  ClientFrame f;
  f.mutable_target()->set_begin_us(begin_us);
  f.mutable_target()->set_end_us(end_us);
  for (double v : values) f.mutable_target()->add_values(v);
  return f;
}

ClientFrame save_frame(const std::string& name) {
  ClientFrame f;
  f.mutable_save()->set_name(name);
  return f;
}

std::vector<ClientFrame> every_client_message() {
  ClientFrame advance, bye;
  advance.mutable_advance()->set_time_us(123456789);
  bye.mutable_bye();
  return {hello_frame(),
          channel_events(5),
          pixel_events(4),
          label_frame(10, 20),
          target_frame(0, 1000, {0.5, -1.25}),
          advance,
          save_frame("after_epoch.1"),
          bye};
}

ClientFrame decoded(const std::string& bytes) {
  StreamFrameDecoder d;
  d.feed(bytes);
  ClientFrame f;
  REQUIRE(d.next(f));
  CHECK(d.buffered() == 0);
  CHECK_FALSE(d.mid_frame());
  return f;
}

struct Failure {
  Error::Code code = Error::CODE_UNSPECIFIED;
  std::string text = "no error";
};

template <class F>
Failure failure_of(F&& f) {
  try {
    f();
  } catch (const StreamFrameError& e) {
    return {e.code(), e.what()};
  }
  return {};
}

Failure decode_failure(const std::string& bytes, std::uint32_t max = kDefaultMaxFrameBytes) {
  StreamFrameDecoder d(max);
  d.feed(bytes);
  return failure_of([&] {
    ClientFrame f;
    while (d.next(f)) {
    }
  });
}

Failure validate_failure(const ClientFrame& f) {
  return failure_of([&] { validate(f); });
}

void check_bad_request(const ClientFrame& f, const std::string& text) {
  const Failure e = validate_failure(f);
  CHECK(e.code == Error::BAD_REQUEST);
  CHECK(e.text == text);
}

}  // namespace

TEST_CASE("every client message survives the wire unchanged and validates", "[stream]") {
  for (const ClientFrame& original : every_client_message()) {
    const std::string bytes = encode_frame(original);
    REQUIRE(bytes.size() == 4 + original.ByteSizeLong());
    CHECK(bytes.substr(0, 4) == length_prefix(static_cast<std::uint32_t>(original.ByteSizeLong())));
    const ClientFrame back = decoded(bytes);
    CHECK(back.body_case() == original.body_case());
    CHECK(back.SerializeAsString() == original.SerializeAsString());
    CHECK_NOTHROW(validate(back));
  }
  const ClientFrame hello = decoded(encode_frame(hello_frame()));
  CHECK(hello.hello().has_learn());
  CHECK_FALSE(hello.hello().learn());
  CHECK(hello.hello().token() == "secret");
  CHECK(hello.hello().start_from() == "run-1.ckpt");
}

TEST_CASE("server frames survive the wire and a client decoder reads them", "[stream]") {
  ServerFrame welcome, error;
  welcome.mutable_welcome()->set_session("s-1");
  welcome.mutable_welcome()->set_resolution_ms(1.0);
  error.mutable_error()->set_code(Error::BAD_REQUEST);
  error.mutable_error()->set_text("time went back");
  StreamFrameDecoder d;
  d.feed(encode_frame(welcome) + encode_frame(error));
  ServerFrame f;
  REQUIRE(d.next(f));
  CHECK(f.welcome().session() == "s-1");
  CHECK_NOTHROW(validate(f));
  REQUIRE(d.next(f));
  CHECK(f.error().code() == Error::BAD_REQUEST);
  CHECK(f.error().text() == "time went back");
  CHECK_FALSE(d.next(f));

  const Failure empty = failure_of([] { validate(ServerFrame{}); });
  CHECK(empty.code == Error::BAD_REQUEST);
  CHECK(empty.text == "ServerFrame: no body set (or one this client does not know)");
}

TEST_CASE("frames fed byte by byte come out whole, with wanted() counting down", "[stream]") {
  std::string stream;
  const std::vector<ClientFrame> frames = every_client_message();
  for (const ClientFrame& f : frames) stream += encode_frame(f);

  StreamFrameDecoder d;
  std::vector<ClientFrame> out;
  CHECK(d.wanted() == 4);
  CHECK_FALSE(d.mid_frame());
  for (std::size_t i = 0; i < stream.size(); ++i) {
    const std::uint32_t wanted_before = d.wanted();
    REQUIRE(wanted_before > 0);
    d.feed(stream.substr(i, 1));
    ClientFrame f;
    if (d.next(f)) {
      CHECK(wanted_before == 1);  // the byte just fed completed it
      out.push_back(f);
      CHECK(d.buffered() == 0);
      CHECK_FALSE(d.mid_frame());
      CHECK(d.wanted() == 4);
    } else {
      CHECK(d.mid_frame());
      // Within the length, and within the body, each byte brings the frame one closer.
      if (d.buffered() != 4) CHECK(d.wanted() == wanted_before - 1);
    }
  }
  REQUIRE(out.size() == frames.size());
  for (std::size_t i = 0; i < frames.size(); ++i) CHECK(out[i].SerializeAsString() == frames[i].SerializeAsString());
}

TEST_CASE("a reader that reads exactly wanted() bytes buffers one frame at most", "[stream]") {
  std::string stream;
  for (int i = 0; i < 3; ++i) stream += encode_frame(channel_events(100 + i));
  StreamFrameDecoder d;
  std::size_t at = 0;
  int frames = 0;
  while (at < stream.size()) {
    const std::uint32_t n = d.wanted();
    REQUIRE(n > 0);
    d.feed(std::string_view(stream).substr(at, n));
    at += n;
    ClientFrame f;
    if (d.next(f)) {
      CHECK(f.events().dt_us_size() == 100 + frames);
      ++frames;
    }
    CHECK(d.buffered() <= 4 + channel_events(102).ByteSizeLong());
  }
  CHECK(frames == 3);
  CHECK(d.buffered() == 0);
}

TEST_CASE("a length above the limit is refused before its body arrives", "[stream]") {
  StreamFrameDecoder d(1000);
  d.feed(length_prefix(1001));  // only the length: no body is buffered or awaited
  CHECK(d.wanted() == 0);
  ClientFrame f;
  const Failure e = failure_of([&] { d.next(f); });
  CHECK(e.code == Error::BAD_FRAME);
  CHECK(e.text == "frame 1: length 1001 exceeds the limit of 1000");
  CHECK(d.failed());
  CHECK(d.buffered() == 0);
  CHECK_FALSE(d.mid_frame());
  // The decoder stays failed: later bytes, even a good frame, are dropped and the error repeats.
  d.feed(encode_frame(save_frame("x")));
  CHECK(d.buffered() == 0);
  CHECK(failure_of([&] { d.next(f); }).text == e.text);

  CHECK(decode_failure(length_prefix(0xffffffffu)).text == "frame 1: length 4294967295 exceeds the limit of 4194304");
  // The limit itself is allowed.
  StreamFrameDecoder at_limit(4);
  at_limit.feed(length_prefix(4));
  CHECK_FALSE(at_limit.next(f));
  CHECK(at_limit.wanted() == 4);
}

TEST_CASE("a frame of length 0 is refused: a frame always carries a body", "[stream]") {
  const Failure e = decode_failure(encode_frame(save_frame("a")) + length_prefix(0));
  CHECK(e.code == Error::BAD_FRAME);
  CHECK(e.text == "frame 2: length 0 (a frame always carries a body)");
  CHECK(failure_of([] { encode_frame(ClientFrame{}); }).code == Error::BAD_FRAME);
}

TEST_CASE("a body that is not a ClientFrame is BAD_FRAME, counted from 1", "[stream]") {
  const Failure first = decode_failure(length_prefix(3) + "\xff\xff\xff");
  CHECK(first.code == Error::BAD_FRAME);
  CHECK(first.text == "frame 1: not a ClientFrame message");
  // A field whose length runs past the body's end (Save of 16 bytes in a 3-byte body).
  const Failure third =
      decode_failure(encode_frame(hello_frame()) + encode_frame(save_frame("b")) + length_prefix(3) + "\x32\x10\x0a");
  CHECK(third.text == "frame 3: not a ClientFrame message");
  StreamFrameDecoder d;
  d.feed(length_prefix(1) + "\x80");  // a varint tag that never ends
  ServerFrame f;
  CHECK(failure_of([&] { d.next(f); }).text == "frame 1: not a ServerFrame message");
}

TEST_CASE("a truncated stream leaves the decoder mid-frame", "[stream]") {
  const std::string frame = encode_frame(hello_frame());
  StreamFrameDecoder d;
  ClientFrame f;
  d.feed(frame.substr(0, 2));  // half the length
  CHECK_FALSE(d.next(f));
  CHECK(d.mid_frame());
  CHECK(d.wanted() == 2);
  d.feed(frame.substr(2, frame.size() - 3));  // all but the last byte
  CHECK_FALSE(d.next(f));
  CHECK(d.mid_frame());
  CHECK(d.wanted() == 1);
  CHECK(d.buffered() == frame.size() - 1);
  d.feed(frame.substr(frame.size() - 1));
  CHECK(d.wanted() == 0);
  CHECK_FALSE(d.mid_frame());  // complete, just not taken yet
  REQUIRE(d.next(f));
  CHECK(f.hello().client() == "unit test");
}

TEST_CASE("encode_frame refuses a message above the limit", "[stream]") {
  const ClientFrame big = channel_events(1000);
  const Failure e = failure_of([&] { encode_frame(big, 100); });
  CHECK(e.code == Error::BAD_FRAME);
  CHECK(e.text == "a frame of " + std::to_string(big.ByteSizeLong()) + " bytes exceeds the limit of 100");
  CHECK_THROWS_AS(StreamFrameDecoder(0), std::invalid_argument);
  CHECK_THROWS_AS(StreamFrameDecoder(0x80000000u), std::invalid_argument);
}

TEST_CASE("validate: a frame without a body", "[stream]") {
  check_bad_request(ClientFrame{}, "ClientFrame: no body set (or one this server does not know)");
}

TEST_CASE("validate: Hello's token, client and start_from", "[stream]") {
  ClientFrame f = hello_frame();
  f.mutable_hello()->set_token(std::string(kMaxTokenBytes, 't'));
  f.mutable_hello()->set_client(std::string(kMaxClientNameBytes, 'c'));
  CHECK_NOTHROW(validate(f));
  f.mutable_hello()->set_start_from("");  // the server's own network
  CHECK_NOTHROW(validate(f));

  f.mutable_hello()->set_token(std::string(kMaxTokenBytes + 1, 't'));
  check_bad_request(f, "Hello: token of 4097 bytes, the limit is 4096");
  f.mutable_hello()->clear_token();
  f.mutable_hello()->set_client(std::string(kMaxClientNameBytes + 1, 'c'));
  check_bad_request(f, "Hello: client of 257 bytes, the limit is 256");
  f.mutable_hello()->clear_client();
  f.mutable_hello()->set_start_from("../etc/passwd");
  check_bad_request(f, "Hello: start_from \"../etc/passwd\" is not a valid checkpoint name");
  f.mutable_hello()->set_start_from("a\nb");
  check_bad_request(f, "Hello: start_from \"a\\x0ab\" is not a valid checkpoint name");
}

TEST_CASE("validate: Events sizes", "[stream]") {
  ClientFrame empty;
  empty.mutable_events();  // set, but with no events
  check_bad_request(empty, "Events: no events (dt_us is empty)");
  CHECK_NOTHROW(validate(channel_events(1)));

  ClientFrame f = channel_events(4);
  f.mutable_events()->mutable_channel()->RemoveLast();
  check_bad_request(f, "Events: channel has 3 entries for 4 events");
  f.mutable_events()->add_channel(1);
  f.mutable_events()->add_channel(2);
  check_bad_request(f, "Events: channel has 5 entries for 4 events");

  f = pixel_events(4);
  f.mutable_events()->mutable_x()->RemoveLast();
  check_bad_request(f, "Events: x has 3 entries for 4 events");
  f = pixel_events(4);
  f.mutable_events()->add_y(9);
  check_bad_request(f, "Events: y has 5 entries for 4 events");
  f = pixel_events(4);
  f.mutable_events()->clear_polarity();
  check_bad_request(f, "Events: polarity has 0 entries for 4 events");

  f = pixel_events(2);
  f.mutable_events()->add_channel(0);
  f.mutable_events()->add_channel(1);
  check_bad_request(f, "Events: both channel and x/y/polarity are set");
  f.mutable_events()->clear_x();
  f.mutable_events()->clear_y();
  f.mutable_events()->clear_polarity();
  CHECK_NOTHROW(validate(f));
  f.mutable_events()->clear_channel();
  check_bad_request(f, "Events: neither channel nor x/y/polarity is set");
}

TEST_CASE("validate: at most kMaxEventsPerFrame events", "[stream]") {
  ClientFrame f;
  Events& e = *f.mutable_events();
  e.mutable_dt_us()->Resize(static_cast<int>(kMaxEventsPerFrame), 0);
  e.mutable_channel()->Resize(static_cast<int>(kMaxEventsPerFrame), 0);
  CHECK_NOTHROW(validate(f));
  e.add_dt_us(0);
  e.add_channel(0);
  check_bad_request(f, "Events: 1048577 events, the limit is 1048576");
}

TEST_CASE("validate: Label and Target intervals, Target values", "[stream]") {
  CHECK_NOTHROW(validate(label_frame(0, 1)));
  check_bad_request(label_frame(5, 5), "Label: end_us 5 is not after begin_us 5");
  check_bad_request(label_frame(7, 3), "Label: end_us 3 is not after begin_us 7");
  check_bad_request(target_frame(9, 9, {1.0}), "Target: end_us 9 is not after begin_us 9");
  check_bad_request(target_frame(0, 9, {}), "Target: no values");
  check_bad_request(target_frame(0, 9, {1.0, std::nan("")}), "Target: values[1] is nan, not finite");
  check_bad_request(target_frame(0, 9, {-std::numeric_limits<double>::infinity()}),
                    "Target: values[0] is -inf, not finite");
}

TEST_CASE("validate: Save's name; valid_name", "[stream]") {
  CHECK_NOTHROW(validate(save_frame("epoch-3_best.v2")));
  check_bad_request(save_frame(""), "Save: name \"\" is not valid (1-64 of A-Z a-z 0-9 . _ -, not starting with '.')");
  check_bad_request(save_frame("a/b"),
                    "Save: name \"a/b\" is not valid (1-64 of A-Z a-z 0-9 . _ -, not starting with '.')");
  // A long name is shown cut to 64 characters.
  check_bad_request(save_frame(std::string(65, 'n')), "Save: name \"" + std::string(64, 'n') +
                                                          "\"… is not valid (1-64 of A-Z a-z 0-9 . _ -, not "
                                                          "starting with '.')");

  CHECK(valid_name("a"));
  CHECK(valid_name(std::string(kMaxNameBytes, 'z')));
  CHECK(valid_name("A-Z_a.z09"));
  CHECK(valid_name("a.."));
  CHECK_FALSE(valid_name(""));
  CHECK_FALSE(valid_name(std::string(kMaxNameBytes + 1, 'z')));
  CHECK_FALSE(valid_name("."));
  CHECK_FALSE(valid_name(".."));
  CHECK_FALSE(valid_name(".hidden"));
  CHECK_FALSE(valid_name("a b"));
  CHECK_FALSE(valid_name("a/b"));
  CHECK_FALSE(valid_name("a\\b"));
  CHECK_FALSE(valid_name(std::string("a\0b", 3)));
  CHECK_FALSE(valid_name("na\xc3\xafve"));
}

TEST_CASE("add_time refuses to wrap 64 bits", "[stream]") {
  const std::uint64_t top = std::numeric_limits<std::uint64_t>::max();
  CHECK(add_time(0, 0) == 0);
  CHECK(add_time(10, 5) == 15);
  CHECK(add_time(top - 5, 5) == top);
  const Failure e = failure_of([&] { add_time(top - 5, 6); });
  CHECK(e.code == Error::BAD_REQUEST);
  CHECK(e.text == "event time overflows 64 bits");
  CHECK(failure_of([&] { add_time(top, top); }).text == "event time overflows 64 bits");
}
