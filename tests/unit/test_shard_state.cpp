// Checkpoints of shards (runtime/checkpoint/, docs/architecture.md §7): a run interrupted after any slice,
// saved, thrown away and resumed in a freshly built network gives the uninterrupted run's weights,
// readout signals, losses and counters bit for bit; a restored network saves the bytes it was loaded
// from; and a damaged or foreign checkpoint is refused with a message that names the problem.
#include <algorithm>
#include <bit>
#include <catch2/catch.hpp>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "runtime/archive/history_archive.hpp"
#include "runtime/checkpoint/network_checkpoint.hpp"
#include "runtime/checkpoint/shard_checkpoint.hpp"
#include "runtime/checkpoint/state_stream.hpp"
#include "runtime/losses/cross_entropy_loss.hpp"
#include "runtime/network/benchmark_network.hpp"
#include "runtime/network/network_builder.hpp"
#include "runtime/network/sequential_driver.hpp"
#include "runtime/network/weights_digest.hpp"
#include "runtime/synapses/eprop_synapses.hpp"
#include "runtime/verification/reference_case.hpp"
#include "tests/support/error_text.hpp"

namespace {

using eligo::BuiltNetwork;
using eligo::PartitionOptions;
using eligo::SequentialDriver;
using eligo::StateError;
using eligo::StateReader;
using eligo::StateWriter;
using eligo::Step;
using Blobs = std::vector<std::string>;

// ---------------------------------------------------------------------------------------------------
// Runs, interrupted or not

// A network, how long it runs and how it is split; NEST cases also say where their loss is read.
struct Scenario {
  eligo::NetworkDescription net;
  Step n_steps = 0;
  PartitionOptions partition;
  std::optional<eligo::LossWindow> loss;
};

// What a run produced: final weights, the readouts' errors and signals of every step, counters.
struct RunRecord {
  std::string digest;
  std::vector<double> eps, readout_signal, target_signal;  // step-major, every step of the run
  std::vector<eligo::ShardCounters> counters;              // parallel to the shards
};

void record(RunRecord& r, const eligo::SliceOutput& readout) {
  r.eps.insert(r.eps.end(), readout.errors.eps.begin(), readout.errors.eps.end());
  r.readout_signal.insert(r.readout_signal.end(), readout.readout_signal.begin(), readout.readout_signal.end());
  r.target_signal.insert(r.target_signal.end(), readout.target_signal.begin(), readout.target_signal.end());
}

void finish(RunRecord& r, const BuiltNetwork& network) {
  r.digest = eligo::weights_digest(network);
  for (const auto& shard : network.shards) r.counters.push_back(shard->counters());
}

// Per-iteration losses as case_runner computes them (docs/numerics.md §15).
std::vector<double> losses(const Scenario& s, const RunRecord& r) {
  if (!s.loss) return {};
  eligo::RecordedSignals signals;
  signals.n_out = s.net.n_out;
  const auto rows = [&](const std::vector<double>& v) {
    return std::vector<double>(v.begin() + s.loss->first_step * s.net.n_out,
                               v.begin() + (s.loss->last_step + 1) * s.net.n_out);
  };
  signals.readout_signal = rows(r.readout_signal);
  signals.target_signal = rows(r.target_signal);
  return eligo::sequence_loss(signals, s.loss->n_iter, s.loss->group_size, s.loss->sequence, s.loss->function,
                              s.loss->in_sequence_first, s.loss->in_sequence_last);
}

// Runs the whole scenario, saving a checkpoint after every slice in `save_after` along the way.
RunRecord run_whole(const Scenario& s, const std::set<Step>& save_after, std::map<Step, Blobs>& saved) {
  BuiltNetwork network = eligo::build_network(s.net, s.partition);
  SequentialDriver driver(network, s.n_steps);
  RunRecord r;
  if (save_after.contains(-1)) saved[-1] = eligo::save_network_checkpoint(network, driver);
  while (driver.step()) {
    record(r, driver.readout_output());
    if (save_after.contains(driver.next_slice() - 1)) {
      saved[driver.next_slice() - 1] = eligo::save_network_checkpoint(network, driver);
    }
  }
  finish(r, network);
  return r;
}

struct Interrupted {
  Blobs blobs;
  RunRecord before;    // the readout signals up to the checkpoint
  std::string digest;  // of the weights as the network showed them when it was saved
};

// Runs up to and including slice `last` (−1: none), saves every shard, and destroys the network.
Interrupted run_until(const Scenario& s, Step last) {
  BuiltNetwork network = eligo::build_network(s.net, s.partition);
  SequentialDriver driver(network, s.n_steps);
  Interrupted out;
  while (driver.next_slice() <= last && driver.step()) record(out.before, driver.readout_output());
  out.blobs = eligo::save_network_checkpoint(network, driver);
  out.digest = eligo::weights_digest(network);
  return out;
}

// Builds the scenario afresh, loads the checkpoint and runs to the end. `resaved`: the checkpoint the
// restored network writes before it takes a step.
RunRecord resume(const Scenario& s, const Interrupted& from, Blobs& resaved) {
  BuiltNetwork network = eligo::build_network(s.net, s.partition);
  SequentialDriver driver = eligo::resume_network(network, s.n_steps, from.blobs);
  // The weights a restored network shows are those it showed when saved, including those NEST would
  // still show for sources integrated ahead of their next event.
  CHECK(eligo::weights_digest(network) == from.digest);
  resaved = eligo::save_network_checkpoint(network, driver);
  RunRecord r = from.before;
  while (driver.step()) record(r, driver.readout_output());
  finish(r, network);
  return r;
}

// Equal to the last bit (== would let −0.0 pass for 0.0).
bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

bool same_counters(const eligo::ShardCounters& a, const eligo::ShardCounters& b) {
  return a.spikes_emitted == b.spikes_emitted && a.flushes_emitted == b.flushes_emitted &&
         a.synaptic_events == b.synaptic_events && a.history_entries == b.history_entries &&
         a.history_entries_max == b.history_entries_max && a.synapse_bytes == b.synapse_bytes;
}

// The property of this file: interrupted after any of `slices`, saved, destroyed, rebuilt, loaded and
// resumed, the run is the uninterrupted one.
void require_resumes_exactly(const Scenario& s, const std::vector<Step>& slices) {
  std::map<Step, Blobs> saved_on_the_way;
  const RunRecord whole = run_whole(s, {slices.begin(), slices.end()}, saved_on_the_way);
  const std::vector<double> whole_loss = losses(s, whole);
  std::uint64_t spikes = 0, flushes = 0;
  for (const auto& c : whole.counters) spikes += c.spikes_emitted, flushes += c.flushes_emitted;
  REQUIRE(spikes > 0);  // an active network, so equal weights say something
  for (const Step slice : slices) {
    INFO("checkpoint after slice " << slice);
    const Interrupted interrupted = run_until(s, slice);
    // Saving is read-only: the run that saved on its way wrote the same bytes and finished the same.
    CHECK(interrupted.blobs == saved_on_the_way.at(slice));
    Blobs resaved;
    const RunRecord resumed = resume(s, interrupted, resaved);
    CHECK(resaved == interrupted.blobs);
    CHECK(resumed.digest == whole.digest);
    CHECK(same_bits(resumed.eps, whole.eps));
    CHECK(same_bits(resumed.readout_signal, whole.readout_signal));
    CHECK(same_bits(resumed.target_signal, whole.target_signal));
    CHECK(same_bits(losses(s, resumed), whole_loss));
    REQUIRE(resumed.counters.size() == whole.counters.size());
    for (std::size_t i = 0; i < whole.counters.size(); ++i) {
      INFO("shard " << i);
      CHECK(same_counters(resumed.counters[i], whole.counters[i]));
    }
  }
}

Step slices_of(const Scenario& s) { return eligo::SliceClock{s.net.min_delay(), s.n_steps}.slices(); }

Scenario nest_case(const std::string& file, std::uint32_t input_shards, std::uint32_t recurrent_shards) {
  const eligo::ReferenceCase c = eligo::load_reference_case(std::string(ELIGO_TEST_DATA_DIR) + "/nest/" + file);
  Scenario s{c.network, c.n_steps, {}, c.loss};
  s.partition.input_shards = input_shards;
  s.partition.recurrent_shards = recurrent_shards;
  return s;
}

// The standard benchmark network with delays of several steps: slices of 2 steps, spikes waiting 2–3
// slices in their targets' queues, errors waiting in the recurrent shards for the feedback delay. Its
// input relays send flush events too (no loader sets that, but the shards support it).
Scenario benchmark_with_delays(std::uint32_t n_rec, std::uint32_t indegree, std::int64_t sequence) {
  eligo::BenchmarkParams p;
  p.n_rec = n_rec;
  p.indegree = indegree;
  p.sequence = sequence;
  eligo::BenchmarkNetwork b = eligo::make_benchmark_network(p);
  b.network.input.flush_event_send_interval = 150.0;
  b.network.in_rec_delay = 4;
  b.network.rec_rec_delay = 5;
  b.network.rec_out_delay = 2;
  b.network.feedback_delay = 3;
  Scenario s{b.network, b.timing.n_steps, {}, std::nullopt};
  s.partition.input_shards = 2;
  s.partition.recurrent_shards = 4;
  return s;
}

// S = 0, one in the middle and the last slice but one.
std::vector<Step> checkpoints_of(const Scenario& s) {
  const Step n = slices_of(s);
  return {0, n / 2 + 1, n - 2};
}

// ---------------------------------------------------------------------------------------------------
// The state stream

StateReader reader_of(const std::string& bytes) { return StateReader(bytes, "test state"); }

template <class F>
std::string error_of(F&& f) {
  return eligo::test::error_text<StateError>(std::forward<F>(f));
}

}  // namespace

