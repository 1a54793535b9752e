// Property tests of the closed-form e-prop interval (NetworkDescription::eprop_mode, runtime/network/eprop_mode.*,
// runtime/synapses/closed_form_window.hpp): on the synthetic network of the history tests, a run with
// eprop_mode closed_form ends with the weights of the exact run up to rounding and sees the same readout
// errors up to rounding, for every optimizer variant the closed form serves; it is deterministic in its own
// right (the same digest for any partition and after a checkpoint round trip); and it keeps the loop
// where it must (adaptive neurons, Adam per step).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "runtime/checkpoint/network_checkpoint.hpp"
#include "runtime/core/weight_record.hpp"
#include "runtime/network/eprop_mode.hpp"
#include "runtime/network/network_builder.hpp"
#include "runtime/network/network_description.hpp"
#include "runtime/network/sequential_driver.hpp"
#include "runtime/network/weights_digest.hpp"
#include "runtime/synapses/window_summaries.hpp"
#include "tests/support/synthetic_network.hpp"

namespace {

using eligo::EpropMode;
using eligo::HistoryPolicy;
using eligo::NetworkDescription;
using eligo::OptimizerParams;
using eligo::OptimizerType;
using eligo::PartitionOptions;
using eligo::ShardRole;
using eligo::Step;

constexpr Step kSteps = 2000;
constexpr double kTolerance = 1e-12;

// ---------------------------------------------------------------------------------------------------
// Variants

struct ClosedFormCase {
  const char* name;
  OptimizerParams optimizer;
  double flush_ms = 50.0;
  double cutoff_ms = 40.0;
  double kappa_reg = 0.97;  // the default κ is 0.97 too
  eligo::RecurrentModel model = eligo::RecurrentModel::eprop_iaf;
  // Delays of 4, 5, 2 and 3 steps (in → rec, rec → rec, rec → out, feedback) instead of one step each: the
  // learning signals become final later, and the shards fill their summaries later.
  bool long_delays = false;
};

OptimizerParams optimizer(OptimizerType type, double eta, bool each_step, std::int64_t batch_size) {
  OptimizerParams p;
  p.type = type;
  p.eta = eta;
  p.optimize_each_step = each_step;
  p.batch_size = batch_size;
  return p;
}

OptimizerParams gd_per_spike() { return optimizer(OptimizerType::gradient_descent, 1e-3, false, 3); }
OptimizerParams gd_per_step(std::int64_t batch_size) {
  return optimizer(OptimizerType::gradient_descent, 2e-4, true, batch_size);
}

// Weights start in [-0.6, 1.2] (synthetic_network); bounds just outside that range, and a step size large
// enough that some weights run into them. Not larger: with per-step steps of 5e-3 and more the learning
// dynamics themselves amplify rounding (a weight's step changes its target's ψ and so its next gradient),
// and one ulp of difference in the initial weights of the exact run grows to 1e-11 and beyond by itself.
OptimizerParams gd_per_step_clamped() {
  OptimizerParams p = optimizer(OptimizerType::gradient_descent, 2e-3, true, 1);
  p.Wmin = -0.61;
  p.Wmax = 1.21;
  return p;
}

NetworkDescription network_of(const ClosedFormCase& c, EpropMode mode) {
  NetworkDescription net = eligo::test::synthetic_network({c.optimizer, c.flush_ms, c.cutoff_ms}, kSteps);
  net.rec.kappa_reg = c.kappa_reg;
  net.rec_model = c.model;
  if (c.long_delays) {
    net.in_rec_delay = 4;
    net.rec_rec_delay = 5;
    net.rec_out_delay = 2;
    net.feedback_delay = 3;
  }
  net.eprop_mode = mode;
  return net;
}

// ---------------------------------------------------------------------------------------------------
// Runs

PartitionOptions partition_of(std::uint32_t input_shards, std::uint32_t recurrent_shards,
                              HistoryPolicy history = HistoryPolicy::bounded) {
  PartitionOptions p;
  p.input_shards = input_shards;
  p.recurrent_shards = recurrent_shards;
  p.history = history;
  return p;
}

struct Outcome {
  std::vector<eligo::WeightRecord> initial, weights;  // canonical order
  std::string digest;
  std::vector<double> eps;        // ε of every readout in every step
  std::vector<double> y;          // the readout signals y·lw, parallel to eps
  eligo::ShardCounters rec, out;  // summed over the recurrent shards; the readout shard
};

void add(eligo::ShardCounters& sum, const eligo::ShardCounters& c) {
  sum.spikes_emitted += c.spikes_emitted;
  sum.flushes_emitted += c.flushes_emitted;
  sum.closed_windows += c.closed_windows;
  sum.loop_windows += c.loop_windows;
  sum.clamp_fallbacks += c.clamp_fallbacks;
}

void finish(Outcome& o, const eligo::BuiltNetwork& network) {
  o.weights = eligo::canonical_weights(network);
  o.digest = eligo::weights_digest(o.weights);
  for (const auto& shard : network.shards) {
    if (shard->role() == ShardRole::recurrent) add(o.rec, shard->counters());
    if (shard->role() == ShardRole::readout) add(o.out, shard->counters());
  }
}

Outcome simulate(const NetworkDescription& net, const PartitionOptions& partition = {}) {
  eligo::BuiltNetwork network = eligo::build_network(net, partition);
  Outcome o;
  o.initial = eligo::canonical_weights(network);
  eligo::SequentialDriver driver(network, kSteps);
  while (driver.step()) {
    const eligo::SliceOutput& out = driver.readout_output();
    o.eps.insert(o.eps.end(), out.errors.eps.begin(), out.errors.eps.end());
    o.y.insert(o.y.end(), out.readout_signal.begin(), out.readout_signal.end());
  }
  finish(o, network);
  return o;
}

// Largest |a_i − b_i| / scale_i, and where.
double max_deviation(const std::vector<double>& a, const std::vector<double>& b, const std::vector<double>& scale,
                     std::size_t& worst) {
  REQUIRE(a.size() == b.size());
  REQUIRE(scale.size() == b.size());
  double dev = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] == b[i]) continue;  // also where the scale is zero
    const double d = std::abs(a[i] - b[i]) / scale[i];
    if (!(d <= dev)) dev = d, worst = i;  // NaN counts as the worst
  }
  return dev;
}

