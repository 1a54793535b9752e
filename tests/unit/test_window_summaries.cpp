// Tests of the window summaries of the closed-form e-prop interval (runtime/synapses/window_summaries.*,
// runtime/synapses/summary_algebra.hpp): for random histories, the stored pieces of any window, composed by
// the algebra, give the gradient and the traces of a direct step loop of the same recurrence up to rounding;
// decompose refuses exactly the windows it cannot serve; the peel step's history fields stored beside a
// suffix are the history's; a table refilled after a reset from a history that starts later gives
// bit-identical pieces; and the bound terms bound every partial sum of a window's gradient.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "runtime/archive/history_archive.hpp"
#include "runtime/archive/recurrent_history_fields.hpp"
#include "runtime/core/time.hpp"
#include "runtime/synapses/summary_algebra.hpp"
#include "runtime/synapses/window_summaries.hpp"

namespace {

using eligo::HistoryArchive;
using eligo::ReadoutSummaryAlgebra;
using eligo::RecurrentSummaryAlgebra;
using eligo::Step;
using eligo::SummaryPiece;
using eligo::WindowSummaryTable;

constexpr std::size_t kNeurons = 4, kReadouts = 3;
constexpr Step kFirst = 3, kEnd = 3003;  // the stored steps [kFirst, kEnd): not aligned to any block
constexpr Step kBlock = WindowSummaryTable::kBlock;
constexpr Step kLongestWindow = 700;
constexpr double kTolerance = 1e-13;

const double kPv = std::exp(-1.0 / 20.0);     // tau_m = 20 ms at 1 ms
const double kPvOut = std::exp(-1.0 / 10.0);  // readout tau_m = 10 ms

// A signed value whose magnitude spans four decades, so that windows mix large and small terms.
double signed_value(std::mt19937_64& rng) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const double magnitude = std::pow(10.0, -3.0 + 4.0 * unit(rng));
  return unit(rng) < 0.5 ? -magnitude : magnitude;
}

// Recurrent fields as the neurons write them: ψ ≥ 0 (zero in a third of the steps, as in refractory
// periods), signed L and fr_reg. Readouts: signed ε.
struct Histories {
  HistoryArchive rec{kNeurons, eligo::kRecurrentFields};
  HistoryArchive out{kReadouts, 1};
};

void append_random_step(Histories& h, Step t, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  h.rec.append(t);
  h.out.append(t);
  for (std::size_t j = 0; j < kNeurons; ++j) {
    const std::size_t q = h.rec.slot(t);
    h.rec.at(eligo::kPsi, j, q) = unit(rng) < 1.0 / 3.0 ? 0.0 : 0.3 * unit(rng);
    h.rec.at(eligo::kLearningSignal, j, q) = signed_value(rng);
    h.rec.at(eligo::kFiringRateReg, j, q) = 0.05 * signed_value(rng);
  }
  for (std::size_t k = 0; k < kReadouts; ++k) h.out.at(0, k, h.out.slot(t)) = signed_value(rng);
}

void fill_random(Histories& h, Step first, Step end, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  for (Step t = first; t < end; ++t) append_random_step(h, t, rng);
}

double field(const HistoryArchive& h, std::size_t f, std::size_t j, Step t) {
  return h.neuron(j)[h.slot(t) * h.fields() + f];
}

// Fills the table in chunks of random length, as the shards do one step (or slice) at a time.
template <class Algebra>
void fill_in_chunks(WindowSummaryTable& table, const HistoryArchive& h, const Algebra& algebra, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<Step> chunk(1, 40);
  for (Step until = h.first_step(); until < h.end_step();) {
    until = std::min(h.end_step(), until + chunk(rng));
    table.fill_until(until, h, algebra);
  }
  REQUIRE(table.begin() == h.first_step());
  REQUIRE(table.end() == h.end_step());
}

// What decompose promises to serve: windows of at least kShortestWindow steps that cross a boundary of the
// aligned kBlock-step blocks and lie inside the stored steps.
bool servable(const WindowSummaryTable& table, Step a, Step b) {
  return b - a + 1 >= WindowSummaryTable::kShortestWindow && a / kBlock != b / kBlock && a >= table.begin() &&
         b < table.end();
}