TEST_CASE("the state stream reads back every value it wrote to the bit", "[checkpoint]") {
  StateWriter w;
  w.section("numbers");
  w.u8(0xAB);
  w.u32(0xDEADBEEF);
  w.u64(std::numeric_limits<std::uint64_t>::max());
  w.i64(std::numeric_limits<std::int64_t>::min());
  w.f64(-0.0);
  w.f64(std::numeric_limits<double>::denorm_min());
  w.f64(std::bit_cast<double>(std::uint64_t{0x7FF8DEADBEEF0001}));  // a NaN with a payload
  w.boolean(true);
  w.string("e-prop");
  w.vector(std::vector<double>{1.5, -2.25, 1e-300});
  w.vector(std::vector<std::int64_t>{-1, 0, 1});
  w.vector(std::vector<std::uint8_t>{});
  const std::string bytes = w.take();

  StateReader r = reader_of(bytes);
  r.section("numbers");
  CHECK(r.u8("a") == 0xAB);
  CHECK(r.u32("b") == 0xDEADBEEF);
  CHECK(r.u64("c") == std::numeric_limits<std::uint64_t>::max());
  CHECK(r.i64("d") == std::numeric_limits<std::int64_t>::min());
  CHECK(std::bit_cast<std::uint64_t>(r.f64("e")) == std::bit_cast<std::uint64_t>(-0.0));
  CHECK(r.f64("f") == std::numeric_limits<double>::denorm_min());
  CHECK(std::bit_cast<std::uint64_t>(r.f64("g")) == 0x7FF8DEADBEEF0001);
  CHECK(r.boolean("h"));
  CHECK(r.string("i") == "e-prop");
  CHECK(r.vector<double>("j", 3) == std::vector<double>{1.5, -2.25, 1e-300});
  CHECK(r.vector_of_size<std::int64_t>("k", 3) == std::vector<std::int64_t>{-1, 0, 1});
  CHECK(r.vector<std::uint8_t>("l", 0).empty());
  CHECK_NOTHROW(r.expect_end());
}

