// Tests of the history archive (runtime/archive/history_archive.*, docs/numerics.md §8, §11): the ring itself, and the
// project's property test that dropping history (HistoryPolicy::bounded) never changes a number while
// keeping memory bounded, and that partitioning never changes a number either.
#include <catch2/catch.hpp>
#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "runtime/archive/history_archive.hpp"
#include "runtime/network/network_builder.hpp"
#include "runtime/network/network_description.hpp"
#include "runtime/network/sequential_driver.hpp"
#include "runtime/network/weights_digest.hpp"
#include "tests/support/synthetic_network.hpp"

namespace {

using eligo::HistoryArchive;
using eligo::HistoryPolicy;
using eligo::MissingHistoryError;
using eligo::NetworkDescription;
using eligo::PartitionOptions;
using eligo::ShardRole;
using eligo::Step;

// ---------------------------------------------------------------------------------------------------
// The ring

// A value that identifies step t, neuron j, field f.
double tag(Step t, std::size_t j, std::size_t f) { return static_cast<double>(t * 100 + j * 10 + f); }

double& at(HistoryArchive& a, std::size_t field, std::size_t j, Step t) { return a.at(field, j, a.slot(t)); }

void fill(HistoryArchive& a, Step t) {
  a.append(t);
  for (std::size_t f = 0; f < a.fields(); ++f) {
    for (std::size_t j = 0; j < a.neurons(); ++j) at(a, f, j, t) = tag(t, j, f);
  }
}

// The archive holds exactly [first, end), and every step holds its own tags.
void require_steps(HistoryArchive& a, Step first, Step end) {
  REQUIRE(a.first_step() == first);
  REQUIRE(a.end_step() == end);
  REQUIRE(a.rows() == static_cast<std::size_t>(end - first));
  REQUIRE_NOTHROW(a.require(first, end - first));
  for (Step t = first; t < end; ++t) {
    for (std::size_t f = 0; f < a.fields(); ++f) {
      for (std::size_t j = 0; j < a.neurons(); ++j) REQUIRE(at(a, f, j, t) == tag(t, j, f));
    }
  }
}

TEST_CASE("history archive appends zero-filled steps that the rings read back", "[archive]") {
  HistoryArchive a(2, 3);
  CHECK(a.rows() == 0);
  CHECK(a.entries() == 0);
  fill(a, 5);                                                      // the first step may be any step
  for (Step t = 6; a.rows() < a.capacity_rows(); ++t) fill(a, t);  // now every slot holds tags
  a.erase_before(100);
  CHECK(a.rows() == 0);
  // An empty archive restarts at any step; the reused slot still holds old tags and must be cleared.
  a.append(9);
  for (std::size_t f = 0; f < 3; ++f) {
    for (std::size_t j = 0; j < 2; ++j) CHECK(at(a, f, j, 9) == 0.0);
  }
  a.erase_before(10);
  fill(a, 9);
  fill(a, 10);
  require_steps(a, 9, 11);
  CHECK(a.entries() == 4);  // one entry per neuron and step (NEST's eprop_history_duration / h)
  CHECK(a.find(1, 1, 10) == &at(a, 1, 1, 10));
  CHECK(*a.find(1, 1, 10) == tag(10, 1, 1));
  // Consecutive steps of one neuron and field are consecutive ring slots (modulo the capacity).
  CHECK(a.slot(10) == ((a.slot(9) + 1) & a.mask()));
}

TEST_CASE("history archive steps must be appended consecutively", "[archive]") {
  HistoryArchive a(1, 1);
  a.append(3);
  CHECK_THROWS_AS(a.append(5), std::logic_error);
  CHECK_THROWS_AS(a.append(3), std::logic_error);
  CHECK_NOTHROW(a.append(4));
}

TEST_CASE("history archive reports steps it does not hold", "[archive]") {
  HistoryArchive a(2, 1);
  for (Step t = 0; t < 6; ++t) fill(a, t);
  a.erase_before(3);
  CHECK(a.find(0, 1, 2) == nullptr);  // dropped: a learning-signal write becomes a no-op
  CHECK(a.find(0, 1, 6) == nullptr);  // not yet written
  CHECK(a.find(0, 1, 3) != nullptr);
  CHECK_FALSE(a.contains(2));
  CHECK(a.contains(5));
  CHECK_NOTHROW(a.require(3, 3));
  CHECK_THROWS_AS(a.require(2, 1), MissingHistoryError);
  CHECK_THROWS_AS(a.require(2, 3), MissingHistoryError);  // the first step is missing
  CHECK_THROWS_AS(a.require(4, 3), MissingHistoryError);  // the last step is missing
  CHECK_NOTHROW(a.require(0, 0));                         // an empty interval needs nothing
}

TEST_CASE("history archive erase_before drops only the steps before the given step", "[archive]") {
  HistoryArchive a(3, 2);
  for (Step t = 0; t < 10; ++t) fill(a, t);
  a.erase_before(4);
  require_steps(a, 4, 10);
  CHECK(a.entries() == 6 * 3);
  a.erase_before(2);  // already gone: no-op
  a.erase_before(4);
  require_steps(a, 4, 10);
  fill(a, 10);
  require_steps(a, 4, 11);
}

TEST_CASE("history archive growth keeps the contents of a wrapped ring", "[archive]") {
  HistoryArchive a(3, 2);
  for (Step t = 0; t < 12; ++t) fill(a, t);
  const std::size_t first_capacity = a.capacity_rows();
  a.erase_before(8);
  // Fill up to the capacity: the ring wraps around the end of its buffer without growing.
  Step t = 12;
  while (a.rows() < first_capacity) fill(a, t++);
  CHECK(a.capacity_rows() == first_capacity);
  CHECK(a.slot(t - 1) < a.slot(8));  // wrapped
  require_steps(a, 8, t);
  // One more step grows the buffer, which must unwrap the ring in step order.
  fill(a, t++);
  CHECK(a.capacity_rows() > first_capacity);
  require_steps(a, 8, t);
  // Keep going through several growths and erasures.
  for (int round = 0; round < 5; ++round) {
    for (int i = 0; i < 37; ++i) fill(a, t++);
    a.erase_before(t - 20 - round);
    require_steps(a, t - 20 - round, t);
  }
  CHECK(a.entries() == a.rows() * 3);
}

// ---------------------------------------------------------------------------------------------------
// The property test: a synthetic network run with both history policies and several partitions.

using Variant = eligo::test::SyntheticVariant;
using eligo::test::synthetic_network;
constexpr std::uint32_t kRec = eligo::test::kSyntheticRec, kOut = eligo::test::kSyntheticOut;
constexpr std::size_t kEraseEvery = 16;  // RecurrentShard/ReadoutShard look for rows to drop every 16 steps

eligo::OptimizerParams adam_per_step() {
  eligo::OptimizerParams p;
  p.type = eligo::OptimizerType::adam;
  p.eta = 5e-3;
  return p;
}

eligo::OptimizerParams gradient_descent_per_spike() {
  eligo::OptimizerParams p;
  p.type = eligo::OptimizerType::gradient_descent;
  p.eta = 1e-3;
  p.optimize_each_step = false;
  p.batch_size = 3;
  return p;
}

struct RunRecord {
  std::string initial_digest, final_digest;
  std::vector<double> errors;                // ε of every readout in every step
  std::vector<std::size_t> history_entries;  // summed over shards, after every step
  std::size_t history_entries_max = 0;       // the shards' own maxima, summed
  std::uint64_t rec_spikes = 0, rec_flushes = 0, input_flushes = 0;
};

RunRecord run(const NetworkDescription& net, const PartitionOptions& options, Step n_steps) {
  eligo::BuiltNetwork built = eligo::build_network(net, options);
  RunRecord rec;
  rec.initial_digest = eligo::weights_digest(built);
  eligo::SequentialDriver driver(built, n_steps);
  for (Step t = 0; t < n_steps; ++t) {
    driver.step();
    const auto& eps = driver.readout_output().errors.eps;
    rec.errors.insert(rec.errors.end(), eps.begin(), eps.end());
    std::size_t entries = 0;
    for (const auto& shard : built.shards) entries += shard->counters().history_entries;
    rec.history_entries.push_back(entries);
  }
  rec.final_digest = eligo::weights_digest(built);
  for (const auto& shard : built.shards) {
    const auto c = shard->counters();
    rec.history_entries_max += c.history_entries_max;
    if (shard->role() == ShardRole::recurrent) {
      rec.rec_spikes += c.spikes_emitted;
      rec.rec_flushes += c.flushes_emitted;
    } else if (shard->role() == ShardRole::input) {
      rec.input_flushes += c.flushes_emitted;
    }
  }
  return rec;
}

// Guards against the property tests passing vacuously: the network spikes, flushes and learns.
void require_active(const RunRecord& r, Step n_steps) {
  INFO("rec spikes " << r.rec_spikes << ", rec flushes " << r.rec_flushes << ", input flushes " << r.input_flushes);
  REQUIRE(r.rec_spikes >= 20 * static_cast<std::uint64_t>(n_steps) / 10);  // ≥ 2 spikes per step on average
  REQUIRE(r.rec_flushes >= 100);
  REQUIRE(r.input_flushes >= 100);
  REQUIRE(r.final_digest != r.initial_digest);
}

TEST_CASE("the synthetic network has multapses and no autapses", "[archive]") {
  const NetworkDescription net = synthetic_network(Variant{adam_per_step()}, 10);
  std::set<std::pair<std::uint32_t, std::uint32_t>> pairs;
  for (std::size_t c = 0; c < net.rec_rec.size(); ++c) {
    CHECK(net.rec_rec.source[c] != net.rec_rec.target[c]);
    pairs.insert({net.rec_rec.source[c], net.rec_rec.target[c]});
  }
  CHECK(pairs.size() < net.rec_rec.size());
}

TEST_CASE("bounded history gives the weights and errors of keep_all history while its size stays bounded",
          "[archive]") {
  constexpr Step kSteps = 5000;
  // With a flush interval shorter than the cutoff, an interval continues across flushes (rem > 0), so
  // history must survive them.
  const Variant variant =
      GENERATE(Variant{adam_per_step(), 50.0, 20.0}, Variant{gradient_descent_per_spike(), 50.0, 20.0},
               Variant{adam_per_step(), 15.0, 40.0});
  INFO("optimizer " << eligo::to_string(variant.optimizer.type) << ", optimize_each_step "
                    << variant.optimizer.optimize_each_step << ", flush interval " << variant.flush_ms << " ms, cutoff "
                    << variant.cutoff_ms << " ms");
  const NetworkDescription net = synthetic_network(variant, kSteps);
  const RunRecord all = run(net, PartitionOptions{1, 1, HistoryPolicy::keep_all}, kSteps);
  const RunRecord bounded = run(net, PartitionOptions{1, 1, HistoryPolicy::bounded}, kSteps);
  require_active(bounded, kSteps);

  CHECK(bounded.final_digest == all.final_digest);
  REQUIRE(bounded.errors.size() == all.errors.size());
  for (std::size_t i = 0; i < all.errors.size(); ++i) {
    INFO("step " << i / kOut << ", readout " << i % kOut);
    REQUIRE(bounded.errors[i] == all.errors[i]);
  }

  // keep_all holds one row per step of every neuron with incoming e-prop synapses.
  const std::size_t per_step = kRec + kOut;
  for (Step t = 0; t < kSteps; t += 499) CHECK(all.history_entries[t] == (t + 1) * per_step);

  // bounded holds at most the rows that a pending interval may still read (flush interval + cutoff), plus
  // the rows added between two erasure passes, plus a few rows of slack.
  const std::size_t row_bound = static_cast<std::size_t>(variant.flush_ms + variant.cutoff_ms) + 2 * kEraseEvery + 4;
  const std::size_t bound = row_bound * per_step;
  std::size_t peak = 0;
  for (std::size_t e : bounded.history_entries) peak = std::max(peak, e);
  INFO("bounded peak " << peak << " entries, bound " << bound);
  CHECK(peak <= bound);
  CHECK(bounded.history_entries_max <= bound);
  CHECK(bounded.history_entries.back() < all.history_entries.back() / 20);
}

TEST_CASE("partitioning the network into shards gives the same weights digest and errors", "[archive]") {
  constexpr Step kSteps = 2000;
  const Variant variant =
      GENERATE(Variant{adam_per_step(), 50.0, 20.0}, Variant{gradient_descent_per_spike(), 15.0, 40.0});
  INFO("optimizer " << eligo::to_string(variant.optimizer.type) << ", flush interval " << variant.flush_ms
                    << " ms, cutoff " << variant.cutoff_ms << " ms");
  const NetworkDescription net = synthetic_network(variant, kSteps);
  const RunRecord reference = run(net, PartitionOptions{1, 1, HistoryPolicy::bounded}, kSteps);
  require_active(reference, kSteps);
  for (std::uint32_t input_shards : {1u, 2u}) {
    for (std::uint32_t rec_shards : {1u, 3u, 7u}) {
      INFO(input_shards << " input shards, " << rec_shards << " recurrent shards");
      const RunRecord r = run(net, PartitionOptions{input_shards, rec_shards, HistoryPolicy::bounded}, kSteps);
      CHECK(r.final_digest == reference.final_digest);
      CHECK(r.errors == reference.errors);
      CHECK(r.rec_spikes == reference.rec_spikes);
    }
  }
}

}  // namespace