double largest_magnitude(const std::vector<double>& v) {
  double largest = 0.0;
  for (double x : v) largest = std::max(largest, std::abs(x));
  return largest;
}

// The scale of a weight: its own magnitude, but at least a thousandth of the largest weight. A weight's
// rounding error comes from the updates it received, whose size is that of the weights' changes and not
// of the weight itself, so a weight that ends near zero would show an arbitrarily large relative error
// for the same absolute one.
std::vector<double> weight_scales(const std::vector<double>& w) {
  const double floor = 1e-3 * largest_magnitude(w);
  std::vector<double> s;
  for (double x : w) s.push_back(std::max(std::abs(x), floor));
  return s;
}

// The scale of an error ε = y − y*: the larger of |ε| and |y| (y* is exact, so ε carries the rounding error
// of y, which is relative to y; an ε that passes through zero is measured against y, not against itself),
// and at least a thousandth of the largest |ε| (before the learning window opens y is not recorded).
std::vector<double> error_scales(const std::vector<double>& eps, const std::vector<double>& y) {
  const double floor = 1e-3 * largest_magnitude(eps);
  std::vector<double> s;
  for (std::size_t i = 0; i < eps.size(); ++i) s.push_back(std::max({std::abs(eps[i]), std::abs(y[i]), floor}));
  return s;
}

std::vector<double> values(const std::vector<eligo::WeightRecord>& w) {
  std::vector<double> v;
  for (const auto& r : w) v.push_back(r.weight);
  return v;
}

// The closed-form run ends where the exact run does, up to rounding, and saw the same errors on its way.
void require_close(const Outcome& closed, const Outcome& exact) {
  REQUIRE(closed.weights.size() == exact.weights.size());
  for (std::size_t i = 0; i < exact.weights.size(); ++i) {
    REQUIRE(closed.weights[i].source_gid == exact.weights[i].source_gid);
    REQUIRE(closed.weights[i].target_gid == exact.weights[i].target_gid);
  }
  std::size_t worst_weight = 0, worst_eps = 0;
  const std::vector<double> exact_weights = values(exact.weights);
  const double weights =
      max_deviation(values(closed.weights), exact_weights, weight_scales(exact_weights), worst_weight);
  const double eps = max_deviation(closed.eps, exact.eps, error_scales(exact.eps, exact.y), worst_eps);
  INFO("worst weight " << worst_weight << " (" << exact.weights[worst_weight].source_gid << " -> "
                       << exact.weights[worst_weight].target_gid << "), worst error: step "
                       << worst_eps / eligo::test::kSyntheticOut << ", readout "
                       << worst_eps % eligo::test::kSyntheticOut);
  CHECK(weights <= kTolerance);
  CHECK(eps <= kTolerance);
}