TEST_CASE("the state stream writes integers little-endian whatever the machine", "[checkpoint]") {
  StateWriter w;
  w.u32(0x01020304);
  w.f64(1.0);  // 0x3FF0000000000000
  CHECK(w.data() == std::string("\x04\x03\x02\x01\x00\x00\x00\x00\x00\x00\xF0\x3F", 12));
}

TEST_CASE("the state stream refuses bad input with an error naming the section and field", "[checkpoint]") {
  SECTION("a read past the end") {
    StateWriter w;
    w.section("neurons");
    w.u32(7);
    const std::string bytes = w.take();
    StateReader r = reader_of(bytes);
    r.section("neurons");
    const std::string what = error_of([&] { r.u64("v"); });
    CHECK(what.find("section 'neurons', field 'v'") != std::string::npos);
    CHECK(what.find("needs 8 bytes but only 4 are left") != std::string::npos);
  }
  SECTION("a wrong section tag") {
    StateWriter w;
    w.section("history_archive");
    const std::string bytes = w.take();
    StateReader r = reader_of(bytes);
    CHECK(error_of([&] {
            r.section("eprop_synapses");
          }).find("expected section 'eprop_synapses' but found 'history_archive'") != std::string::npos);
  }
  SECTION("a vector longer than the bytes left: refused before anything is allocated") {
    StateWriter w;
    w.u64(std::uint64_t{1} << 60);
    w.f64(1.0);
    const std::string bytes = w.take();
    StateReader r = reader_of(bytes);
    const std::string what = error_of([&] { r.vector<double>("w", std::numeric_limits<std::size_t>::max()); });
    CHECK(what.find("field 'w'") != std::string::npos);
    CHECK(what.find("only 8 bytes are left") != std::string::npos);
  }
  SECTION("a vector longer than its bound") {
    StateWriter w;
    w.vector(std::vector<double>(5, 0.0));
    const std::string bytes = w.take();
    StateReader r = reader_of(bytes);
    CHECK(error_of([&] { r.vector<double>("eps", 4); }).find("more than the 4 allowed") != std::string::npos);
  }
  SECTION("an array of another size than the shard's") {
    StateWriter w;
    w.vector(std::vector<double>(250, 0.0));
    const std::string bytes = w.take();
    StateReader r = reader_of(bytes);
    CHECK(error_of([&] {
            r.vector_of_size<double>("v", 200);
          }).find("field 'v': has 250 values where this shard has 200") != std::string::npos);
  }
  SECTION("a string whose length runs past the end") {
    StateWriter w;
    w.u64(1000);
    w.bytes("abc");
    const std::string bytes = w.take();
    StateReader r = reader_of(bytes);
    CHECK(error_of([&] { r.string("name"); }).find("field 'name'") != std::string::npos);
  }
  SECTION("a boolean that is neither 0 nor 1") {
    StateWriter w;
    w.u8(2);
    const std::string bytes = w.take();
    StateReader r = reader_of(bytes);
    CHECK(error_of([&] { r.boolean("prev_flush"); }).find("not a boolean") != std::string::npos);
  }
  SECTION("trailing bytes") {
    StateWriter w;
    w.u32(1);
    w.u8(0);
    const std::string bytes = w.take();
    StateReader r = reader_of(bytes);
    r.u32("x");
    CHECK(error_of([&] { r.expect_end(); }).find("1 trailing bytes") != std::string::npos);
  }
}

