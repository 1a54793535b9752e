// The actor runtime: the same numbers as the shards stepped by hand, whatever the threads and shards,
// and a clean stop when an actor fails.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "actors/coordinator.hpp"
#include "runtime/network/benchmark_network.hpp"
#include "runtime/network/sequential_driver.hpp"
#include "runtime/network/weights_digest.hpp"

namespace {

using eligo::Step;
using eligo::actors::IterationPlan;
using eligo::actors::RunOptions;

IterationPlan plan_of(const eligo::LossWindow& w) { return {w.first_step, w.sequence, w.group_size, w.n_iter}; }

RunOptions options(std::uint32_t threads, std::uint32_t shards) {
  RunOptions o;
  o.threads = threads;
  o.shards = shards;
  return o;
}

eligo::actors::RunResult run(const eligo::BenchmarkNetwork& b, std::uint32_t threads, std::uint32_t shards) {
  return eligo::actors::run_network(b.network, b.timing.n_steps, plan_of(b.timing.loss), options(threads, shards));
}

// A shard that forwards to the one it wraps, for test doubles that change one thing.
class ForwardingShard : public eligo::Shard {
 public:
  explicit ForwardingShard(std::unique_ptr<eligo::Shard> inner) : inner_(std::move(inner)) {}
  eligo::ShardRole role() const override { return inner_->role(); }
  std::uint32_t id() const override { return inner_->id(); }
  eligo::SliceOutput advance(const eligo::SliceInput& in) override { return inner_->advance(in); }
  eligo::ShardCounters counters() const override { return inner_->counters(); }
  void append_weights(std::vector<eligo::WeightRecord>& out) const override { inner_->append_weights(out); }

 private:
  std::unique_ptr<eligo::Shard> inner_;
};

// A shard that fails in a chosen slice, standing in for any error an actor meets after start-up.
class FailingShard final : public ForwardingShard {
 public:
  FailingShard(std::unique_ptr<eligo::Shard> inner, Step fail_at)
      : ForwardingShard(std::move(inner)), fail_at_(fail_at) {}
  eligo::SliceOutput advance(const eligo::SliceInput& in) override {
    if (in.slice == fail_at_) throw std::runtime_error("injected failure in slice " + std::to_string(in.slice));
    return ForwardingShard::advance(in);
  }

 private:
  Step fail_at_;
};

// A shard that counts how many of its kind are alive, to see that a run lets go of its network.
class CountedShard final : public ForwardingShard {
 public:
  CountedShard(std::unique_ptr<eligo::Shard> inner, int& alive) : ForwardingShard(std::move(inner)), alive_(alive) {
    ++alive_;
  }
  ~CountedShard() override { --alive_; }

 private:
  int& alive_;
};

}  // namespace

TEST_CASE("a finished run frees every shard, though its actors subscribe to each other", "[actors]") {
  eligo::BenchmarkParams p;
  p.n_rec = 100;
  const eligo::BenchmarkNetwork b = eligo::make_benchmark_network(p);
  eligo::PartitionOptions partition;
  partition.recurrent_shards = 2;
  eligo::BuiltNetwork built = eligo::build_network(b.network, partition);
  int alive = 0;
  for (auto& shard : built.shards) shard = std::make_unique<CountedShard>(std::move(shard), alive);
  const int shards = alive;
  REQUIRE(shards >= 4);  // input, two recurrent, readout
  const auto r = eligo::actors::run_shards(std::move(built), b.timing.n_steps, plan_of(b.timing.loss), options(2, 2));
  CHECK(r.rec_spikes > 0);
  CHECK(alive == 0);
}

TEST_CASE("a 1000-neuron plastic network trains to the same weights digest at any threads and shards", "[actors]") {
  eligo::BenchmarkParams p;
  p.n_rec = 1000;
  p.iterations = 2;
  const eligo::BenchmarkNetwork b = eligo::make_benchmark_network(p);
  const auto reference = run(b, 1, 1);
  REQUIRE(reference.iterations.size() == 2);
  REQUIRE(reference.rec_spikes > 1000);  // the network is active, so the digest says something
  for (auto [threads, shards] : {std::pair{2u, 3u}, std::pair{2u, 8u}}) {
    INFO(threads << " threads, " << shards << " shards");
    const auto r = run(b, threads, shards);
    CHECK(r.weights_digest == reference.weights_digest);
    CHECK(r.iterations.back().loss == reference.iterations.back().loss);
  }
}

TEST_CASE("a shard that receives nothing for many slices does not stall the run", "[actors]") {
  // Inputs are silent for the whole run and the final forced spike is removed, so no neuron ever
  // spikes: every shard hears only empty batches, slice after slice.
  eligo::BenchmarkParams p;
  p.n_rec = 40;
  p.indegree = 5;
  p.input_rate_hz = 0.0;
  p.sequence = 300;
  eligo::BenchmarkNetwork b = eligo::make_benchmark_network(p);
  b.network.forced_spikes.clear();
  const auto r = run(b, 2, 4);
  CHECK(r.iterations.size() == 1);
  CHECK(r.rec_spikes == 0);
  CHECK(r.input_spikes == 0);
}