// The run learned (so equal weights say something) and the mode did what it says.
void require_learned(const Outcome& o, bool flushes = true) {
  REQUIRE(o.rec.spikes_emitted > 2 * kSteps);
  if (flushes) REQUIRE(o.rec.flushes_emitted > 0);
  std::size_t moved = 0;
  for (std::size_t i = 0; i < o.weights.size(); ++i) moved += o.weights[i].weight != o.initial[i].weight ? 1 : 0;
  REQUIRE(moved > o.weights.size() / 2);
}

std::size_t at_a_bound(const Outcome& o, const OptimizerParams& p) {
  std::size_t n = 0;
  for (const auto& r : o.weights) n += r.weight == p.Wmin || r.weight == p.Wmax ? 1 : 0;
  return n;
}

// The longest silence of any input relay, in steps.
Step longest_input_silence(const NetworkDescription& net) {
  Step longest = 0;
  for (const auto& steps : net.input_spike_steps) {
    for (std::size_t i = 1; i < steps.size(); ++i) longest = std::max(longest, steps[i] - steps[i - 1]);
  }
  return longest;
}

// Equal to the last bit (== would let −0.0 pass for 0.0).
bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

}  // namespace

TEST_CASE("the closed form ends with the exact run's weights and errors up to rounding", "[closed_form]") {
  const double inf = eligo::kInf;
  const ClosedFormCase c = GENERATE_COPY(
      ClosedFormCase{"gradient descent per spike", gd_per_spike()},
      ClosedFormCase{"Adam per spike", optimizer(OptimizerType::adam, 5e-3, false, 1)},
      ClosedFormCase{"gradient descent per step", gd_per_step(1)},
      ClosedFormCase{"gradient descent per step in batches of 2", gd_per_step(2), 15.0, 40.0},
      // No cutoff and no flushes: windows run from spike to spike, across the inputs' 250-step silences.
      ClosedFormCase{"no cutoff, gradient descent per spike", gd_per_spike(), inf, inf},
      ClosedFormCase{"no cutoff, gradient descent per step", gd_per_step(1), inf, inf},
      ClosedFormCase{"kappa_reg != kappa, gradient descent per spike", gd_per_spike(), 50.0, 40.0, 0.8},
      ClosedFormCase{"kappa_reg != kappa, gradient descent per step in batches of 2", gd_per_step(2), 50.0, 40.0, 0.85},
      ClosedFormCase{"eprop_iaf_psc_delta, gradient descent per step", gd_per_step(1), 50.0, 40.0, 0.97,
                     eligo::RecurrentModel::eprop_iaf_psc_delta},
      ClosedFormCase{"delays of several steps, gradient descent per step", gd_per_step(1), 50.0, 40.0, 0.97,
                     eligo::RecurrentModel::eprop_iaf, true},
      ClosedFormCase{"delays of several steps, no cutoff, Adam per spike",
                     optimizer(OptimizerType::adam, 5e-3, false, 1), inf, inf, 0.97, eligo::RecurrentModel::eprop_iaf,
                     true});
  INFO(c.name);
  const Outcome exact = simulate(network_of(c, EpropMode::exact));
  const Outcome closed = simulate(network_of(c, EpropMode::closed_form));
  require_learned(exact, !std::isinf(c.flush_ms));
  // Both populations took windows from their summaries; the exact run never did.
  CHECK(exact.rec.closed_windows + exact.out.closed_windows == 0);
  REQUIRE(closed.rec.closed_windows > 0);
  REQUIRE(closed.out.closed_windows > 0);
  CHECK(closed.rec.loop_windows + closed.rec.closed_windows == exact.rec.loop_windows);
  if (std::isinf(c.cutoff_ms)) {
    // Windows that long chain many whole blocks of the table.
    CHECK(longest_input_silence(network_of(c, EpropMode::exact)) > 2 * eligo::WindowSummaryTable::kLongestPiece);
  }
  require_close(closed, exact);
}