// ---------------------------------------------------------------------------------------------------
// Resumed runs equal uninterrupted ones

TEST_CASE("a NEST case with Adam resumes from any slice to the same weights and losses", "[checkpoint]") {
  const Scenario s = nest_case("regression_eprop_iaf_adam.json", 1, 1);
  std::vector<Step> slices = checkpoints_of(s);
  slices.push_back(-1);  // before the first slice
  slices.push_back(slices_of(s) / 3);
  slices.push_back(99);  // just before a flush (flush interval = cutoff = 100 steps)
  require_resumes_exactly(s, slices);
}

TEST_CASE("an adaptive NEST case that keeps its whole history resumes exactly", "[checkpoint]") {
  Scenario s = nest_case("regression_eprop_iaf_adapt_gradient_descent.json", 1, 2);
  s.partition.history = eligo::HistoryPolicy::keep_all;
  require_resumes_exactly(s, checkpoints_of(s));
}

TEST_CASE("a NEST case with Adam in batches of 2 with a cutoff of 20 steps and flushes resumes exactly",
          "[checkpoint]") {
  const Scenario s = nest_case("nest_sparse_adam_refractory_seed1.json", 2, 3);
  std::vector<Step> slices = checkpoints_of(s);
  slices.push_back(1003);  // a few steps after the first flushes of silent neurons (interval 1000)
  require_resumes_exactly(s, slices);
}