// The pieces tile [a, b] in order, each a suffix stored at its first step or a prefix stored at its last,
// none longer than kLongestPiece. (Checked without an assertion per piece: there are millions.)
void require_tiling(const std::vector<SummaryPiece>& pieces, Step a, Step b) {
  Step start = a;
  for (const SummaryPiece& p : pieces) {
    if (p.length < 1 || p.length > WindowSummaryTable::kLongestPiece ||
        p.step != (p.suffix ? start : start + p.length - 1)) {
      FAIL("window [" << a << ", " << b << "]: piece at step " << p.step << " of " << p.length << " steps from step "
                      << start << " (suffix " << p.suffix << ")");
    }
    start += p.length;
  }
  if (start != b + 1) FAIL("window [" << a << ", " << b << "]: the pieces end at step " << start - 1);
}

// The history fields of step a − 1 that the table keeps beside the suffix at a, for the interval's peel
// step, are the history's own, to the bit.
void require_peel_fields(const WindowSummaryTable& table, const HistoryArchive& h, Step a) {
  for (std::size_t j = 0; j < table.neurons(); ++j) {
    const double* expected = h.neuron(j) + h.slot(a - 1) * h.fields();
    if (std::memcmp(table.peel_fields(a, j), expected, h.fields() * sizeof(double)) != 0) {
      FAIL("the peel fields beside the suffix at step " << a << " of neuron " << j << " are not step " << a - 1
                                                        << "'s");
    }
  }
}

// decompose(a, b) into pieces, checked: it serves exactly the servable windows, their pieces tile the
// window, and the peel fields beside its first suffix are the history's. False when it is not servable.
bool decompose_checked(const WindowSummaryTable& table, const HistoryArchive& h, Step a, Step b,
                       std::vector<SummaryPiece>& pieces) {
  pieces.clear();
  const bool ok = table.decompose(a, b, pieces);
  if (ok != servable(table, a, b)) FAIL("window [" << a << ", " << b << "]: decompose says " << ok);
  if (!ok) return false;
  require_tiling(pieces, a, b);
  if (a > table.begin()) require_peel_fields(table, h, a);
  return true;
}

// A random window of 1 … kLongestWindow steps inside [first, end); half of them short.
struct Window {
  Step a, b;
};
Window random_window(std::mt19937_64& rng, Step first, Step end) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const Step longest = std::min(end - first, unit(rng) < 0.5 ? Step{140} : kLongestWindow);
  const Step length = 1 + static_cast<Step>(unit(rng) * static_cast<double>(longest));
  const Step a = first + static_cast<Step>(unit(rng) * static_cast<double>(end - first - length + 1));
  return {a, a + std::min(length, end - a) - 1};
}

// z̄ over a window: A at its first step, then P_v per step, as the shared loop computes it.
std::vector<double> z_bar_of(Step a, Step b, double A, double P_v) {
  std::vector<double> z(static_cast<std::size_t>(b - a + 1));
  z[0] = A;
  for (std::size_t k = 1; k < z.size(); ++k) z[k] = P_v * z[k - 1];
  return z;
}

// ---------------------------------------------------------------------------------------------------
// Reference: the direct step loop (docs/numerics.md §9.3, non-adaptive) over [a, b].

struct RecurrentParams {
  double P_v, kappa, kappa_reg;
};

struct RecurrentResult {
  double g = 0.0;
  double magnitude = 0.0;    // M = Σ |L|·ē + |fr|·ē_reg: the size of the terms the gradient sums
  double max_partial = 0.0;  // max over the window of |Σ_{u ≤ t} Δg(u)|
  double e_bar = 0.0, e_bar_reg = 0.0;
  double abs_L = 0.0, abs_fr = 0.0, max_psi = 0.0;
};

