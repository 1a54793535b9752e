// Tests of the event-driven e-prop synapse procedure (runtime/synapses/*, docs/numerics.md §9.2–§9.5) over a history
// archive filled by hand. The expected values come from a small scalar re-implementation of docs/numerics.md §9.3 and
// docs/numerics.md §10 written literally in this file (one synapse at a time, no shared bookkeeping), and are compared
// exactly: the engine must be bit-identical to the spec's step order.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "runtime/archive/history_archive.hpp"
#include "runtime/core/spike_batch.hpp"
#include "runtime/models/readout_constants.hpp"
#include "runtime/models/recurrent_constants.hpp"
#include "runtime/synapses/eprop_synapses.hpp"
#include "runtime/synapses/eprop_targets.hpp"
#include "runtime/synapses/inbound_spikes.hpp"
#include "runtime/synapses/spike_delivery.hpp"

namespace {

using eligo::EpropSynapses;
using eligo::HistoryArchive;
using eligo::kInfiniteSteps;
using eligo::MissingHistoryError;
using eligo::OptimizerParams;
using eligo::OptimizerType;
using eligo::ReadoutConstants;
using eligo::ReadoutTarget;
using eligo::RecurrentConstants;
using eligo::RecurrentModel;
using eligo::RecurrentParams;
using eligo::RecurrentTarget;
using eligo::Step;

// ---------------------------------------------------------------------------------------------------
// The reference: docs/numerics.md §10 OPT and docs/numerics.md §9.2/§9.3 SEND for one synapse, as literally as
// possible.

struct ReferenceOptimizer {
  OptimizerParams p;
  double cum = 0.0, eta_cur = 1e-4, m = 0.0, v = 0.0, b1p = 1.0, b2p = 1.0;
  std::int64_t k = 1, n_opt = 0;

  double optimize(Step idx, double g, double w) {
    // eta_change_count ≠ 0 exactly when eta was set to something other than NEST's default 1e-4.
    if (p.eta != 1e-4 && n_opt == 0) eta_cur = p.eta;
    cum += g;
    const std::int64_t K = 1 + idx / p.batch_size;
    if (k < K) {
      cum = cum / static_cast<double>(p.batch_size);
      if (p.type == OptimizerType::gradient_descent) {
        w = w - eta_cur * cum;
        cum = 0.0;
      } else {
        while (k < K) {
          b1p *= p.beta_1;
          b2p *= p.beta_2;
          const double alpha = eta_cur * std::sqrt(1.0 - b2p) / (1.0 - b1p);
          m = p.beta_1 * m + (1.0 - p.beta_1) * cum;
          v = p.beta_2 * v + (1.0 - p.beta_2) * cum * cum;
          w = w - alpha * m / (std::sqrt(v) + p.epsilon);
          cum = 0.0;
          k += 1;
        }
      }
      w = std::min(std::max(w, p.Wmin), p.Wmax);
      eta_cur = p.eta;
      n_opt += 1;
      k = K;
    }
    return w;
  }
};

enum class TargetKind { recurrent, adaptive, readout };

// The history of one postsynaptic neuron, indexed by step.
struct NeuronHistory {
  std::vector<double> psi, L, fr;  // recurrent targets
  std::vector<double> eps;         // readout targets
};

struct ReferenceSynapse {
  // Postsynaptic constants.
  TargetKind kind;
  double P_v, kappa, kappa_reg, P_a, beta;
  Step c;  // cutoff, steps
  bool optimize_each_step;
  ReferenceOptimizer opt;
  // Synapse state, docs/numerics.md §9.1.
  double w;
  Step t_prev = 0;
  bool prev_flush = false;
  double zpb = 0.0, z_bar = 0.0, e_bar = 0.0, e_bar_reg = 0.0, eps_a = 0.0, g = 0.0;
  Step rem = 0, decay = 0;

  void send(Step s, bool is_flush, const NeuronHistory& H) {
    if (t_prev != 0) compute_gradient(s, is_flush, H);
    t_prev = s;
    prev_flush = is_flush;
  }