TEST_CASE("an adaptive NEST case with three readouts split into many shards resumes exactly", "[checkpoint]") {
  const Scenario s = nest_case("nest_adapt_multiout_seed1.json", 3, 7);
  REQUIRE(s.net.n_out == 3);
  require_resumes_exactly(s, checkpoints_of(s));
}

TEST_CASE("a psc_delta NEST case with refractory input resumes exactly", "[checkpoint]") {
  const Scenario s = nest_case("nest_psc_delta_refr_seed1.json", 1, 3);
  require_resumes_exactly(s, checkpoints_of(s));
}

// The bsshslm_2020 variant (docs/numerics.md §16): checkpoints in the middle of an update interval, where synapses
// hold their inter-spike intervals and the optimizer's pending state, and right at a boundary.
TEST_CASE("a bsshslm case with two cross-entropy readouts resumes mid-interval exactly", "[checkpoint][bsshslm]") {
  const Scenario s = nest_case("nest_bsshslm_classification_cross_entropy_seed1.json", 2, 3);
  std::vector<Step> slices = checkpoints_of(s);
  slices.push_back(1125);         // the middle of the first interval (T = 2250)
  slices.push_back(2252);         // the first step of the second interval, before its first update
  slices.push_back(4500 + 2200);  // inside the third interval's learning window
  require_resumes_exactly(s, slices);
}

TEST_CASE("a bsshslm case with batches of two intervals and flushes resumes exactly", "[checkpoint][bsshslm]") {
  const Scenario s = nest_case("nest_bsshslm_sparse_batch2_seed1.json", 1, 4);
  std::vector<Step> slices = checkpoints_of(s);
  slices.push_back(750);  // between the two intervals of the first batch
  require_resumes_exactly(s, slices);
}

TEST_CASE("a NEST case with one optimizer step per spike resumes exactly", "[checkpoint]") {
  const Scenario s = nest_case("nest_sparse_sine_gd_perspike_seed1.json", 1, 4);
  require_resumes_exactly(s, checkpoints_of(s));
}

TEST_CASE("the 1000-neuron benchmark network with delays of several steps resumes exactly", "[checkpoint]") {
  const Scenario s = benchmark_with_delays(1000, 100, 1000);
  REQUIRE(slices_of(s) == 503);  // 1005 steps in slices of 2, the last one short
  std::vector<Step> slices = checkpoints_of(s);
  slices.push_back(137);
  require_resumes_exactly(s, slices);
}