TEST_CASE("per-step gradient descent falls back to the loop where weights clamp and still ends as the exact run",
          "[closed_form]") {
  const ClosedFormCase c{"clamped", gd_per_step_clamped()};
  const Outcome exact = simulate(network_of(c, EpropMode::exact));
  const Outcome closed = simulate(network_of(c, EpropMode::closed_form));
  require_learned(exact);
  INFO("exact: " << at_a_bound(exact, c.optimizer)
                 << " weights at a bound; closed form: " << at_a_bound(closed, c.optimizer) << ", "
                 << closed.rec.clamp_fallbacks + closed.out.clamp_fallbacks << " fallbacks");
  REQUIRE(at_a_bound(exact, c.optimizer) > 0);
  CHECK(at_a_bound(closed, c.optimizer) == at_a_bound(exact, c.optimizer));
  REQUIRE(closed.rec.clamp_fallbacks + closed.out.clamp_fallbacks > 0);
  REQUIRE(closed.rec.closed_windows > 0);
  require_close(closed, exact);
}

TEST_CASE("the closed-form digest does not depend on the partition", "[closed_form]") {
  const ClosedFormCase c = GENERATE(ClosedFormCase{"gradient descent per step in batches of 2", gd_per_step(2)},
                                    ClosedFormCase{"Adam per spike, kappa_reg != kappa",
                                                   optimizer(OptimizerType::adam, 5e-3, false, 1), 50.0, 40.0, 0.8});
  INFO(c.name);
  const NetworkDescription net = network_of(c, EpropMode::closed_form);
  const Outcome one = simulate(net);
  REQUIRE(one.rec.closed_windows > 0);
  for (const PartitionOptions& partition : {partition_of(1, 3), partition_of(2, 3)}) {
    INFO(partition.input_shards << " input shards, " << partition.recurrent_shards << " recurrent shards");
    const Outcome split = simulate(net, partition);
    CHECK(split.digest == one.digest);
    CHECK(same_bits(split.eps, one.eps));
    CHECK(split.rec.closed_windows > 0);  // counted per source and shard, so more with more shards
  }
}

TEST_CASE("the closed form with the whole history kept also ends as the exact run", "[closed_form]") {
  // keep_all integrates a window only at the source's next event, so the closed form splits windows at other
  // steps than with bounded history and may differ from it in the last bits: only closeness to the exact
  // run is required.
  const ClosedFormCase c{"gradient descent per step", gd_per_step(1)};
  const PartitionOptions keep_all = partition_of(1, 1, HistoryPolicy::keep_all);
  const Outcome exact = simulate(network_of(c, EpropMode::exact), keep_all);
  const Outcome closed = simulate(network_of(c, EpropMode::closed_form), keep_all);
  require_learned(exact);
  REQUIRE(closed.rec.closed_windows > 0);
  require_close(closed, exact);
}

TEST_CASE("a closed-form run resumed from a checkpoint ends with the uninterrupted run's digest", "[closed_form]") {
  const ClosedFormCase c =
      GENERATE(ClosedFormCase{"gradient descent per step", gd_per_step(1), 15.0, 40.0},
               ClosedFormCase{"no cutoff, Adam per spike", optimizer(OptimizerType::adam, 5e-3, false, 1), eligo::kInf,
                              eligo::kInf, 0.8});
  INFO(c.name);
  const NetworkDescription net = network_of(c, EpropMode::closed_form);
  const PartitionOptions partition = partition_of(1, 2);
  const Outcome whole = simulate(net, partition);
  REQUIRE(whole.rec.closed_windows > 0);
  // In the middle of a burst, in a silence (where cutoff windows and flushes are pending) and just after a
  // silence; slices are one step here (all delays are 1).
  for (const Step last_slice : {Step{517}, Step{1077}, Step{1203}}) {
    INFO("checkpoint after slice " << last_slice);
    std::vector<std::string> blobs;
    std::vector<double> eps;
    {
      eligo::BuiltNetwork network = eligo::build_network(net, partition);
      REQUIRE(network.slice_steps == 1);
      eligo::SequentialDriver driver(network, kSteps);
      while (driver.next_slice() <= last_slice && driver.step()) {
        const auto& e = driver.readout_output().errors.eps;
        eps.insert(eps.end(), e.begin(), e.end());
      }
      REQUIRE(driver.next_slice() == last_slice + 1);
      blobs = eligo::save_network_checkpoint(network, driver);
    }
    eligo::BuiltNetwork network = eligo::build_network(net, partition);
    eligo::SequentialDriver driver = eligo::resume_network(network, kSteps, blobs);
    while (driver.step()) {
      const auto& e = driver.readout_output().errors.eps;
      eps.insert(eps.end(), e.begin(), e.end());
    }
    Outcome resumed;
    finish(resumed, network);
    CHECK(resumed.rec.closed_windows > 0);  // the refilled summaries served windows after the resume
    CHECK(resumed.digest == whole.digest);
    CHECK(same_bits(eps, whole.eps));
  }
}

