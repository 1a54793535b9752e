#include "runtime/synapses/bsshslm_synapses.hpp"

#include <algorithm>
#include <numeric>
#include <string>

#include "runtime/archive/interval_history.hpp"
#include "runtime/checkpoint/state_stream.hpp"

namespace eligo {

BsshslmSynapses::BsshslmSynapses(const OptimizerParams& optimizer, Step update_interval, Step shift,
                                 bool target_is_recurrent, std::uint64_t n_global_ids, bool learning)
    : optimizer_(optimizer),
      interval_(update_interval),
      shift_(shift),
      target_is_recurrent_(target_is_recurrent),
      learning_(learning),
      run_of_gid_(n_global_ids, -1) {}

void BsshslmSynapses::add(std::uint64_t source_gid, std::uint32_t local_target, double weight, double kappa) {
  building_.push_back({source_gid, local_target, weight, kappa});
}

// Sources ascending (the canonical delivery order), each source's synapses in connection order.
void BsshslmSynapses::finalize() {
  std::stable_sort(building_.begin(), building_.end(),
                   [](const Pending& a, const Pending& b) { return a.source < b.source; });
  offset_.assign(1, 0);
  for (const Pending& p : building_) {
    if (source_gid_.empty() || source_gid_.back() != p.source) {
      if (!source_gid_.empty()) offset_.push_back(target_.size());
      run_of_gid_.at(p.source) = static_cast<std::int64_t>(source_gid_.size());
      source_gid_.push_back(p.source);
      kappa_.push_back(p.kappa);
    }
    target_.push_back(p.target);
    w_.push_back(p.weight);
  }
  if (!source_gid_.empty()) offset_.push_back(target_.size());
  building_.clear();
  building_.shrink_to_fit();
  BsshslmSourceState initial;
  initial.t_next_update = interval_;  // NEST's synapses start with the first interval's end
  initial.clock.eta_current = 1e-4;
  sources_.assign(source_gid_.size(), initial);
  const std::size_t n = w_.size();
  cum_.assign(n, 0.0);
  pending_.assign(n, 0.0);
  if (optimizer_.uses_moments()) {
    m_.assign(n, 0.0);
    v_.assign(n, 0.0);
  }
  std::size_t widest = 0;
  for (std::size_t r = 0; r + 1 < offset_.size(); ++r) widest = std::max(widest, offset_[r + 1] - offset_[r]);
  scratch_.assign(widest, 0.0);
}

void BsshslmSynapses::optimize(std::size_t r, Step idx, const double* g) {
  const std::size_t first = offset_[r], n = offset_[r + 1] - first;
  SynapseMoments moments{cum_.data() + first, m_.empty() ? nullptr : m_.data() + first,
                         v_.empty() ? nullptr : v_.data() + first};
  optimizer_.optimize(idx, sources_[r].clock, g, w_.data() + first, moments, n);
}

std::vector<Step> BsshslmSynapses::intervals_in_use(bool with_update_interval) const {
  std::vector<Step> in_use;
  for (const BsshslmSourceState& s : sources_) {
    if (s.t_spike_previous <= 0 || s.previous_was_flush) continue;  // no update pending that reads history
    in_use.push_back(interval_block(s.t_previous_trigger, interval_, shift_));
    if (with_update_interval) in_use.push_back(s.t_previous_update / interval_);
  }
  std::sort(in_use.begin(), in_use.end());
  return in_use;
}

std::size_t BsshslmSynapses::bytes() const {
  std::size_t b = target_.size() * sizeof(std::uint32_t) +
                  (w_.size() + cum_.size() + m_.size() + v_.size() + pending_.size()) * sizeof(double);
  for (const BsshslmSourceState& s : sources_) b += sizeof(s) + s.isis.capacity() * sizeof(Step);
  return b;
}

void BsshslmSynapses::append_weights(std::uint64_t first_target_gid, std::vector<WeightRecord>& out) const {
  for (std::size_t r = 0; r < source_gid_.size(); ++r) {
    for (std::size_t i = offset_[r]; i < offset_[r + 1]; ++i)
      out.push_back({source_gid_[r], first_target_gid + target_[i], w_[i]});
  }
}

void BsshslmSynapses::weight_columns(WeightColumns& out) const {
  std::vector<std::size_t> order;
  for (std::size_t r = 0; r < source_gid_.size(); ++r) {
    const std::size_t first = offset_[r], n = offset_[r + 1] - first;
    out.source.push_back(source_gid_[r]);
    out.count.push_back(static_cast<std::uint32_t>(n));
    order.resize(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return target_[first + a] < target_[first + b]; });
    for (std::size_t i : order) out.weight.push_back(w_[first + i]);
  }
}