RecurrentResult recurrent_loop(const HistoryArchive& h, std::size_t j, Step a, const std::vector<double>& z_bar,
                               const RecurrentParams& p, double e_bar, double e_bar_reg) {
  RecurrentResult r;
  for (std::size_t k = 0; k < z_bar.size(); ++k) {
    const Step t = a + static_cast<Step>(k);
    const double psi = field(h, eligo::kPsi, j, t), L = field(h, eligo::kLearningSignal, j, t),
                 fr = field(h, eligo::kFiringRateReg, j, t);
    const double e = psi * z_bar[k];
    e_bar = p.kappa * e_bar + e;
    e_bar_reg = p.kappa_reg * e_bar_reg + (1.0 - p.kappa_reg) * e;
    r.g += L * e_bar + fr * e_bar_reg;
    r.magnitude += std::abs(L) * e_bar + std::abs(fr) * e_bar_reg;
    r.max_partial = std::max(r.max_partial, std::abs(r.g));
    r.abs_L += std::abs(L);
    r.abs_fr += std::abs(fr);
    r.max_psi = std::max(r.max_psi, psi);
  }
  r.e_bar = e_bar;
  r.e_bar_reg = e_bar_reg;
  return r;
}

struct ReadoutResult {
  double g = 0.0, magnitude = 0.0, max_partial = 0.0, abs_eps = 0.0;
};

ReadoutResult readout_loop(const HistoryArchive& h, std::size_t k, Step a, const std::vector<double>& z_bar) {
  ReadoutResult r;
  for (std::size_t i = 0; i < z_bar.size(); ++i) {
    const double eps = field(h, 0, k, a + static_cast<Step>(i));
    r.g += eps * z_bar[i];
    r.magnitude += std::abs(eps) * z_bar[i];
    r.max_partial = std::max(r.max_partial, std::abs(r.g));
    r.abs_eps += std::abs(eps);
  }
  return r;
}

// The closed form: the pieces applied in order, each with the loop's z̄ of its first step.
RecurrentResult recurrent_pieces(const WindowSummaryTable& table, const RecurrentSummaryAlgebra& algebra,
                                 const std::vector<SummaryPiece>& pieces, std::size_t j,
                                 const std::vector<double>& z_bar, double e_bar, double e_bar_reg) {
  RecurrentResult r;
  std::size_t start = 0;
  for (const SummaryPiece& p : pieces) {
    r.g += algebra.apply(table.entry(p, j), algebra.kappa_pow()[p.length], algebra.kappa_reg_pow()[p.length],
                         z_bar[start], e_bar, e_bar_reg);
    start += static_cast<std::size_t>(p.length);
  }
  r.e_bar = e_bar;
  r.e_bar_reg = e_bar_reg;
  return r;
}

double readout_pieces(const WindowSummaryTable& table, const ReadoutSummaryAlgebra& algebra,
                      const std::vector<SummaryPiece>& pieces, std::size_t k, const std::vector<double>& z_bar) {
  double g = 0.0;
  std::size_t start = 0;
  for (const SummaryPiece& p : pieces) {
    g += algebra.apply(table.entry(p, k), z_bar[start]);
    start += static_cast<std::size_t>(p.length);
  }
  return g;
}

// |x − y| relative to scale; 0 when both are exactly equal (scale 0 included).
double deviation(double x, double y, double scale) {
  if (x == y) return 0.0;
  return std::abs(x - y) / scale;  // inf when scale is 0 and they differ: a failure
}

// Largest deviations of the closed form from the loop over many windows, with the worst window.
struct Worst {
  double gradient = 0.0, traces = 0.0;
  Step a = 0, b = 0;
  std::size_t windows = 0;
  void add(double g_dev, double trace_dev, Step wa, Step wb) {
    if (g_dev > gradient || trace_dev > traces) a = wa, b = wb;
    gradient = std::max(gradient, g_dev);
    traces = std::max(traces, trace_dev);
    ++windows;
  }
};

}  // namespace