  void compute_gradient(Step s, bool is_flush, const NeuronHistory& H) {
    const Step isi = s - t_prev;
    if (!prev_flush) rem = c;
    double zc = 0.0;
    if (!prev_flush) {
      g = 0.0;
      zc = 1.0;
    }
    const Step t_begin = t_prev - 1;
    const Step n = std::min(rem, isi);
    for (Step t = t_begin; t <= t_begin + n - 1; ++t) {
      const double z = zpb;
      zpb = zc;
      zc = 0.0;
      z_bar = P_v * z_bar + z;
      double dg;
      if (kind == TargetKind::readout) {
        dg = H.eps.at(t) * z_bar;
      } else {
        double e;
        if (kind == TargetKind::adaptive) {
          e = H.psi.at(t) * (z_bar - beta * eps_a);
          eps_a = P_a * eps_a + e;
        } else {
          e = H.psi.at(t) * z_bar;
        }
        e_bar = kappa * e_bar + e;
        e_bar_reg = kappa_reg * e_bar_reg + (1.0 - kappa_reg) * e;
        dg = H.L.at(t) * e_bar + H.fr.at(t) * e_bar_reg;
      }
      if (optimize_each_step) {
        g = dg;
        w = opt.optimize(t + 1, g, w);
      } else {
        g += dg;
      }
    }
    rem -= n;
    const Step gap = isi - n;
    decay += gap;
    if (!is_flush && decay > 0) {
      const double d = static_cast<double>(decay);
      z_bar *= std::pow(P_v, d);
      if (kind != TargetKind::readout) {
        e_bar *= std::pow(kappa, d);
        e_bar_reg *= std::pow(kappa_reg, d);
        if (kind == TargetKind::adaptive) eps_a *= std::pow(P_a, d);
      }
      decay = 0;
    }
    if (!is_flush && !optimize_each_step) w = opt.optimize(s - 1, g, w);
  }
};

// ---------------------------------------------------------------------------------------------------
// The bench: one source (global id kSource) with four synapses into three postsynaptic neurons (one
// multapse), run through EpropSynapses and, synapse by synapse, through the reference.

constexpr std::uint64_t kSource = 5;
constexpr std::uint64_t kGlobalIds = 16;
const std::vector<std::uint32_t> kTargets{0, 1, 0, 2};
const std::vector<double> kInitialWeights{0.5, -0.25, 0.125, 1.0};
constexpr std::size_t kNeurons = 3;

struct Setup {
  TargetKind kind = TargetKind::recurrent;
  OptimizerParams optimizer;
  Step cutoff = kInfiniteSteps;
  Step history_steps = 200;  // steps [0, history_steps) are archived
  std::uint64_t seed = 1;
};

OptimizerParams gradient_descent(double eta, bool each_step, std::int64_t batch_size = 1) {
  OptimizerParams p;
  p.type = OptimizerType::gradient_descent;
  p.eta = eta;
  p.optimize_each_step = each_step;
  p.batch_size = batch_size;
  p.Wmin = -3.0;
  p.Wmax = 3.0;
  return p;
}

OptimizerParams adam(double eta, bool each_step, std::int64_t batch_size = 1) {
  OptimizerParams p = gradient_descent(eta, each_step, batch_size);
  p.type = OptimizerType::adam;
  return p;
}

class SynapseBench {
 public:
  explicit SynapseBench(const Setup& setup)
      : setup_(setup),
        archive_(kNeurons, setup.kind == TargetKind::readout ? std::size_t{1} : std::size_t{eligo::kRecurrentFields}),
        synapses_(setup.optimizer, setup.kind != TargetKind::readout, setup.kind == TargetKind::adaptive, kGlobalIds) {
    RecurrentParams p;
    p.tau_m = 12.0;
    p.kappa = 0.95;
    p.kappa_reg = 0.9;
    p.adapt_beta = 0.3;
    p.adapt_tau = 30.0;
    rec_ = RecurrentConstants::from(
        setup.kind == TargetKind::adaptive ? RecurrentModel::eprop_iaf_adapt : RecurrentModel::eprop_iaf, p, 1.0);
    rec_.cutoff = setup.cutoff;
    out_.P_v = std::exp(-1.0 / 7.0);
    out_.cutoff = setup.cutoff;

    fill_history();
    for (std::size_t i = 0; i < kTargets.size(); ++i) {
      synapses_.add(kSource, kTargets[i], kInitialWeights[i]);
      ReferenceSynapse ref{setup.kind,
                           setup.kind == TargetKind::readout ? out_.P_v : rec_.P_v,
                           rec_.kappa,
                           rec_.kappa_reg,
                           rec_.P_a,
                           rec_.beta,
                           setup.cutoff,
                           setup.optimizer.optimize_each_step,
                           ReferenceOptimizer{setup.optimizer},
                           kInitialWeights[i]};
      reference_.push_back(ref);
    }
    synapses_.finalize();
  }

