// The connection blocks of a NEST case file (tests/data/nest/README.md §4.2): dense all_to_all matrices or
// sparse lists, in NEST's connection order.
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

#include "runtime/verification/case_sections.hpp"

namespace eligo::case_loading {

namespace {

struct Population {
  std::string_view name;
  std::uint32_t size;
};

// Weights of plastic synapses must lie in [Wmin, Wmax] (docs/numerics.md §9.1); feedback weights are unbounded.
struct WeightRange {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
};

double read_weight(const CaseReader& rd, const Field& f, const WeightRange& range) {
  const double w = rd.finite(f);
  rd.expect(w >= range.lo && w <= range.hi, f.ptr,
            "within [Wmin, Wmax] = [" + show(range.lo) + ", " + show(range.hi) + "]", w);
  return w;
}

// weights[target][source], NEST all_to_all: target-major order, and no autapses within one population
// (the diagonal of rec_rec is not a connection).
ConnectionList read_dense(const CaseReader& rd, const Field& weights, Population src, Population tgt,
                          const WeightRange& range) {
  const bool same_population = src.name == tgt.name;
  rd.expect_size(weights, tgt.size, "one row per " + std::string(tgt.name) + " neuron (weights[target][source])");
  // Every row's size first: the lists are reserved only for values the file holds.
  for (std::uint32_t t = 0; t < tgt.size; ++t)
    rd.expect_size(rd.at(weights, t), src.size, "one per " + std::string(src.name) + " neuron");
  ConnectionList list;
  const std::size_t n = std::size_t{tgt.size} * src.size - (same_population ? tgt.size : 0);
  list.source.reserve(n);
  list.target.reserve(n);
  list.weight.reserve(n);
  for (std::uint32_t t = 0; t < tgt.size; ++t) {
    const Field row = rd.at(weights, t);
    for (std::uint32_t s = 0; s < src.size; ++s) {
      if (same_population && s == t) continue;
      list.source.push_back(s);
      list.target.push_back(t);
      list.weight.push_back(read_weight(rd, rd.at(row, s), range));
    }
  }
  return list;
}

// Three parallel arrays in NEST's connection order; multapses are separate synapses.
ConnectionList read_sparse(const CaseReader& rd, const Field& sparse, Population src, Population tgt,
                           const WeightRange& range) {
  ConnectionList list;
  list.source = rd.index_array(rd.at(sparse, "source"), src.size);
  const std::string length = "as many as source (" + std::to_string(list.source.size()) + ")";
  const Field target = rd.at(sparse, "target");
  rd.expect_size(target, list.source.size(), length);
  list.target = rd.index_array(target, tgt.size);
  const Field weight = rd.at(sparse, "weight");
  rd.expect_size(weight, list.source.size(), length);
  list.weight.reserve(list.source.size());
  for (std::size_t m = 0; m < list.source.size(); ++m) list.weight.push_back(read_weight(rd, rd.at(weight, m), range));
  return list;
}

ConnectionList read_block(const CaseReader& rd, const Field& connections, std::string_view key, Population src,
                          Population tgt, std::string_view synapse_model, const WeightRange& range, double h) {
  const Field block = rd.at(connections, key);
  if (auto f = rd.find(block, "synapse_model")) rd.expect_literal(*f, synapse_model);
  rd.expect_one_step_delay(block, h);
  const auto sparse = rd.find(block, "sparse");
  const auto weights = rd.find(block, "weights");
  if (sparse && weights) rd.fail(block.ptr, "has both \"sparse\" and \"weights\" (give exactly one)");
  if (sparse) return read_sparse(rd, *sparse, src, tgt, range);
  if (weights) return read_dense(rd, *weights, src, tgt, range);
  rd.fail(block.ptr, "needs either \"sparse\" or \"weights\"");
}

}  // namespace

namespace {

// Schema v3: the synapse parameters of a plastic block (tests/data/nest/README.md V3.5); NEST's default 10 ms.
double read_tau_m_readout(const CaseReader& rd, const Field& connections, std::string_view key) {
  const Field block = rd.at(connections, key);
  const auto params = rd.find(block, "synapse_params");
  if (!params) return 10.0;
  const auto tau = rd.find(*params, "tau_m_readout");
  if (!tau) return 10.0;
  const double ms = rd.finite(*tau);
  rd.expect(ms > 0.0, tau->ptr, "> 0", ms);
  return ms;
}

// Schema v3, cross-entropy: the rate connections between readouts that form the softmax's normalization.
std::vector<double> read_readout_normalization(const CaseReader& rd, const Field& connections, double h,
                                               std::uint32_t n_out) {
  const Population out{"out", n_out};
  const ConnectionList list =
      read_block(rd, connections, "out_out", out, out, "rate_connection_delayed", WeightRange{}, h);
  std::vector<double> weights(std::size_t{n_out} * n_out, 0.0);
  for (std::size_t c = 0; c < list.size(); ++c) {
    if (list.source[c] == list.target[c]) rd.fail(child(connections.ptr, "out_out"), "connects a readout to itself");
    double& w = weights[std::size_t{list.target[c]} * n_out + list.source[c]];
    if (w != 0.0) rd.fail(child(connections.ptr, "out_out"), "connects two readouts twice");
    w = list.weight[c];
  }
  return weights;
}

}  // namespace

void read_connections(const CaseReader& rd, const Field& root, double h, NetworkDescription& net) {
  const Field conns = rd.at(root, "connections");
  const Population input{"input", net.n_in}, rec{"rec", net.n_rec}, out{"out", net.n_out};
  const WeightRange plastic{net.optimizer.Wmin, net.optimizer.Wmax};
  const bool bsshslm = net.variant == EpropVariant::bsshslm_2020;
  const std::string_view synapse = bsshslm ? "eprop_synapse_bsshslm_2020" : "eprop_synapse";
  const std::string_view feedback =
      bsshslm ? "eprop_learning_signal_connection_bsshslm_2020" : "eprop_learning_signal_connection";
  net.in_rec = read_block(rd, conns, "in_rec", input, rec, synapse, plastic, h);
  net.rec_rec = read_block(rd, conns, "rec_rec", rec, rec, synapse, plastic, h);
  net.rec_out = read_block(rd, conns, "rec_out", rec, out, synapse, plastic, h);
  if (bsshslm) {
    // A source's spike reaches its synapses in NEST's port order; for multapses (same source and target) that
    // order is the order in which their weights add up in the target's input.
    for (auto [key, list] : {std::pair{"in_rec", &net.in_rec}, {"rec_rec", &net.rec_rec}, {"rec_out", &net.rec_out}}) {
      const std::vector<std::size_t> order = nest_port_order(rd, rd.at(conns, key), list->size());
      if (order.empty()) continue;
      ConnectionList sorted;
      for (std::size_t i : order) {
        sorted.source.push_back(list->source[i]);
        sorted.target.push_back(list->target[i]);
        sorted.weight.push_back(list->weight[i]);
      }
      *list = std::move(sorted);
    }
  }
  net.out_rec_feedback = read_block(rd, conns, "out_rec_feedback", out, rec, feedback, WeightRange{}, h);
  if (!bsshslm) return;
  net.bsshslm.tau_m_readout_in_rec = read_tau_m_readout(rd, conns, "in_rec");
  net.bsshslm.tau_m_readout_rec_rec = read_tau_m_readout(rd, conns, "rec_rec");
  net.bsshslm.tau_m_readout_rec_out = read_tau_m_readout(rd, conns, "rec_out");
  const bool has_out_out = rd.find(conns, "out_out").has_value();
  if (net.out.loss == ReadoutLoss::cross_entropy) {
    if (!has_out_out)
      rd.fail(conns.ptr, "needs an \"out_out\" block: cross_entropy readouts normalize over each other");
    net.readout_normalization = read_readout_normalization(rd, conns, h, net.n_out);
  } else if (has_out_out) {
    rd.fail(child(conns.ptr, "out_out"), "is only for cross_entropy readouts");
  }
}

}  // namespace eligo::case_loading