TEST_CASE("recurrent window summaries compose to the gradient and traces of the step loop", "[window_summaries]") {
  // κ = κ_reg stores D once, κ ≠ κ_reg keeps D_reg apart; with bounds (per-step optimization) or without.
  const double kappa_reg = GENERATE(0.97, 0.8);
  const bool bounds = GENERATE(false, true);
  const RecurrentParams p{kPv, 0.97, kappa_reg};
  INFO("kappa_reg " << kappa_reg << ", bounds " << bounds);
  Histories h;
  fill_random(h, kFirst, kEnd, 11);
  const RecurrentSummaryAlgebra algebra(h.rec, p.P_v, p.kappa, p.kappa_reg, WindowSummaryTable::kLongestPiece, bounds);
  CHECK(algebra.components() == (kappa_reg == p.kappa ? 4u : 5u) + (bounds ? 3u : 0u));
  WindowSummaryTable table(kNeurons, algebra.components(), eligo::kRecurrentFields);
  fill_in_chunks(table, h.rec, algebra, 5);

  std::mt19937_64 rng(17);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<SummaryPiece> pieces;
  Worst worst;
  std::size_t chained = 0;
  for (int n = 0; n < 3000; ++n) {
    const auto [a, b] = random_window(rng, kFirst, kEnd);
    if (!decompose_checked(table, h.rec, a, b, pieces)) continue;
    if (pieces.size() > 2) ++chained;
    const double A = 0.1 + 1.9 * unit(rng);
    const std::vector<double> z_bar = z_bar_of(a, b, A, p.P_v);
    for (std::size_t j = 0; j < kNeurons; ++j) {
      // Entering traces: zero (a fresh synapse) or whatever an earlier window left.
      const double e_in = unit(rng) < 0.25 ? 0.0 : 2.0 * unit(rng), e_reg_in = unit(rng) < 0.25 ? 0.0 : unit(rng);
      const RecurrentResult loop = recurrent_loop(h.rec, j, a, z_bar, p, e_in, e_reg_in);
      const RecurrentResult closed = recurrent_pieces(table, algebra, pieces, j, z_bar, e_in, e_reg_in);
      worst.add(deviation(closed.g, loop.g, loop.magnitude),
                std::max(deviation(closed.e_bar, loop.e_bar, loop.e_bar),
                         deviation(closed.e_bar_reg, loop.e_bar_reg, loop.e_bar_reg)),
                a, b);
    }
  }
  INFO("worst window [" << worst.a << ", " << worst.b << "]");
  CHECK(worst.windows > 4000);
  CHECK(chained > 1000);  // windows longer than two blocks chain whole blocks
  CHECK(worst.gradient <= kTolerance);
  CHECK(worst.traces <= kTolerance);
}

TEST_CASE("readout window summaries compose to the gradient of the step loop", "[window_summaries]") {
  const bool bounds = GENERATE(false, true);
  INFO("bounds " << bounds);
  Histories h;
  fill_random(h, kFirst, kEnd, 12);
  const ReadoutSummaryAlgebra algebra(h.out, kPvOut, WindowSummaryTable::kLongestPiece, bounds);
  CHECK(algebra.components() == (bounds ? 2u : 1u));
  WindowSummaryTable table(kReadouts, algebra.components(), 1);
  fill_in_chunks(table, h.out, algebra, 6);

  std::mt19937_64 rng(23);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<SummaryPiece> pieces;
  Worst worst;
  for (int n = 0; n < 3000; ++n) {
    const auto [a, b] = random_window(rng, kFirst, kEnd);
    if (!decompose_checked(table, h.out, a, b, pieces)) continue;
    const std::vector<double> z_bar = z_bar_of(a, b, 0.1 + 1.9 * unit(rng), kPvOut);
    for (std::size_t k = 0; k < kReadouts; ++k) {
      const ReadoutResult loop = readout_loop(h.out, k, a, z_bar);
      worst.add(deviation(readout_pieces(table, algebra, pieces, k, z_bar), loop.g, loop.magnitude), 0.0, a, b);
    }
  }
  INFO("worst window [" << worst.a << ", " << worst.b << "]");
  CHECK(worst.windows > 3000);
  CHECK(worst.gradient <= kTolerance);
}