TEST_CASE("an actor that fails after start-up stops the run with an error naming it, without a hang", "[actors]") {
  eligo::BenchmarkParams p;
  p.n_rec = 100;
  p.iterations = 2;
  const eligo::BenchmarkNetwork b = eligo::make_benchmark_network(p);
  eligo::PartitionOptions partition;
  partition.recurrent_shards = 3;
  eligo::BuiltNetwork built = eligo::build_network(b.network, partition);
  const std::size_t victim = 2;  // the second recurrent shard (after the input shard)
  REQUIRE(built.placements[victim].role == eligo::ShardRole::recurrent);
  built.shards[victim] = std::make_unique<FailingShard>(std::move(built.shards[victim]), 500);
  try {
    // Returning at all shows that every actor stopped: the actor system waits for all of them.
    eligo::actors::run_shards(std::move(built), b.timing.n_steps, plan_of(b.timing.loss), options(2, 3));
    FAIL("the run did not report the failure");
  } catch (const eligo::actors::RunFailed& e) {
    const std::string what = e.what();
    CHECK(what.find("shard 2") != std::string::npos);
    CHECK(what.find("injected failure in slice 500") != std::string::npos);
  }
}

TEST_CASE("a network with delays of 3 steps gives the same digest whatever the shard count", "[actors][delays]") {
  eligo::BenchmarkParams p;
  p.n_rec = 200;
  p.indegree = 20;
  p.sequence = 400;
  p.iterations = 2;
  eligo::BenchmarkNetwork b = eligo::make_benchmark_network(p);
  const auto one_step = run(b, 1, 1);
  b.network.in_rec_delay = b.network.rec_rec_delay = b.network.rec_out_delay = b.network.feedback_delay = 3;

  // The shards stepped by hand, in slices of 3 steps.
  eligo::BuiltNetwork built = eligo::build_network(b.network, {});
  REQUIRE(built.slice_steps == 3);
  eligo::SequentialDriver driver(built, b.timing.n_steps);
  while (driver.step()) {
  }
  const std::string by_hand = eligo::weights_digest(built);

  const auto reference = run(b, 1, 1);
  REQUIRE(reference.rec_spikes > 0);
  CHECK(reference.weights_digest == by_hand);
  CHECK(reference.weights_digest != one_step.weights_digest);  // the delays do change the dynamics
  for (auto [threads, shards] : {std::pair{2u, 3u}, std::pair{2u, 7u}}) {
    INFO(threads << " threads, " << shards << " shards");
    const auto r = run(b, threads, shards);
    CHECK(r.weights_digest == reference.weights_digest);
    CHECK(r.iterations.back().loss == reference.iterations.back().loss);
  }
}

TEST_CASE("a feedback delay longer than the spike delays is refused when the network is built", "[delays]") {
  eligo::BenchmarkParams p;
  p.n_rec = 20;
  p.indegree = 5;
  eligo::BenchmarkNetwork b = eligo::make_benchmark_network(p);
  b.network.feedback_delay = 2;
  CHECK_THROWS_AS(eligo::build_network(b.network, {}), eligo::NetworkBuildError);
}

TEST_CASE("mixed delays wait several slices and still give the same digest at any partitioning", "[actors][delays]") {
  eligo::BenchmarkParams p;
  p.n_rec = 150;
  p.indegree = 15;
  p.sequence = 300;
  eligo::BenchmarkNetwork b = eligo::make_benchmark_network(p);
  b.network.in_rec_delay = 3;
  b.network.rec_rec_delay = 2;
  b.network.rec_out_delay = 4;
  b.network.feedback_delay = 1;  // d_min = 1: spikes wait in the target's queue for 2–4 slices
  const auto reference = run(b, 1, 1);
  REQUIRE(reference.rec_spikes > 0);
  const auto split = run(b, 2, 5);
  CHECK(split.weights_digest == reference.weights_digest);
}

TEST_CASE("without plasticity the benchmark network spikes but keeps its weights", "[actors]") {
  eligo::BenchmarkParams p;
  p.n_rec = 300;
  p.indegree = 30;
  p.sequence = 500;
  p.plastic = false;
  const eligo::BenchmarkNetwork b = eligo::make_benchmark_network(p);
  const std::string initial = eligo::weights_digest(eligo::build_network(b.network, {}));
  const auto r = run(b, 2, 3);
  CHECK(r.rec_spikes > 0);
  CHECK(r.weights_digest == initial);
}

TEST_CASE("a static block keeps its weights while the plastic blocks learn", "[actors]") {
  eligo::BenchmarkParams p;
  p.n_rec = 100;
  p.indegree = 10;
  p.sequence = 400;
  eligo::BenchmarkNetwork b = eligo::make_benchmark_network(p);
  b.network.in_rec_plastic = false;
  const auto before = eligo::canonical_weights(eligo::build_network(b.network, {}));
  const auto r = run(b, 2, 3);
  REQUIRE(r.weights.size() == before.size());
  std::size_t inputs_changed = 0, others_changed = 0;
  for (std::size_t i = 0; i < before.size(); ++i) {
    const bool changed = r.weights[i].weight != before[i].weight;
    (before[i].source_gid < b.network.n_in ? inputs_changed : others_changed) += changed;
  }
  CHECK(inputs_changed == 0);
  CHECK(others_changed > 0);
}
