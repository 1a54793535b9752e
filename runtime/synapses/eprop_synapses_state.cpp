// Checkpoints of EpropSynapses (docs/architecture.md §7): what a run changes is saved bit for bit, what the
// build fixed (the CSR structure) is only checked. Kept apart from eprop_synapses.cpp so that the event
// path stays on its own.
#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

#include "runtime/checkpoint/fnv1a.hpp"
#include "runtime/checkpoint/state_stream.hpp"
#include "runtime/synapses/eprop_synapses.hpp"

namespace eligo {
namespace {

constexpr std::size_t kMaxRecords = std::numeric_limits<std::uint32_t>::max();
// t_prev, prev_flush, zpb, z_bar, rem, decay, then the optimizer clock: k, η_cur, n_opt, β1^k, β2^k.
constexpr std::size_t kBookkeepingBytes = 8 + 1 + 8 + 8 + 8 + 8 + 5 * 8;
constexpr std::size_t kDueBytes = 8 + 4;
constexpr std::size_t kReportedRunBytes = 8 + 8;  // run, weight count (then the weights)

void save_bookkeeping(StateWriter& w, const SourceBookkeeping& b) {
  w.i64(b.t_prev);
  w.boolean(b.prev_flush);
  w.f64(b.zpb);
  w.f64(b.z_bar);
  w.i64(b.rem);
  w.i64(b.decay);
  w.i64(b.clock.k);
  w.f64(b.clock.eta_current);
  w.i64(b.clock.n_optimize);
  w.f64(b.clock.beta1_power);
  w.f64(b.clock.beta2_power);
}

SourceBookkeeping load_bookkeeping(StateReader& r) {
  SourceBookkeeping b;
  b.t_prev = r.i64("t_prev");
  b.prev_flush = r.boolean("prev_flush");
  b.zpb = r.f64("zpb");
  b.z_bar = r.f64("z_bar");
  b.rem = r.i64("rem");
  b.decay = r.i64("decay");
  b.clock.k = r.i64("optimizer k");
  b.clock.eta_current = r.f64("optimizer eta_current");
  b.clock.n_optimize = r.i64("optimizer n_optimize");
  b.clock.beta1_power = r.f64("optimizer beta1_power");
  b.clock.beta2_power = r.f64("optimizer beta2_power");
  // Step counts that size the next interval's loop: negative ones would be nonsense (and a huge resize).
  if (b.t_prev < 0) r.fail("t_prev", "is negative (" + std::to_string(b.t_prev) + ")");
  if (b.rem < 0) r.fail("rem", "is negative (" + std::to_string(b.rem) + ")");
  if (b.decay < 0) r.fail("decay", "is negative (" + std::to_string(b.decay) + ")");
  return b;
}

}  // namespace

std::uint64_t EpropSynapses::structure_fingerprint() const {
  Fnv1a h;
  h.values(source_gid_);
  h.values(offset_);
  h.values(target_);
  h.values(run_plastic_);
  return h.digest();
}

void EpropSynapses::save_state(StateWriter& w) const {
  if (!pending_source_.empty()) throw std::logic_error("EpropSynapses::save_state before finalize()");
  w.section("eprop_synapses");
  w.u64(source_gid_.size());
  w.u64(target_.size());
  w.u64(structure_fingerprint());
  w.vector(w_);
  w.vector(g_);
  w.vector(e_bar_);
  w.vector(e_bar_reg_);
  w.vector(eps_a_);
  w.vector(cum_);
  w.vector(m_);
  w.vector(v_);

  w.section("source_bookkeeping");
  w.u64(book_.size());
  for (const SourceBookkeeping& b : book_) save_bookkeeping(w, b);

  // In the order they fall due, so equal states give equal bytes whatever the heap's layout.
  w.section("pending_windows");
  auto due = due_;
  w.u64(due.size());
  for (; !due.empty(); due.pop()) {
    w.i64(due.top().at);
    w.u32(due.top().run);
  }

  w.section("reported_weights");
  std::vector<std::size_t> runs;
  for (const auto& [r, weights] : reported_weights_) runs.push_back(r);
  std::sort(runs.begin(), runs.end());
  w.u64(runs.size());
  for (const std::size_t r : runs) {
    w.u64(r);
    w.vector(reported_weights_.at(r));
  }
}

void EpropSynapses::load_state(StateReader& r) {
  if (!pending_source_.empty()) throw std::logic_error("EpropSynapses::load_state before finalize()");
  r.section("eprop_synapses");
  if (const std::uint64_t n = r.u64("sources"); n != source_gid_.size()) {
    r.fail("sources", "checkpoint has synapses from " + std::to_string(n) + " sources, this shard from " +
                          std::to_string(source_gid_.size()));
  }
  if (const std::uint64_t n = r.u64("synapses"); n != target_.size()) {
    r.fail("synapses",
           "checkpoint has " + std::to_string(n) + " synapses, this shard " + std::to_string(target_.size()));
  }
  if (r.u64("structure fingerprint") != structure_fingerprint()) {
    r.fail("structure fingerprint",
           "the checkpoint's synapses connect other sources and targets than this shard's (same counts, "
           "different connections: another seed or network description?)");
  }
  // Every per-synapse array has the size this build gave it (empty when the model does not use it).
  auto w = r.vector_of_size<double>("w", w_.size());
  auto g = r.vector_of_size<double>("g", g_.size());
  auto e_bar = r.vector_of_size<double>("e_bar", e_bar_.size());
  auto e_bar_reg = r.vector_of_size<double>("e_bar_reg", e_bar_reg_.size());
  auto eps_a = r.vector_of_size<double>("eps_a", eps_a_.size());
  auto cum = r.vector_of_size<double>("cum", cum_.size());
  auto m = r.vector_of_size<double>("m", m_.size());
  auto v = r.vector_of_size<double>("v", v_.size());

  r.section("source_bookkeeping");
  const std::size_t n_book = r.count("sources", kBookkeepingBytes, kMaxRecords);
  if (n_book != book_.size()) {
    r.fail("sources", "checkpoint has bookkeeping for " + std::to_string(n_book) + " sources, this shard for " +
                          std::to_string(book_.size()));
  }
  std::vector<SourceBookkeeping> book;
  book.reserve(n_book);
  for (std::size_t i = 0; i < n_book; ++i) book.push_back(load_bookkeeping(r));

  r.section("pending_windows");
  const std::size_t n_due = r.count("windows", kDueBytes, kMaxRecords);
  std::vector<Due> due;
  due.reserve(n_due);
  for (std::size_t i = 0; i < n_due; ++i) {
    const Step at = r.i64("window end");
    const std::uint32_t run = r.u32("window run");
    if (run >= book.size()) {
      r.fail("window run", "names run " + std::to_string(run) + " of " + std::to_string(book.size()));
    }
    due.push_back({at, run});
  }

  r.section("reported_weights");
  const std::size_t n_reported = r.count("runs", kReportedRunBytes, book.size());
  std::unordered_map<std::size_t, std::vector<double>> reported;
  for (std::size_t i = 0; i < n_reported; ++i) {
    const std::uint64_t run = r.u64("run");
    if (run >= book.size() || reported.contains(run)) {
      r.fail("run",
             "names run " + std::to_string(run) + " (of " + std::to_string(book.size()) + ") out of range or twice");
    }
    reported.emplace(run, r.vector_of_size<double>("weights", offset_[run + 1] - offset_[run]));
  }

  // Everything read and checked: only now does anything change.
  w_ = std::move(w);
  g_ = std::move(g);
  e_bar_ = std::move(e_bar);
  e_bar_reg_ = std::move(e_bar_reg);
  eps_a_ = std::move(eps_a);
  cum_ = std::move(cum);
  m_ = std::move(m);
  v_ = std::move(v);
  book_ = std::move(book);
  due_ = decltype(due_)(std::greater<Due>(), std::move(due));
  reported_weights_ = std::move(reported);
}

}  // namespace eligo