  // SEND for an event with stamp s, in the engine and in the reference.
  void spike(Step s) { send(s, false); }
  void flush(Step s) { send(s, true); }
  void send(Step s, bool is_flush) {
    engine_send(s, is_flush);
    for (std::size_t i = 0; i < reference_.size(); ++i) reference_[i].send(s, is_flush, neuron_[kTargets[i]]);
  }
  // The engine alone (for the failure paths).
  void engine_send(Step s, bool is_flush) {
    if (setup_.kind == TargetKind::readout) {
      synapses_.send(run(), s, is_flush, ReadoutTarget{archive_, out_});
    } else {
      synapses_.send(run(), s, is_flush, RecurrentTarget{archive_, rec_});
    }
  }

  std::size_t run() const { return static_cast<std::size_t>(synapses_.run_of(kSource)); }
  double weight(std::size_t i) const { return synapses_.weights(run())[i]; }
  const eligo::SourceBookkeeping& bookkeeping() const { return synapses_.bookkeeping(run()); }
  double g(std::size_t i) { return synapses_.run(run()).g[i]; }
  EpropSynapses& synapses() { return synapses_; }
  HistoryArchive& archive() { return archive_; }
  NeuronHistory& neuron(std::size_t j) { return neuron_[j]; }
  const RecurrentConstants& rec() const { return rec_; }
  const ReadoutConstants& out() const { return out_; }
  RecurrentTarget recurrent_target() const { return {archive_, rec_}; }

  // Copies the per-neuron histories into the archive (after a test edited them).
  void write_archive() {
    for (Step t = archive_.first_step(); t < archive_.end_step(); ++t) {
      const std::size_t q = archive_.slot(t);
      for (std::size_t j = 0; j < kNeurons; ++j) {
        if (setup_.kind == TargetKind::readout) {
          archive_.at(0, j, q) = neuron_[j].eps[t];
        } else {
          archive_.at(eligo::kPsi, j, q) = neuron_[j].psi[t];
          archive_.at(eligo::kLearningSignal, j, q) = neuron_[j].L[t];
          archive_.at(eligo::kFiringRateReg, j, q) = neuron_[j].fr[t];
        }
      }
    }
  }

  // Every synapse's weight and traces equal the reference's, bit for bit.
  void require_matches_reference() {
    const auto syn = synapses_.run(run());
    const auto& b = bookkeeping();
    for (std::size_t i = 0; i < reference_.size(); ++i) {
      const ReferenceSynapse& ref = reference_[i];
      INFO("synapse " << i << " (target " << kTargets[i] << ")");
      REQUIRE(syn.w[i] == ref.w);
      REQUIRE(syn.g[i] == ref.g);
      REQUIRE(b.z_bar == ref.z_bar);
      REQUIRE(b.zpb == ref.zpb);
      REQUIRE(b.rem == ref.rem);
      REQUIRE(b.decay == ref.decay);
      if (syn.e_bar != nullptr) {
        REQUIRE(syn.e_bar[i] == ref.e_bar);
        REQUIRE(syn.e_bar_reg[i] == ref.e_bar_reg);
      }
      if (syn.eps_a != nullptr) REQUIRE(syn.eps_a[i] == ref.eps_a);
    }
  }

 private:
  // Deterministic values in the ranges a running network produces; some ψ are exactly 0 (refractory).
  void fill_history() {
    std::mt19937_64 rng(setup_.seed);
    std::uniform_real_distribution<double> psi(0.0, 0.3), L(-1.0, 1.0), fr(-0.05, 0.05), eps(-2.0, 2.0);
    std::bernoulli_distribution refractory(0.15);
    neuron_.assign(kNeurons, {});
    for (Step t = 0; t < setup_.history_steps; ++t) {
      for (NeuronHistory& n : neuron_) {
        n.psi.push_back(refractory(rng) ? 0.0 : psi(rng));
        n.L.push_back(L(rng));
        n.fr.push_back(fr(rng));
        n.eps.push_back(eps(rng));
      }
      archive_.append(t);
    }
    write_archive();
  }

