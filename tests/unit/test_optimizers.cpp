// Tests of the weight optimizers (runtime/optimizers/*, docs/numerics.md §10): OPT(idx, g, w) for single synapses,
// with the expected weights written out from the spec's formulas in its operand order (exact ==).
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <vector>

#include "runtime/optimizers/weight_optimizer.hpp"

namespace {

using eligo::OptimizerClock;
using eligo::OptimizerParams;
using eligo::OptimizerType;
using eligo::Step;
using eligo::SynapseMoments;
using eligo::WeightOptimizer;

OptimizerParams gradient_descent(double eta, std::int64_t batch_size = 1) {
  OptimizerParams p;
  p.type = OptimizerType::gradient_descent;
  p.eta = eta;
  p.batch_size = batch_size;
  return p;
}

OptimizerParams adam(double eta, std::int64_t batch_size = 1) {
  OptimizerParams p = gradient_descent(eta, batch_size);
  p.type = OptimizerType::adam;
  return p;
}

// One synapse: its weight, its per-synapse optimizer arrays and its (per-source) clock.
struct Synapse {
  WeightOptimizer opt;
  double w;
  OptimizerClock clock;
  double cum = 0.0, m = 0.0, v = 0.0;

  Synapse(const OptimizerParams& p, double w0) : opt(p), w(w0) {}
  void optimize(Step idx, double g) { opt.optimize(idx, clock, &g, &w, SynapseMoments{&cum, &m, &v}, 1); }
};

// Adam as docs/numerics.md §10 writes it, for `iterations` iterations starting from m = v = 0 and β powers 1,
// with the (batch-averaged) gradient seen by the first iteration only.
struct ReferenceAdam {
  double w, m = 0.0, v = 0.0, b1p = 1.0, b2p = 1.0;
  ReferenceAdam(double eta, double w0, double cum, int iterations) : w(w0) {
    const double b1 = 0.9, b2 = 0.999, eps = 1e-7;
    for (int i = 0; i < iterations; ++i) {
      b1p *= b1;
      b2p *= b2;
      const double alpha = eta * std::sqrt(1.0 - b2p) / (1.0 - b1p);
      m = b1 * m + (1.0 - b1) * cum;
      v = b2 * v + (1.0 - b2) * cum * cum;
      w = w - alpha * m / (std::sqrt(v) + eps);
      cum = 0.0;
    }
  }
};

TEST_CASE("gradient descent steps w by -eta*g when the step counter advances", "[optimizer]") {
  Synapse s(gradient_descent(0.5), 1.0);
  s.optimize(1, 0.2);  // K = 1 + 1/1 = 2 > k = 1
  CHECK(s.w == 1.0 - 0.5 * 0.2);
  CHECK(s.clock.k == 2);
  CHECK(s.clock.n_optimize == 1);
  CHECK(s.cum == 0.0);
}

TEST_CASE("the optimizer does not step until the absolute-time counter K = 1 + idx/B advances", "[optimizer]") {
  Synapse s(gradient_descent(0.5), 1.0);
  s.optimize(0, 0.2);  // K = 1 = k: accumulate only
  CHECK(s.w == 1.0);
  CHECK(s.cum == 0.2);
  CHECK(s.clock.k == 1);
  s.optimize(5, 0.1);  // K = 6: one step with everything accumulated
  CHECK(s.w == 1.0 - 0.5 * (0.2 + 0.1));
  CHECK(s.clock.k == 6);
  s.optimize(5, 0.3);  // same K again: no step
  s.optimize(4, 0.4);  // an older index cannot step either
  CHECK(s.w == 1.0 - 0.5 * (0.2 + 0.1));
  CHECK(s.cum == 0.3 + 0.4);
  s.optimize(9, 0.0);  // gradient descent makes one step however far K jumps
  CHECK(s.w == (1.0 - 0.5 * (0.2 + 0.1)) - 0.5 * ((0.3 + 0.4) + 0.0));
  CHECK(s.clock.k == 10);
  CHECK(s.clock.n_optimize == 2);
}

TEST_CASE("batch_size B accumulates the gradients of B indices and divides their sum by B", "[optimizer]") {
  Synapse s(gradient_descent(0.5, 4), 1.0);
  const std::vector<double> g{0.1, 0.3, -0.2, 0.7};
  // Per-step indices 1, 2, 3 keep K = 1; index 4 gives K = 2.
  for (Step idx = 1; idx <= 3; ++idx) {
    s.optimize(idx, g[idx - 1]);
    CHECK(s.w == 1.0);
  }
  s.optimize(4, g[3]);
  const double cum = ((0.1 + 0.3) + -0.2) + 0.7;
  CHECK(s.w == 1.0 - 0.5 * (cum / 4.0));
  CHECK(s.clock.k == 2);
  // The next block ends at index 8.
  for (Step idx = 5; idx <= 7; ++idx) s.optimize(idx, 1.0);
  CHECK(s.clock.k == 2);
  s.optimize(8, 1.0);
  CHECK(s.w == (1.0 - 0.5 * (cum / 4.0)) - 0.5 * (4.0 / 4.0));
  CHECK(s.clock.k == 3);
}

TEST_CASE("gradient descent with a zero gradient leaves the weight unchanged", "[optimizer]") {
  Synapse s(gradient_descent(0.5), 0.7);
  for (Step idx = 1; idx < 50; idx += 7) s.optimize(idx, 0.0);
  CHECK(s.w == 0.7);
  CHECK(s.clock.k == 44);  // the counter still advanced: 1 + 43
}

TEST_CASE("Adam catches up the skipped iterations in one call, only the first seeing the gradient", "[optimizer]") {
  // docs/numerics.md §10 example: B = 1, first call with idx = 41 → K = 42 → 41 Adam iterations.
  const double eta = 0.01, g = 0.25, w0 = 0.3;
  Synapse s(adam(eta), w0);
  s.optimize(41, g);

  const ReferenceAdam ref(eta, w0, g, 41);
  CHECK(s.w == ref.w);
  CHECK(s.m == ref.m);
  CHECK(s.v == ref.v);
  CHECK(s.clock.beta1_power == ref.b1p);
  CHECK(s.clock.beta2_power == ref.b2p);
  CHECK(s.clock.beta1_power == Approx(std::pow(0.9, 41)));
  CHECK(s.clock.k == 42);
  CHECK(s.clock.n_optimize == 1);
  CHECK(s.cum == 0.0);

  // The 40 zero-gradient iterations moved the weight further by momentum: one iteration alone differs.
  Synapse once(adam(eta), w0);
  once.optimize(1, g);
  CHECK(once.clock.k == 2);
  CHECK(once.w > s.w);  // g > 0 pushes w down; the catch-up pushes it further
}

TEST_CASE("a catch-up of a million Adam iterations lists only the step sizes that still change", "[optimizer]") {
  // A source silent for a long run: 10^6 catch-up iterations in one call. Past about 37,000 of them
  // 1 − β^k is exactly 1 and α no longer changes; the schedule keeps those as one tail, and the
  // weight, moments and clock are the reference's to the bit.
  const double eta = 0.01, g = 0.25, w0 = 0.3;
  const int n = 1'000'000;
  WeightOptimizer opt(adam(eta));
  OptimizerClock clock;
  eligo::OptimizerSchedule schedule;
  REQUIRE(opt.plan(n, 0, clock, schedule));
  CHECK(schedule.alphas.size() < 50'000);
  CHECK(schedule.triggers.back().tail_steps > 900'000);
  double w = w0, cum = g, m = 0.0, v = 0.0;
  opt.apply(schedule.triggers.back(), schedule, w, cum, &m, &v);
  const ReferenceAdam ref(eta, w0, g, n);
  CHECK(w == std::min(std::max(ref.w, -100.0), 100.0));
  CHECK(m == ref.m);
  CHECK(v == ref.v);
  CHECK(clock.beta1_power == ref.b1p);
  CHECK(clock.beta2_power == ref.b2p);
}

TEST_CASE("Adam with batch_size B runs idx/B iterations on the first call and averages the batch", "[optimizer]") {
  const double eta = 0.05;
  Synapse s(adam(eta, 3), -0.4);
  s.optimize(2, 0.3);  // K = 1: accumulate
  s.optimize(7, 0.6);  // K = 3: two iterations with cum = (0.3 + 0.6)/3, then 0
  const ReferenceAdam ref(eta, -0.4, (0.3 + 0.6) / 3.0, 2);
  CHECK(s.w == ref.w);
  CHECK(s.clock.k == 3);
  CHECK(s.clock.beta1_power == ref.b1p);
}

TEST_CASE("the weight is clamped to [Wmin, Wmax] after the step", "[optimizer]") {
  SECTION("gradient descent above Wmax") {
    auto p = gradient_descent(0.5);
    p.Wmax = 1.05;
    Synapse s(p, 1.0);
    s.optimize(1, -1.0);  // 1 + 0.5 = 1.5 before the clamp
    CHECK(s.w == 1.05);
  }
  SECTION("gradient descent below Wmin") {
    auto p = gradient_descent(0.5);
    p.Wmin = -0.2;
    Synapse s(p, 0.0);
    s.optimize(1, 1.0);
    CHECK(s.w == -0.2);
  }
  SECTION("Adam's catch-up is clamped once, at the end") {
    auto p = adam(0.1);
    p.Wmin = -0.5;
    Synapse s(p, 0.0);
    s.optimize(30, 1.0);  // 30 iterations of about −0.1 each
    CHECK(s.w == -0.5);
    // The moments kept evolving unclamped.
    CHECK(s.m > 0.0);
  }
  SECTION("a weight inside the bounds is not touched") {
    auto p = gradient_descent(0.5);
    p.Wmin = -1.0;
    p.Wmax = 1.0;
    Synapse s(p, 0.25);
    s.optimize(1, 0.5);
    CHECK(s.w == 0.25 - 0.5 * 0.5);
  }
}

TEST_CASE("eta_current becomes eta after the first optimization", "[optimizer]") {
  SECTION("a fresh synapse uses the configured eta from its first optimization on") {
    Synapse s(gradient_descent(0.5), 1.0);
    CHECK(s.clock.eta_current == 1e-4);  // NEST's initial η_cur
    s.optimize(1, 0.2);
    CHECK(s.w == 1.0 - 0.5 * 0.2);
    CHECK(s.clock.eta_current == 0.5);
  }
  SECTION("a synapse that optimized before takes a changed eta one optimization later") {
    Synapse s(gradient_descent(0.5), 1.0);
    s.clock.n_optimize = 1;
    s.clock.eta_current = 0.25;  // η_cur left over from the previous optimization
    s.optimize(1, 0.2);
    CHECK(s.w == 1.0 - 0.25 * 0.2);
    CHECK(s.clock.eta_current == 0.5);
    s.optimize(2, 0.2);
    CHECK(s.w == (1.0 - 0.25 * 0.2) - 0.5 * 0.2);
  }
  SECTION("eta is only taken over when the counter advances") {
    Synapse s(gradient_descent(0.5), 1.0);
    s.clock.n_optimize = 1;
    s.clock.eta_current = 0.25;
    s.optimize(0, 0.2);  // no step
    CHECK(s.clock.eta_current == 0.25);
  }
}

TEST_CASE("one optimizer call updates every synapse of a source with the shared clock", "[optimizer]") {
  // The n synapses of one source share k, η_cur and the β powers; cum, m, v and w are per synapse.
  const WeightOptimizer opt(adam(0.02));
  OptimizerClock clock;
  std::vector<double> w{0.1, -0.3, 0.5}, cum(3, 0.0), m(3, 0.0), v(3, 0.0);
  const std::vector<double> g{0.2, 0.0, -1.0};
  opt.optimize(3, clock, g.data(), w.data(), SynapseMoments{cum.data(), m.data(), v.data()}, 3);
  for (std::size_t i = 0; i < 3; ++i) {
    Synapse single(adam(0.02), i == 0 ? 0.1 : i == 1 ? -0.3 : 0.5);
    single.optimize(3, g[i]);
    CHECK(w[i] == single.w);
    CHECK(m[i] == single.m);
  }
  CHECK(clock.k == 4);
  CHECK(w[1] == -0.3);  // zero gradient and zero momentum: Adam leaves it
}

}  // namespace