TEST_CASE("window summaries follow a history that is erased from the front while it grows", "[window_summaries]") {
  // As in a shard: steps are appended, become final a few steps later, and the front is dropped every 16
  // steps; the table is filled up to the final steps and serves windows inside what it holds.
  const double kappa_reg = GENERATE(0.97, 0.9);
  INFO("kappa_reg " << kappa_reg);
  const RecurrentParams p{kPv, 0.97, kappa_reg};
  Histories h, all;  // h is erased from the front; all keeps every step for the reference loop
  const RecurrentSummaryAlgebra algebra(h.rec, p.P_v, p.kappa, p.kappa_reg, WindowSummaryTable::kLongestPiece, true);
  WindowSummaryTable table(kNeurons, algebra.components(), eligo::kRecurrentFields);
  std::mt19937_64 rng(31), rng_all(31), windows(32);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<SummaryPiece> pieces;
  Worst worst;
  constexpr Step kFinalAfter = 3, kKeep = 400;
  for (Step t = kFirst; t < kEnd; ++t) {
    append_random_step(h, t, rng);
    append_random_step(all, t, rng_all);
    if (t % 16 == 0) h.rec.erase_before(t - kKeep - static_cast<Step>(unit(windows) * 200.0));
    table.fill_until(t - kFinalAfter, h.rec, algebra);
    if (t % 50 != 0 || table.end() - table.begin() < 8) continue;
    REQUIRE(table.begin() == h.rec.first_step());
    for (int n = 0; n < 20; ++n) {
      const auto [a, b] = random_window(windows, table.begin(), table.end());
      if (!decompose_checked(table, all.rec, a, b, pieces)) continue;
      const std::vector<double> z_bar = z_bar_of(a, b, 1.0, p.P_v);
      for (std::size_t j = 0; j < kNeurons; ++j) {
        const RecurrentResult loop = recurrent_loop(all.rec, j, a, z_bar, p, 0.5, 0.25);
        const RecurrentResult closed = recurrent_pieces(table, algebra, pieces, j, z_bar, 0.5, 0.25);
        worst.add(deviation(closed.g, loop.g, loop.magnitude),
                  std::max(deviation(closed.e_bar, loop.e_bar, loop.e_bar),
                           deviation(closed.e_bar_reg, loop.e_bar_reg, loop.e_bar_reg)),
                  a, b);
      }
    }
  }
  CHECK(h.rec.first_step() > kEnd - kKeep - 300);  // the front did move
  INFO("worst window [" << worst.a << ", " << worst.b << "]");
  CHECK(worst.windows > 2000);
  CHECK(worst.gradient <= kTolerance);
  CHECK(worst.traces <= kTolerance);
}

TEST_CASE("decompose refuses windows inside one block, windows too short and windows not stored",
          "[window_summaries]") {
  Histories h;
  fill_random(h, kFirst, kEnd, 13);
  const ReadoutSummaryAlgebra algebra(h.out, kPvOut, WindowSummaryTable::kLongestPiece, false);
  WindowSummaryTable table(kReadouts, algebra.components(), 1);
  std::vector<SummaryPiece> out;
  const SummaryPiece sentinel{true, 7, 7};
  // False leaves out as it was; true appends.
  auto decompose = [&](Step a, Step b) {
    out.assign(1, sentinel);
    const bool ok = table.decompose(a, b, out);
    if (!ok) {
      REQUIRE(out.size() == 1);
      REQUIRE(out[0].step == sentinel.step);
    } else {
      REQUIRE(out.size() > 1);
    }
    return ok;
  };
  CHECK_FALSE(decompose(2 * kBlock - 2, 2 * kBlock + 1));  // nothing stored yet
  table.fill_until(kEnd, h.out, algebra);
  REQUIRE(table.begin() == kFirst);
  REQUIRE(table.end() == kEnd);

  CHECK_FALSE(decompose(4, 7));                    // inside the first block
  CHECK_FALSE(decompose(kBlock, 2 * kBlock - 1));  // one whole aligned block
  CHECK_FALSE(decompose(10 * kBlock + 1, 10 * kBlock + 5));
  CHECK_FALSE(decompose(100, 100));  // a single step
  CHECK_FALSE(decompose(kBlock, kBlock));
  CHECK(decompose(kBlock - 1, kBlock));  // two steps across a block boundary
  CHECK(decompose(kBlock, 2 * kBlock));
  CHECK(decompose(kFirst, kBlock));
  CHECK_FALSE(decompose(kFirst - 1, kFirst + 2 * kBlock));  // starts before the stored steps
  CHECK_FALSE(decompose(0, 700));
  CHECK_FALSE(decompose(kEnd - 2 * kBlock, kEnd));  // ends after them
  CHECK_FALSE(decompose(kEnd, kEnd + 2 * kBlock));
  CHECK(decompose(kEnd - 2 * kBlock, kEnd - 1));
  // Everything: the suffix of the first block, every whole block in between and the prefix of the last.
  CHECK(decompose(kFirst, kEnd - 1));
  const Step whole_blocks = ((kEnd - 1) / kBlock) - (kFirst / kBlock) - 1;
  CHECK(out.size() == static_cast<std::size_t>(1 + 2 + whole_blocks));

  // Every window near the start and around block boundaries, against the promise.
  std::vector<SummaryPiece> pieces;
  for (const Step from : {kFirst, Step{1000}, Step{1280 - 40}}) {
    for (Step a = from; a < from + 80; ++a) {
      for (Step b = a; b < a + 150 && b < kEnd; ++b) {
        pieces.clear();
        const bool ok = table.decompose(a, b, pieces);
        if (ok != servable(table, a, b)) FAIL("window [" << a << ", " << b << "]: decompose says " << ok);
        if (ok) require_tiling(pieces, a, b);
      }
    }
  }
}