  Setup setup_;
  RecurrentConstants rec_;
  ReadoutConstants out_;
  HistoryArchive archive_;
  EpropSynapses synapses_;
  std::vector<NeuronHistory> neuron_;
  std::vector<ReferenceSynapse> reference_;
};

Setup setup_with(TargetKind kind, const OptimizerParams& opt, Step cutoff = kInfiniteSteps) {
  Setup s;
  s.kind = kind;
  s.optimizer = opt;
  s.cutoff = cutoff;
  return s;
}

// ---------------------------------------------------------------------------------------------------
// First event, isi = 1, cutoff

TEST_CASE("the first event through an e-prop synapse computes nothing and only records its stamp", "[synapse]") {
  SynapseBench bench(setup_with(TargetKind::recurrent, gradient_descent(0.1, true)));
  // Not even the history is read: an empty archive would throw otherwise.
  bench.archive().erase_before(bench.archive().end_step());
  REQUIRE(bench.archive().rows() == 0);
  bench.spike(40);
  for (std::size_t i = 0; i < kTargets.size(); ++i) CHECK(bench.weight(i) == kInitialWeights[i]);
  CHECK(bench.bookkeeping().t_prev == 40);
  CHECK(bench.bookkeeping().z_bar == 0.0);
  CHECK(bench.bookkeeping().clock.k == 1);
}

TEST_CASE("a spike one step after the previous one is carried by zpb into the next interval's first step",
          "[synapse]") {
  SynapseBench bench(setup_with(TargetKind::recurrent, adam(0.01, true)));
  bench.spike(5);
  bench.spike(6);  // isi = 1: the loop runs step 4 only, with z = 0; the spike of stamp 5 waits in zpb
  CHECK(bench.bookkeeping().z_bar == 0.0);
  CHECK(bench.bookkeeping().zpb == 1.0);
  bench.require_matches_reference();
  bench.spike(9);  // steps 5, 6, 7: spike 5 enters at step 5, spike 6 at step 6
  const double P_v = bench.rec().P_v;
  CHECK(bench.bookkeeping().z_bar == P_v * (P_v * (P_v * 0.0 + 1.0) + 1.0) + 0.0);
  bench.require_matches_reference();
  bench.spike(10);
  bench.spike(11);
  bench.spike(30);
  bench.require_matches_reference();
}

TEST_CASE("steps beyond the cutoff are not read and the traces decay with pow(factor, gap) at the next spike",
          "[synapse]") {
  for (bool each_step : {true, false}) {
    INFO("optimize_each_step = " << each_step);
    SynapseBench bench(setup_with(TargetKind::recurrent, gradient_descent(0.1, each_step), /*cutoff=*/3));
    // Steps 7..13 lie beyond the cutoff of the interval [4, 14): poison them, reading them would give NaN.
    for (Step t = 7; t <= 13; ++t) {
      for (std::size_t j = 0; j < kNeurons; ++j) bench.neuron(j).psi[t] = bench.neuron(j).L[t] = std::nan("");
    }
    bench.write_archive();
    bench.spike(5);
    bench.spike(15);  // loop over steps 4, 5, 6; gap = 10 − 3 = 7
    const double P_v = bench.rec().P_v;
    CHECK(bench.bookkeeping().z_bar == (P_v * (P_v * 0.0 + 1.0) + 0.0) * std::pow(P_v, 7.0));
    CHECK(bench.bookkeeping().rem == 0);
    CHECK(bench.bookkeeping().decay == 0);
    for (std::size_t i = 0; i < kTargets.size(); ++i) CHECK(std::isfinite(bench.weight(i)));
    bench.require_matches_reference();
    bench.spike(17);
    bench.spike(40);
    bench.require_matches_reference();
  }
}

TEST_CASE("a cutoff of one step with isi > 1 injects the pending spike at the next interval's first step",
          "[synapse]") {
  // docs/numerics.md §9.3: NEST's zpb corner case, reproduced literally.
  SynapseBench bench(setup_with(TargetKind::recurrent, gradient_descent(0.1, true), /*cutoff=*/1));
  bench.spike(5);
  bench.spike(9);  // one step (4) with z = 0; zpb = 1
  CHECK(bench.bookkeeping().zpb == 1.0);
  bench.spike(12);  // step 8 uses the spike of stamp 5
  CHECK(bench.bookkeeping().z_bar ==
        (bench.rec().P_v * (0.0 * std::pow(bench.rec().P_v, 3.0)) + 1.0) * std::pow(bench.rec().P_v, 2.0));
  bench.require_matches_reference();
}

// ---------------------------------------------------------------------------------------------------
// Flush events (docs/numerics.md §9.5)

TEST_CASE("a flush event defers the decay and the per-spike optimizer call and keeps rem and g", "[synapse]") {
  SynapseBench bench(setup_with(TargetKind::recurrent, gradient_descent(0.1, false), /*cutoff=*/10));
  bench.spike(5);
  bench.flush(12);  // integrates steps 4..10 (7 of 10 steps)
  const auto& b = bench.bookkeeping();
  CHECK(b.prev_flush);
  CHECK(b.rem == 3);
  CHECK(b.decay == 0);
  for (std::size_t i = 0; i < kTargets.size(); ++i) CHECK(bench.weight(i) == kInitialWeights[i]);
  const double g_after_flush = bench.g(0);
  CHECK(g_after_flush != 0.0);
  bench.require_matches_reference();

  bench.flush(20);  // three more steps (11..13), then the cutoff: 5 steps of pending decay
  CHECK(b.rem == 0);
  CHECK(b.decay == 5);
  const double z_bar_before = b.z_bar;
  bench.require_matches_reference();

  bench.spike(24);  // nothing left to integrate; decay 5 + 4 = 9 applied now, then the optimizer
  CHECK(b.z_bar == z_bar_before * std::pow(bench.rec().P_v, 9.0));
  CHECK(b.decay == 0);
  CHECK(bench.weight(0) != kInitialWeights[0]);
  bench.require_matches_reference();
}

TEST_CASE("a flush does not inject a spike into the trace", "[synapse]") {
  SynapseBench bench(setup_with(TargetKind::recurrent, gradient_descent(0.1, true)));
  bench.spike(5);
  bench.flush(8);   // steps 4, 5, 6: the spike of stamp 5
  bench.spike(11);  // steps 7, 8, 9: no new spike at 8
  const double P_v = bench.rec().P_v;
  double z_bar = 0.0;
  for (double z : {0.0, 1.0, 0.0, 0.0, 0.0, 0.0}) z_bar = P_v * z_bar + z;
  CHECK(bench.bookkeeping().z_bar == z_bar);
  bench.require_matches_reference();
}

TEST_CASE("splitting an interval with flush events gives the same weights as without them", "[synapse]") {
  for (bool each_step : {true, false}) {
    for (Step cutoff : {Step{4}, Step{10}, kInfiniteSteps}) {
      for (TargetKind kind : {TargetKind::recurrent, TargetKind::adaptive, TargetKind::readout}) {
        INFO("optimize_each_step = " << each_step << ", cutoff = " << cutoff << ", kind = " << int(kind));
        const auto setup = setup_with(kind, adam(0.01, each_step), cutoff);
        SynapseBench plain(setup), flushed(setup);
        for (Step s : {3, 20, 31}) plain.spike(s);
        flushed.spike(3);
        flushed.flush(6);
        flushed.flush(9);
        flushed.flush(15);
        flushed.spike(20);
        flushed.flush(29);
        flushed.spike(31);
        flushed.require_matches_reference();
        for (std::size_t i = 0; i < kTargets.size(); ++i) CHECK(flushed.weight(i) == plain.weight(i));
        CHECK(flushed.bookkeeping().z_bar == plain.bookkeeping().z_bar);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Optimizer indices

TEST_CASE("per-step optimization calls the optimizer with idx = t + 1 for each integrated step", "[synapse]") {
  // Batch size 4: steps 4..10 give idx 5..11, i.e. K = 2, 2, 2, 3, 3, 3, 3 (K = 1 + idx/4): the counter
  // advances at idx 5 (t = 4) and idx 8 (t = 7), so there are two optimizer steps.
  SynapseBench bench(setup_with(TargetKind::recurrent, gradient_descent(0.1, true, 4)));
  bench.spike(5);
  bench.spike(12);
  CHECK(bench.bookkeeping().clock.k == 3);
  CHECK(bench.bookkeeping().clock.n_optimize == 2);
  bench.require_matches_reference();
}

TEST_CASE("per-spike optimization calls the optimizer once with idx = s - 1", "[synapse]") {
  // Batch size 10: the spike with stamp 10 has idx 9 (K = 1, no step); stamp 11 has idx 10 (K = 2).
  SynapseBench bench(setup_with(TargetKind::recurrent, gradient_descent(0.1, false, 10)));
  bench.spike(3);
  bench.spike(10);
  for (std::size_t i = 0; i < kTargets.size(); ++i) CHECK(bench.weight(i) == kInitialWeights[i]);
  CHECK(bench.bookkeeping().clock.k == 1);
  bench.spike(11);
  CHECK(bench.bookkeeping().clock.k == 2);
  CHECK(bench.bookkeeping().clock.n_optimize == 1);
  CHECK(bench.weight(0) != kInitialWeights[0]);
  bench.require_matches_reference();
}

TEST_CASE("per-step and per-spike optimization match the reference with Adam's catch-up", "[synapse]") {
  for (bool each_step : {true, false}) {
    INFO("optimize_each_step = " << each_step);
    SynapseBench bench(setup_with(TargetKind::adaptive, adam(0.02, each_step, 2), /*cutoff=*/6));
    for (Step s : {41, 42, 50, 70, 71, 73, 120}) {
      bench.spike(s);
      bench.require_matches_reference();
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Readout targets, multiplicity, missing history

TEST_CASE("a readout target's gradient is eps * z_bar", "[synapse]") {
  SynapseBench bench(setup_with(TargetKind::readout, gradient_descent(0.1, true)));
  bench.spike(3);
  bench.spike(6);  // steps 2, 3, 4 with z̄ = 0, 1, P_v
  const double P_v = bench.out().P_v;
  for (std::size_t i = 0; i < kTargets.size(); ++i) {
    const NeuronHistory& n = bench.neuron(kTargets[i]);
    // idx 3, 4, 5: each one advances the counter, so each is a gradient descent step.
    const double expected =
        ((kInitialWeights[i] - 0.1 * (n.eps[2] * 0.0)) - 0.1 * (n.eps[3] * 1.0)) - 0.1 * (n.eps[4] * P_v);
    CHECK(bench.weight(i) == expected);
  }
  bench.require_matches_reference();
}

// Delivers one batch through the phase-B path: queued with a one-step delay, taken out in step s.
std::uint64_t deliver_batch(Step s, eligo::SpikeBatch batch, eligo::EpropSynapses& synapses,
                            const eligo::RecurrentTarget& target, double* input) {
  batch.first_step = batch.slice;  // one step per slice
  eligo::InboundSpikes queue;
  queue.add(batch, 1);
  return eligo::deliver_spikes(queue.arriving(s), synapses, target, input);
}

TEST_CASE("a spike with multiplicity 3 runs the procedure once and transmits weight * 3", "[synapse]") {
  const auto setup = setup_with(TargetKind::recurrent, gradient_descent(0.1, false));
  SynapseBench triple(setup), single(setup);
  std::vector<double> input(kNeurons, 0.0);

  auto deliver = [&](SynapseBench& bench, Step s, std::uint32_t multiplicity) {
    eligo::SpikeBatch batch;
    batch.slice = s - 1;  // emitted in step s − 1, stamp s
    batch.sender_first_gid = kSource - 2;
    batch.events.push_back({0, 2, multiplicity, eligo::EventKind::spike});
    std::fill(input.begin(), input.end(), 0.0);
    return deliver_batch(s, batch, bench.synapses(), bench.recurrent_target(), input.data());
  };

  deliver(single, 4, 1);
  deliver(single, 9, 1);
  deliver(triple, 4, 3);
  CHECK(deliver(triple, 9, 3) == kTargets.size());
  for (std::size_t i = 0; i < kTargets.size(); ++i) {
    CHECK(triple.weight(i) == single.weight(i));
    CHECK(triple.weight(i) != kInitialWeights[i]);
  }
  CHECK(triple.bookkeeping().z_bar == single.bookkeeping().z_bar);
  // The updated weights, times 3, in connection order (target 0 gets synapses 0 and 2).
  CHECK(input[0] == (0.0 + triple.weight(0) * 3.0) + triple.weight(2) * 3.0);
  CHECK(input[1] == 0.0 + triple.weight(1) * 3.0);
  CHECK(input[2] == 0.0 + triple.weight(3) * 3.0);
}

TEST_CASE("a flush delivered through spike delivery transmits nothing", "[synapse]") {
  SynapseBench bench(setup_with(TargetKind::recurrent, gradient_descent(0.1, true)));
  std::vector<double> input(kNeurons, 0.0);
  eligo::SpikeBatch batch;
  batch.slice = 3;
  batch.sender_first_gid = kSource;
  batch.events.push_back({0, 0, 1, eligo::EventKind::spike});
  deliver_batch(4, batch, bench.synapses(), bench.recurrent_target(), input.data());
  CHECK(input[2] == kInitialWeights[3]);
  std::fill(input.begin(), input.end(), 0.0);
  batch.slice = 9;
  batch.events[0].kind = eligo::EventKind::flush;
  CHECK(deliver_batch(10, batch, bench.synapses(), bench.recurrent_target(), input.data()) == 0);
  CHECK(input == std::vector<double>(kNeurons, 0.0));
  CHECK(bench.bookkeeping().prev_flush);
  CHECK(bench.bookkeeping().t_prev == 10);
}

TEST_CASE("reading a history step that was erased throws MissingHistoryError", "[synapse]") {
  SynapseBench bench(setup_with(TargetKind::recurrent, gradient_descent(0.1, true)));
  bench.archive().erase_before(10);
  bench.engine_send(5, false);                                         // first event: reads nothing
  CHECK_THROWS_AS(bench.engine_send(12, false), MissingHistoryError);  // would read steps 4..10
}

TEST_CASE("reading a history step that was never written throws MissingHistoryError", "[synapse]") {
  Setup setup = setup_with(TargetKind::readout, gradient_descent(0.1, true));
  setup.history_steps = 20;
  SynapseBench bench(setup);
  bench.engine_send(15, false);
  CHECK_THROWS_AS(bench.engine_send(25, false), MissingHistoryError);  // would read steps 14..23
}

// ---------------------------------------------------------------------------------------------------
// Randomized agreement with the reference

TEST_CASE("random event sequences give the reference's weights and traces bit for bit", "[synapse]") {
  std::mt19937_64 rng(20240611);
  const std::vector<Step> cutoffs{1, 2, 3, 7, 25, kInfiniteSteps};
  const std::vector<Step> gaps{1, 1, 1, 2, 3, 5, 9, 17, 40};
  for (int scenario = 0; scenario < 300; ++scenario) {
    Setup setup;
    setup.kind = static_cast<TargetKind>(rng() % 3);
    const bool each_step = rng() % 2 == 0;
    const std::int64_t batch = 1 + static_cast<std::int64_t>(rng() % 3);
    setup.optimizer = rng() % 2 == 0 ? adam(0.005, each_step, batch) : gradient_descent(0.05, each_step, batch);
    setup.cutoff = cutoffs[rng() % cutoffs.size()];
    setup.history_steps = 1100;  // the last stamp is at most 30 + 25·40
    setup.seed = rng();
    INFO("scenario " << scenario << ": kind " << int(setup.kind) << ", each_step " << each_step << ", batch " << batch
                     << ", adam " << (setup.optimizer.type == OptimizerType::adam) << ", cutoff " << setup.cutoff);
    SynapseBench bench(setup);
    Step s = 1 + static_cast<Step>(rng() % 30);
    bench.spike(s);  // a source's first event is always a spike (flushes need a previous spike)
    for (int e = 0; e < 25; ++e) {
      s += gaps[rng() % gaps.size()];
      const bool flush = rng() % 4 == 0;
      INFO("event " << e << " at stamp " << s << (flush ? " (flush)" : " (spike)"));
      bench.send(s, flush);
      bench.require_matches_reference();
    }
  }
}

}  // namespace