TEST_CASE("a network interrupted and resumed twice still ends as the uninterrupted one", "[checkpoint]") {
  const Scenario s = benchmark_with_delays(120, 12, 300);
  std::map<Step, Blobs> none;
  const RunRecord whole = run_whole(s, {}, none);
  Interrupted first = run_until(s, 40);
  // Resume, run to slice 100, save again, and resume that.
  Interrupted second;
  {
    BuiltNetwork network = eligo::build_network(s.net, s.partition);
    SequentialDriver driver = eligo::resume_network(network, s.n_steps, first.blobs);
    second.before = first.before;
    while (driver.next_slice() <= 100 && driver.step()) record(second.before, driver.readout_output());
    second.blobs = eligo::save_network_checkpoint(network, driver);
    second.digest = eligo::weights_digest(network);
  }
  Blobs resaved;
  const RunRecord resumed = resume(s, second, resaved);
  CHECK(resumed.digest == whole.digest);
  CHECK(same_bits(resumed.eps, whole.eps));
}

TEST_CASE("a checkpoint after the last slice resumes to a run with nothing left to do", "[checkpoint]") {
  const Scenario s = benchmark_with_delays(60, 6, 100);
  const Step last = slices_of(s) - 1;
  std::map<Step, Blobs> saved;
  const RunRecord whole = run_whole(s, {last}, saved);
  BuiltNetwork network = eligo::build_network(s.net, s.partition);
  SequentialDriver driver = eligo::resume_network(network, s.n_steps, saved.at(last));
  CHECK_FALSE(driver.step());
  CHECK(eligo::weights_digest(network) == whole.digest);
}

// ---------------------------------------------------------------------------------------------------
// Damaged and foreign checkpoints