TEST_CASE("a reset table refilled from a later history start gives the entries of the table never reset",
          "[window_summaries]") {
  // First steps after the erasure: inside a block, on a block boundary, on a block's last step and just
  // after a boundary.
  const Step first = GENERATE(Step{1237}, Step{80 * kBlock}, Step{84 * kBlock - 1}, Step{88 * kBlock + 1});
  INFO("history from step " << first);
  Histories h;
  fill_random(h, kFirst, kEnd, 14);
  const RecurrentSummaryAlgebra algebra(h.rec, kPv, 0.97, 0.85, WindowSummaryTable::kLongestPiece, true);
  WindowSummaryTable never_reset(kNeurons, algebra.components(), eligo::kRecurrentFields);
  never_reset.fill_until(kEnd, h.rec, algebra);
  WindowSummaryTable refilled(kNeurons, algebra.components(), eligo::kRecurrentFields);
  fill_in_chunks(refilled, h.rec, algebra, 7);

  h.rec.erase_before(first);
  refilled.reset();
  fill_in_chunks(refilled, h.rec, algebra, 8);
  REQUIRE(refilled.begin() == first);

  const std::size_t bytes = algebra.components() * sizeof(double);
  const std::size_t field_bytes = eligo::kRecurrentFields * sizeof(double);
  std::vector<SummaryPiece> expected, got;
  std::size_t windows = 0, mismatches = 0;
  auto compare = [&](Step a, Step b) {
    expected.clear();
    got.clear();
    const bool ok = never_reset.decompose(a, b, expected);
    if (refilled.decompose(a, b, got) != ok) FAIL("window [" << a << ", " << b << "]: only one table serves it");
    if (!ok) return;
    ++windows;
    if (got.size() != expected.size()) FAIL("window [" << a << ", " << b << "]: other pieces");
    for (std::size_t i = 0; i < got.size(); ++i) {
      if (got[i].suffix != expected[i].suffix || got[i].step != expected[i].step ||
          got[i].length != expected[i].length) {
        FAIL("window [" << a << ", " << b << "]: other pieces");
      }
      for (std::size_t j = 0; j < kNeurons; ++j) {
        if (std::memcmp(refilled.entry(got[i], j), never_reset.entry(expected[i], j), bytes) != 0) {
          if (mismatches++ == 0) UNSCOPED_INFO("first mismatch: window [" << a << ", " << b << "], piece " << i);
        }
      }
    }
    for (std::size_t j = 0; a > first && j < kNeurons; ++j) {
      if (std::memcmp(refilled.peel_fields(a, j), never_reset.peel_fields(a, j), field_bytes) != 0) {
        if (mismatches++ == 0) UNSCOPED_INFO("first mismatch: peel fields of window [" << a << ", " << b << "]");
      }
    }
  };
  // Every window of up to 300 steps that starts in the first 300 stored steps (where the refilled table
  // has a block cut short by its new start), and random windows anywhere.
  for (Step a = first; a < first + 300; ++a) {
    for (Step b = a; b < std::min(kEnd, a + 300); ++b) compare(a, b);
  }
  std::mt19937_64 rng(static_cast<std::uint64_t>(first));
  for (int n = 0; n < 3000; ++n) {
    const auto [a, b] = random_window(rng, first, kEnd);
    compare(a, b);
  }
  CHECK(windows > 80000);
  CHECK(mismatches == 0);
}

