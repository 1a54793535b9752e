#include "runtime/synapses/eprop_synapses.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

namespace eligo {

EpropSynapses::EpropSynapses(const OptimizerParams& optimizer, bool traces, bool adaptive, std::uint64_t n_global_ids,
                             bool plastic)
    : optimizer_(optimizer),
      traces_(traces && plastic),
      adaptive_(adaptive),
      plastic_(plastic),
      run_index_(n_global_ids, -1) {
  if (n_global_ids > std::numeric_limits<std::uint32_t>::max()) {
    throw std::out_of_range("a network of more than 2^32 neurons and inputs");
  }
}

void EpropSynapses::add(std::uint64_t source_gid, std::uint32_t target, double weight) {
  if (source_gid >= run_index_.size()) throw std::out_of_range("synapse source id out of range");
  pending_source_.push_back(static_cast<std::uint32_t>(source_gid));
  pending_target_.push_back(target);
  pending_weight_.push_back(weight);
}

void EpropSynapses::reserve(std::size_t n) {
  pending_source_.reserve(n);
  pending_target_.reserve(n);
  pending_weight_.reserve(n);
}

void EpropSynapses::finalize() {
  // A stable counting sort by source: a source's synapses keep their connection order (multapse
  // summation order, docs/numerics.md §14.9), and the construction lists are the only copy besides the
  // final arrays (no permutation, no sort buffer: a million-neuron build stays within its arrays).
  const std::size_t n = pending_source_.size();
  std::vector<std::size_t> next(run_index_.size() + 1, 0);  // per source: where its next synapse goes
  for (std::uint32_t s : pending_source_) ++next[s + 1];
  for (std::size_t gid = 0; gid + 1 < next.size(); ++gid) next[gid + 1] += next[gid];
  offset_.clear();
  for (std::size_t gid = 0; gid + 1 < next.size(); ++gid) {
    if (next[gid + 1] == next[gid]) continue;
    run_index_[gid] = static_cast<std::int64_t>(source_gid_.size());
    source_gid_.push_back(gid);
    offset_.push_back(next[gid]);
  }
  offset_.push_back(n);
  target_.resize(n);
  w_.resize(n);
  for (std::size_t c = 0; c < n; ++c) {
    const std::size_t at = next[pending_source_[c]]++;
    target_[at] = pending_target_[c];
    w_[at] = pending_weight_[c];
  }
  pending_source_ = {};
  pending_target_ = {};
  pending_weight_ = {};
  if (!plastic_) return;  // static synapses: weights only
  run_plastic_.assign(source_gid_.size(), 1);
  for (std::size_t r = 0; r < source_gid_.size(); ++r) {
    for (const auto& [begin, end] : static_ranges_) {
      if (source_gid_[r] >= begin && source_gid_[r] < end) run_plastic_[r] = 0;
    }
  }
  book_.assign(source_gid_.size(), SourceBookkeeping{});
  g_.assign(n, 0.0);
  // Per spike with batch_size 1 every event's OPT steps and leaves cum = 0 (docs/numerics.md §10: the
  // step counter moves with the stamp, which grows from event to event), so cum needs no storage then.
  if (optimizer_.params().optimize_each_step || optimizer_.params().batch_size > 1) cum_.assign(n, 0.0);
  if (optimizer_.uses_moments()) {
    m_.assign(n, 0.0);
    v_.assign(n, 0.0);
  }
  if (traces_) {
    e_bar_.assign(n, 0.0);
    e_bar_reg_.assign(n, 0.0);
    if (adaptive_) eps_a_.assign(n, 0.0);
  }
}

void EpropSynapses::throw_unstepped_event(std::size_t r, Step s) const {
  throw std::logic_error("e-prop synapses: the event of source " + std::to_string(source_gid_[r]) + " stamped " +
                         std::to_string(s) +
                         " made no optimizer step, but cum is not stored (batch_size 1, per spike)");
}

SynapseRun EpropSynapses::run(std::size_t r) {
  const std::size_t o = offset_[r];
  SynapseRun s;
  s.target = target_.data() + o;
  s.w = w_.data() + o;
  s.g = g_.data() + o;
  if (traces_) {
    s.e_bar = e_bar_.data() + o;
    s.e_bar_reg = e_bar_reg_.data() + o;
    if (adaptive_) s.eps_a = eps_a_.data() + o;
  }
  s.n = offset_[r + 1] - o;
  return s;
}

Step EpropSynapses::oldest_step_needed(Step cutoff, Step none) const {
  Step oldest = none;
  for (const SourceBookkeeping& b : book_) {
    if (b.t_prev == 0) continue;  // the first event computes nothing (docs/numerics.md §9.3)
    // After a spike the next interval may read `cutoff` steps; after a flush only what is left of it.
    const Step left = b.prev_flush ? b.rem : cutoff;
    if (left > 0) oldest = std::min(oldest, b.t_prev - 1);
  }
  return oldest;
}

std::size_t EpropSynapses::bytes() const {
  auto vb = [](const auto& v) { return v.capacity() * sizeof(v[0]); };
  return vb(run_index_) + vb(source_gid_) + vb(offset_) + vb(book_) + vb(target_) + vb(w_) + vb(g_) + vb(e_bar_) +
         vb(e_bar_reg_) + vb(eps_a_) + vb(cum_) + vb(m_) + vb(v_);
}

void EpropSynapses::weight_columns(WeightColumns& out) const {
  std::vector<std::size_t> order;
  for (std::size_t r = 0; r < source_gid_.size(); ++r) {
    const auto reported = reported_weights_.find(r);
    const double* w = reported != reported_weights_.end() ? reported->second.data() : w_.data() + offset_[r];
    const std::size_t n = offset_[r + 1] - offset_[r];
    const std::uint32_t* t = target_.data() + offset_[r];
    out.source.push_back(source_gid_[r]);
    out.count.push_back(static_cast<std::uint32_t>(n));
    if (std::is_sorted(t, t + n)) {  // generated blocks: targets already ascending
      out.weight.insert(out.weight.end(), w, w + n);
      continue;
    }
    order.resize(n);
    for (std::size_t i = 0; i < n; ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return t[a] < t[b]; });
    for (std::size_t i : order) out.weight.push_back(w[i]);
  }
}

void EpropSynapses::append_weights(std::uint64_t first_target_gid, std::vector<WeightRecord>& out) const {
  for (std::size_t r = 0; r < source_gid_.size(); ++r) {
    const auto reported = reported_weights_.find(r);
    const double* w = reported != reported_weights_.end() ? reported->second.data() : w_.data() + offset_[r];
    for (std::size_t i = offset_[r]; i < offset_[r + 1]; ++i) {
      out.push_back({source_gid_[r], first_target_gid + target_[i], w[i - offset_[r]]});
    }
  }
}

}  // namespace eligo