TEST_CASE("adaptive recurrent neurons run the loop in closed-form mode, their readouts do not", "[closed_form]") {
  ClosedFormCase c{"adaptive, gradient descent per spike", gd_per_spike()};
  NetworkDescription exact_net = network_of(c, EpropMode::exact), closed_net = network_of(c, EpropMode::closed_form);
  for (NetworkDescription* net : {&exact_net, &closed_net}) {
    net->rec_model = eligo::RecurrentModel::eprop_iaf_adapt;
    net->rec.adapt_beta = 0.5;
    net->rec.adapt_tau = 30.0;
  }
  const eligo::ClosedFormChoice choice = eligo::choose_closed_form(closed_net);
  CHECK_FALSE(choice.recurrent);
  CHECK_FALSE(choice.recurrent_reason.empty());
  CHECK(choice.readout);
  const Outcome exact = simulate(exact_net);
  const Outcome closed = simulate(closed_net);
  require_learned(exact);
  CHECK(closed.rec.closed_windows == 0);
  CHECK(closed.rec.loop_windows == exact.rec.loop_windows);
  CHECK(closed.out.closed_windows > 0);
  require_close(closed, exact);
}

TEST_CASE("closed-form mode with Adam per step runs the exact loop everywhere", "[closed_form]") {
  const ClosedFormCase c{"Adam per step", optimizer(OptimizerType::adam, 5e-3, true, 1)};
  const eligo::ClosedFormChoice choice = eligo::choose_closed_form(network_of(c, EpropMode::closed_form));
  CHECK_FALSE(choice.recurrent);
  CHECK_FALSE(choice.readout);
  const Outcome exact = simulate(network_of(c, EpropMode::exact));
  const Outcome closed = simulate(network_of(c, EpropMode::closed_form));
  require_learned(exact);
  CHECK(closed.rec.closed_windows + closed.out.closed_windows == 0);
  CHECK(closed.digest == exact.digest);  // nothing but the loop ran: the exact numbers
  CHECK(same_bits(closed.eps, exact.eps));
}

TEST_CASE("auto mode is the closed form for long cutoffs and the loop for cutoffs under 8 steps", "[closed_form]") {
  const ClosedFormCase long_cutoff{"cutoff 40 steps", gd_per_spike()};
  const Outcome closed = simulate(network_of(long_cutoff, EpropMode::closed_form));
  const Outcome automatic = simulate(network_of(long_cutoff, EpropMode::automatic));
  CHECK(automatic.rec.closed_windows > 0);
  CHECK(automatic.digest == closed.digest);
  CHECK(same_bits(automatic.eps, closed.eps));

  const ClosedFormCase short_cutoff{"cutoff 6 steps", gd_per_spike(), 50.0, 6.0};
  const eligo::ClosedFormChoice choice = eligo::choose_closed_form(network_of(short_cutoff, EpropMode::automatic));
  CHECK_FALSE(choice.recurrent);
  CHECK_FALSE(choice.readout);
  const Outcome short_exact = simulate(network_of(short_cutoff, EpropMode::exact));
  const Outcome short_auto = simulate(network_of(short_cutoff, EpropMode::automatic));
  CHECK(short_auto.rec.closed_windows + short_auto.out.closed_windows == 0);
  CHECK(short_auto.digest == short_exact.digest);
  // closed_form itself still serves the short windows that cross a block boundary of the table.
  CHECK(simulate(network_of(short_cutoff, EpropMode::closed_form)).rec.closed_windows > 0);
}
