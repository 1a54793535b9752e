#include "runtime/network/frozen_network.hpp"

#include <string>

namespace eligo {
namespace {

void append(ConnectionList& list, std::uint64_t source, std::uint64_t target, double w) {
  list.source.push_back(static_cast<std::uint32_t>(source));
  list.target.push_back(static_cast<std::uint32_t>(target));
  list.weight.push_back(w);
}

}  // namespace

NetworkDescription freeze_with_weights(NetworkDescription net, const std::vector<WeightRecord>& weights) {
  net = with_weights(std::move(net), weights);
  net.plastic = false;
  return net;
}

NetworkDescription with_weights(NetworkDescription net, const std::vector<WeightRecord>& weights) {
  const std::uint64_t rec0 = net.n_in, out0 = rec0 + net.n_rec, end = out0 + net.n_out;
  ConnectionList lists[3];  // in → rec, rec → rec, rec → out
  for (const WeightRecord& r : weights) {
    const bool from_in = r.source_gid < rec0, from_rec = r.source_gid >= rec0 && r.source_gid < out0;
    const bool to_rec = r.target_gid >= rec0 && r.target_gid < out0,
               to_out = r.target_gid >= out0 && r.target_gid < end;
    if (from_in && to_rec)
      append(lists[0], r.source_gid, r.target_gid - rec0, r.weight);
    else if (from_rec && to_rec)
      append(lists[1], r.source_gid - rec0, r.target_gid - rec0, r.weight);
    else if (from_rec && to_out)
      append(lists[2], r.source_gid - rec0, r.target_gid - out0, r.weight);
    else
      throw FrozenNetworkError("weight of synapse " + std::to_string(r.source_gid) + " → " +
                               std::to_string(r.target_gid) + " is not a synapse of this network (" +
                               std::to_string(net.n_in) + " inputs, " + std::to_string(net.n_rec) +
                               " recurrent neurons, " + std::to_string(net.n_out) + " readouts)");
  }
  // A block without records keeps its rule or list (it may be static and not reported).
  const auto replace = [](ConnectionList& block, std::optional<GeneratedConnections>& rule, ConnectionList& given) {
    if (given.size() == 0) return;
    block = std::move(given);
    rule.reset();
  };
  replace(net.in_rec, net.in_rec_rule, lists[0]);
  replace(net.rec_rec, net.rec_rec_rule, lists[1]);
  replace(net.rec_out, net.rec_out_rule, lists[2]);
  return net;
}

}  // namespace eligo
