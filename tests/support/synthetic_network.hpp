#pragma once
// The synthetic network of the property tests (tests/unit/test_history_archive.cpp, test_closed_form.cpp): a
// small recurrent e-prop network whose inputs fire in bursts separated by long silences, so that runs see
// spikes, flushes, cutoffs, multapses and learning all at once. Deterministic: the same variant and length
// give the same description.
#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>

#include "runtime/network/network_description.hpp"

namespace eligo::test {

inline constexpr std::uint32_t kSyntheticInputs = 20, kSyntheticRec = 60, kSyntheticOut = 2;

inline void connect(ConnectionList& list, std::uint32_t source, std::uint32_t target, double weight) {
  list.source.push_back(source);
  list.target.push_back(target);
  list.weight.push_back(weight);
}

struct SyntheticVariant {
  OptimizerParams optimizer;
  double flush_ms = 50.0;   // flush_event_send_interval of relays and rec neurons
  double cutoff_ms = 20.0;  // eprop_isi_trace_cutoff of rec neurons and readouts
};

// 20 inputs that fire in bursts of 150 steps separated by 250 silent steps; 60 eprop_iaf neurons, 2 mV
// from rest to threshold, with sparse recurrence and a few multapses; 2 readouts with sine targets. The
// silences are longer than flush interval + cutoff, so the flush events are what lets history go.
inline NetworkDescription synthetic_network(const SyntheticVariant& variant, Step n_steps) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  auto uniform = [&](double lo, double hi) { return lo + (hi - lo) * unit(rng); };

  NetworkDescription net;
  net.n_in = kSyntheticInputs;
  net.n_rec = kSyntheticRec;
  net.n_out = kSyntheticOut;
  net.rec_model = RecurrentModel::eprop_iaf;
  net.rec.V_th = net.rec.E_L + 2.0;
  net.rec.t_ref = 2.0;
  net.rec.c_reg = 1.0;
  net.rec.eprop_isi_trace_cutoff = variant.cutoff_ms;
  net.rec.flush_event_send_interval = variant.flush_ms;
  net.out.eprop_isi_trace_cutoff = variant.cutoff_ms;
  // Relays flush too: with front-only erasure a relay silent for 250 steps would otherwise pin its
  // last spike's history rows for the whole silence.
  net.input.flush_event_send_interval = variant.flush_ms;
  net.optimizer = variant.optimizer;

  net.input_spike_steps.resize(kSyntheticInputs);
  for (auto& steps : net.input_spike_steps) {
    for (Step t = 1; t < n_steps; ++t) {  // never in step 0: a relay that spiked only then could never flush
      if (t % 400 < 150 && unit(rng) < 0.08) steps.push_back(t);
    }
  }
  for (std::uint32_t j = 0; j < kSyntheticRec; ++j) {
    for (std::uint32_t i = 0; i < kSyntheticInputs; ++i) {
      if (unit(rng) < 0.3) connect(net.in_rec, i, j, uniform(0.3, 1.2));
    }
  }
  for (std::uint32_t i = 0; i < kSyntheticRec; ++i) {
    for (std::uint32_t j = 0; j < kSyntheticRec; ++j) {
      if (i != j && unit(rng) < 0.1) connect(net.rec_rec, i, j, uniform(-0.6, 0.6));
    }
  }
  const std::size_t unique_rec_rec = net.rec_rec.size();
  for (std::size_t m = 0; m < 6; ++m) {  // multapses: repeat some connections with other weights
    const std::size_t c = static_cast<std::size_t>(unit(rng) * static_cast<double>(unique_rec_rec));
    connect(net.rec_rec, net.rec_rec.source[c], net.rec_rec.target[c], uniform(-0.6, 0.6));
  }
  for (std::uint32_t j = 0; j < kSyntheticRec; ++j) {
    for (std::uint32_t k = 0; k < kSyntheticOut; ++k) {
      connect(net.rec_out, j, k, uniform(-0.2, 0.2));
      connect(net.out_rec_feedback, k, j, uniform(-1.0, 1.0));
    }
  }
  net.targets.resize(kSyntheticOut);
  for (std::uint32_t k = 0; k < kSyntheticOut; ++k) {
    const double period = 180.0 + 70.0 * k;
    for (Step t = 0; t < n_steps; ++t) {
      net.targets[k].time.push_back(t);
      net.targets[k].value.push_back(1.5 * std::sin(2.0 * std::numbers::pi * static_cast<double>(t) / period) +
                                     0.5 * k);
    }
  }
  net.learning_window.time = {2};
  net.learning_window.value = {1.0};
  return net;
}

}  // namespace eligo::test