void BsshslmSynapses::save_state(StateWriter& w) const {
  w.section("bsshslm_synapses");
  w.u64(w_.size());
  w.vector(w_);
  w.vector(cum_);
  w.vector(m_);
  w.vector(v_);
  w.vector(pending_);
  w.u64(sources_.size());
  for (const BsshslmSourceState& s : sources_) {
    w.i64(s.t_spike_previous);
    w.i64(s.t_previous_update);
    w.i64(s.t_next_update);
    w.i64(s.t_previous_trigger);
    w.boolean(s.previous_was_flush);
    w.vector(s.isis);
    w.i64(s.clock.k);
    w.f64(s.clock.eta_current);
    w.i64(s.clock.n_optimize);
    w.f64(s.clock.beta1_power);
    w.f64(s.clock.beta2_power);
  }
}

void BsshslmSynapses::load_state(StateReader& r) {
  r.section("bsshslm_synapses");
  const std::size_t n = w_.size();
  if (const std::uint64_t saved = r.u64("synapses"); saved != n)
    r.fail("synapses", "checkpoint has " + std::to_string(saved) + " synapses, this shard " + std::to_string(n));
  std::vector<double> w = r.vector_of_size<double>("w", n);
  std::vector<double> cum = r.vector_of_size<double>("cum", n);
  std::vector<double> m = r.vector_of_size<double>("m", m_.size());
  std::vector<double> v = r.vector_of_size<double>("v", v_.size());
  std::vector<double> pending = r.vector_of_size<double>("pending", n);
  if (const std::uint64_t saved = r.u64("sources"); saved != sources_.size())
    r.fail("sources",
           "checkpoint has " + std::to_string(saved) + " sources, this shard " + std::to_string(sources_.size()));
  std::vector<BsshslmSourceState> sources(sources_.size());
  for (BsshslmSourceState& s : sources) {
    s.t_spike_previous = r.i64("t_spike_previous");
    s.t_previous_update = r.i64("t_previous_update");
    s.t_next_update = r.i64("t_next_update");
    s.t_previous_trigger = r.i64("t_previous_trigger");
    s.previous_was_flush = r.boolean("previous_was_flush");
    s.isis = r.vector<Step>("isis", std::size_t{1} << 32);
    s.clock.k = r.i64("k");
    s.clock.eta_current = r.f64("eta_current");
    s.clock.n_optimize = r.i64("n_optimize");
    s.clock.beta1_power = r.f64("beta1_power");
    s.clock.beta2_power = r.f64("beta2_power");
    if (s.t_spike_previous < 0 || s.t_previous_update < 0 || s.t_next_update < s.t_previous_update)
      r.fail("sources", "spike-time markers out of order");
    for (Step isi : s.isis)
      if (isi < 0) r.fail("isis", "a negative inter-spike interval");
  }
  w_ = std::move(w);
  cum_ = std::move(cum);
  m_ = std::move(m);
  v_ = std::move(v);
  pending_ = std::move(pending);
  sources_ = std::move(sources);
}

}  // namespace eligo