namespace {

// A small network with every kind of shard and state in flight.
Scenario small_network() { return benchmark_with_delays(50, 5, 200); }

Scenario small_network_split(std::uint32_t recurrent_shards) {
  Scenario s = small_network();
  s.partition.recurrent_shards = recurrent_shards;
  return s;
}

// The message of the StateError that loading `blobs` into a fresh build of `s` throws.
std::string resume_error(const Scenario& s, const Blobs& blobs) {
  BuiltNetwork network = eligo::build_network(s.net, s.partition);
  return error_of([&] { eligo::resume_network(network, s.n_steps, blobs); });
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("a truncated checkpoint blob is refused wherever it is cut", "[checkpoint]") {
  const Scenario s = small_network();
  const Blobs blobs = run_until(s, 60).blobs;
  for (std::size_t shard = 0; shard < blobs.size(); ++shard) {
    const std::string& blob = blobs[shard];
    for (const std::size_t cut :
         {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{19}, std::size_t{20}, std::size_t{21},
          blob.size() / 3, blob.size() / 2, blob.size() - 9, blob.size() - 1}) {
      INFO("shard " << shard << " cut to " << cut << " of " << blob.size() << " bytes");
      Blobs damaged = blobs;
      damaged[shard] = blob.substr(0, cut);
      const std::string what = resume_error(s, damaged);
      CHECK(contains(what, "shard checkpoint blob"));
      CHECK((contains(what, "truncated") || contains(what, "header")));
    }
  }
}

TEST_CASE("a checkpoint blob with a flipped magic or version or a flipped bit is refused", "[checkpoint]") {
  const Scenario s = small_network();
  const Blobs blobs = run_until(s, 60).blobs;
  SECTION("magic") {
    Blobs damaged = blobs;
    damaged[1][0] = 'X';
    const std::string what = resume_error(s, damaged);
    CHECK(contains(what, "field 'magic': is 'XLIGOSHD', not 'ELIGOSHD': this is not a shard checkpoint"));
  }
  SECTION("version") {
    Blobs damaged = blobs;
    damaged[1][8] = 9;
    CHECK(contains(resume_error(s, damaged), "field 'format version': is 9; this build reads version 1"));
  }
  SECTION("a bit anywhere in the payload") {
    for (std::size_t shard = 0; shard < blobs.size(); ++shard) {
      for (const std::size_t at : {std::size_t{20}, blobs[shard].size() / 2, blobs[shard].size() - 9}) {
        INFO("shard " << shard << " byte " << at);
        Blobs damaged = blobs;
        damaged[shard][at] = static_cast<char>(damaged[shard][at] ^ 0x10);
        CHECK(contains(resume_error(s, damaged), "checksum"));
      }
    }
  }
  SECTION("bytes appended") {
    Blobs damaged = blobs;
    damaged[0] += "extra";
    CHECK(contains(resume_error(s, damaged), "truncated or extended"));
  }
}

TEST_CASE("a payload cut short anywhere is refused by the field it ends in without a crash", "[checkpoint]") {
  // Past the envelope: a payload truncated and sealed again, so that every read's own bound check is hit.
  const Scenario s = small_network();
  const Blobs blobs = run_until(s, 60).blobs;
  BuiltNetwork network = eligo::build_network(s.net, s.partition);
  for (std::size_t shard = 0; shard < blobs.size(); ++shard) {
    const std::string payload(eligo::unseal_checkpoint(blobs[shard]));
    const std::size_t stride = std::max<std::size_t>(1, payload.size() / 400);
    for (std::size_t cut = 0; cut < payload.size(); cut += (cut < 200 ? 1 : stride)) {
      INFO("shard " << shard << " payload cut to " << cut << " of " << payload.size() << " bytes");
      const std::string what = error_of([&] {
        eligo::load_shard_checkpoint(*network.shards[shard], eligo::seal_checkpoint(payload.substr(0, cut)));
      });
      CHECK(contains(what, "checkpoint loaded into shard " + std::to_string(shard)));
      CHECK((contains(what, "left") || contains(what, "truncated")));
    }
    const std::string what = error_of(
        [&] { eligo::load_shard_checkpoint(*network.shards[shard], eligo::seal_checkpoint(payload + "xyz")); });
    CHECK(contains(what, "3 trailing bytes"));
  }
}

TEST_CASE("a checkpoint of another shard or another partition is refused with the difference", "[checkpoint]") {
  const Scenario two = small_network_split(2);
  const Blobs blobs = run_until(two, 30).blobs;  // input 0, input 1, recurrent 2, recurrent 3, readout 4
  SECTION("shards swapped") {
    Blobs swapped = blobs;
    std::swap(swapped[2], swapped[3]);
    CHECK(contains(resume_error(two, swapped), "the checkpoint is of shard 3, loaded into shard 2"));
  }
  SECTION("another number of shards") {
    CHECK(contains(resume_error(small_network_split(3), blobs), "the checkpoint holds 5 shards, this network has 6"));
  }
  SECTION("another split of the same number of shards") {
    Scenario other = small_network_split(2);
    other.partition.input_shards = 1;
    other.partition.recurrent_shards = 3;  // input 0, recurrent 1–3, readout 4
    CHECK(contains(resume_error(other, blobs), "checkpoint shard 0 has 50 neurons, this network's shard 0 has 100"));
  }
  SECTION("a shard of another role") {
    Scenario other = small_network_split(1);
    other.partition.input_shards = 3;  // input 0–2, recurrent 3, readout 4
    BuiltNetwork network = eligo::build_network(other.net, other.partition);
    const std::string what = error_of([&] { eligo::load_shard_checkpoint(*network.shards[2], blobs[2]); });
    CHECK(contains(what, "checkpoint shard 2 is a recurrent shard, this network's shard 2 is an input shard"));
  }
  SECTION("the same shard sizes cut elsewhere") {
    BuiltNetwork three = eligo::build_network(small_network_split(3).net, small_network_split(3).partition);
    // Recurrent shard 2 of the 2-way split has 25 neurons, of the 3-way split 17.
    const std::string what = error_of([&] { eligo::load_shard_checkpoint(*three.shards[2], blobs[2]); });
    CHECK(contains(what, "checkpoint shard 2 has 25 neurons, this network's shard 2 has 17"));
  }
  SECTION("another seed") {
    Scenario reseeded = two;
    reseeded.net.seed += 1;  // other recurrent connections, still 5 per neuron
    CHECK(contains(resume_error(reseeded, blobs),
                   "checkpoint loaded into shard 2, section 'eprop_synapses', field 'sources': checkpoint has "
                   "synapses from 144 sources, this shard from 146"));
  }
  SECTION("other delays, hence another slice length") {
    Scenario slower = two;
    slower.net.in_rec_delay = 8;
    slower.net.rec_rec_delay = 10;
    slower.net.rec_out_delay = 4;
    slower.net.feedback_delay = 6;
    CHECK(contains(resume_error(slower, blobs), "another slice length"));
  }
  SECTION("blobs taken after different slices") {
    Blobs mixed = blobs;
    mixed[4] = run_until(two, 31).blobs[4];
    CHECK(contains(resume_error(two, mixed),
                   "checkpoint of shard 4 was taken after slice 31, that of shard 0 after slice 30"));
  }
}

TEST_CASE("synapses with the same counts but other connections are refused by their fingerprint", "[checkpoint]") {
  const eligo::OptimizerParams optimizer;
  eligo::EpropSynapses saved(optimizer, /*traces=*/true, /*adaptive=*/false, 4);
  eligo::EpropSynapses other(optimizer, /*traces=*/true, /*adaptive=*/false, 4);
  saved.add(1, 0, 0.5);
  saved.add(1, 1, 0.25);
  other.add(1, 1, 0.5);  // the same source and targets, in another connection order
  other.add(1, 0, 0.25);
  saved.finalize();
  other.finalize();
  StateWriter w;
  saved.save_state(w);
  const std::string bytes = w.take();
  StateReader r(bytes, "test state");
  CHECK(contains(error_of([&] { other.load_state(r); }), "field 'structure fingerprint'"));
  CHECK(other.weights(0)[0] == 0.5);  // unchanged
}

TEST_CASE("a restored history archive holds the same steps and keeps growing from them", "[checkpoint]") {
  eligo::HistoryArchive a(3, 2);
  for (Step t = 5; t < 45; ++t) {
    a.append(t);
    for (std::size_t j = 0; j < 3; ++j) a.at(1, j, a.slot(t)) = static_cast<double>(t * 10 + static_cast<Step>(j));
  }
  a.erase_before(30);  // the ring's head is now in the middle of its 64 slots
  StateWriter w;
  a.save_state(w);
  const std::string bytes = w.take();
  eligo::HistoryArchive b(3, 2);
  StateReader r(bytes, "test state");
  b.load_state(r);
  r.expect_end();
  REQUIRE(b.first_step() == 30);
  REQUIRE(b.end_step() == 45);
  CHECK(b.capacity_rows() == 16);  // sized for its 15 rows, not the 64 slots the saved ring had grown to
  for (Step t = 30; t < 45; ++t) {
    for (std::size_t j = 0; j < 3; ++j) {
      CHECK(b.at(1, j, b.slot(t)) == a.at(1, j, a.slot(t)));
      CHECK(b.at(0, j, b.slot(t)) == 0.0);
    }
  }
  b.append(45);
  b.append(46);  // grows past 16 rows
  CHECK(b.at(1, 2, b.slot(31)) == 312.0);
  CHECK(b.rows() == 17);
  StateWriter again;
  b.save_state(again);
  CHECK(again.data().size() == bytes.size() + 2 * 3 * 2 * sizeof(double));
}

TEST_CASE("an archive of another size refuses a saved archive", "[checkpoint]") {
  eligo::HistoryArchive a(3, 2), b(4, 2);
  StateWriter w;
  a.save_state(w);
  const std::string bytes = w.take();
  StateReader r(bytes, "test state");
  CHECK(contains(error_of([&] { b.load_state(r); }), "checkpoint has 3 neurons, this archive 4"));
}