TEST_CASE("the bound terms of the summaries bound every partial sum of a window's gradient", "[window_summaries]") {
  const double kappa_reg = GENERATE(0.97, 0.6);
  INFO("kappa_reg " << kappa_reg);
  const RecurrentParams p{kPv, 0.97, kappa_reg};
  Histories h;
  fill_random(h, kFirst, kEnd, 15);
  const RecurrentSummaryAlgebra rec(h.rec, p.P_v, p.kappa, p.kappa_reg, WindowSummaryTable::kLongestPiece, true);
  const ReadoutSummaryAlgebra out(h.out, kPvOut, WindowSummaryTable::kLongestPiece, true);
  WindowSummaryTable rec_table(kNeurons, rec.components(), eligo::kRecurrentFields);
  WindowSummaryTable out_table(kReadouts, out.components(), 1);
  fill_in_chunks(rec_table, h.rec, rec, 9);
  fill_in_chunks(out_table, h.out, out, 10);

  std::mt19937_64 rng(41);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<SummaryPiece> pieces;
  double sums = 0.0;  // largest relative deviation of Σ|L|, Σ|fr|, Σ|ε| from the direct sums
  double rec_tightest = 0.0, out_tightest = 0.0;  // largest ratio of a partial sum to its bound
  std::size_t windows = 0, max_psi_mismatches = 0;
  for (int n = 0; n < 2000; ++n) {
    const auto [a, b] = random_window(rng, kFirst, kEnd);
    pieces.clear();
    if (!rec_table.decompose(a, b, pieces)) continue;
    ++windows;
    const double A = 0.1 + 1.9 * unit(rng);
    const std::vector<double> z_bar = z_bar_of(a, b, A, p.P_v);
    for (std::size_t j = 0; j < kNeurons; ++j) {
      const double e_in = unit(rng), e_reg_in = unit(rng) < 0.5 ? 0.0 : unit(rng);
      const RecurrentResult loop = recurrent_loop(h.rec, j, a, z_bar, p, e_in, e_reg_in);
      double acc[3] = {0.0, 0.0, 0.0};
      for (const SummaryPiece& piece : pieces) rec.add_bounds(rec_table.entry(piece, j), acc);
      sums = std::max({sums, deviation(acc[0], loop.abs_L, loop.abs_L), deviation(acc[1], loop.abs_fr, loop.abs_fr)});
      if (acc[2] != loop.max_psi) ++max_psi_mismatches;
      rec_tightest = std::max(rec_tightest, loop.max_partial / rec.bound(acc, A, e_in, e_reg_in));
    }
    pieces.clear();
    REQUIRE(out_table.decompose(a, b, pieces));
    const std::vector<double> z_out = z_bar_of(a, b, A, kPvOut);
    for (std::size_t k = 0; k < kReadouts; ++k) {
      const ReadoutResult loop = readout_loop(h.out, k, a, z_out);
      double acc[1] = {0.0};
      for (const SummaryPiece& piece : pieces) out.add_bounds(out_table.entry(piece, k), acc);
      sums = std::max(sums, deviation(acc[0], loop.abs_eps, loop.abs_eps));
      out_tightest = std::max(out_tightest, loop.max_partial / out.bound(acc, A));
    }
  }
  CHECK(windows > 1000);
  CHECK(max_psi_mismatches == 0);  // a maximum has no rounding
  CHECK(sums <= kTolerance);
  CHECK(rec_tightest <= 1.0);
  CHECK(rec_tightest > 0.0);
  CHECK(out_tightest <= 1.0);
  CHECK(out_tightest > 0.0);
}
