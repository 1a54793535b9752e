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
  const std::uint64_t rec0 = net.n_in, out0 = rec0 + net.n_rec, end = out0 + net.n_out;
  const bool learning = net.plastic;
  const bool in_rec = learning && net.in_rec_plastic, rec_rec = learning && net.rec_rec_plastic,
             rec_out = learning && net.rec_out_plastic;
  ConnectionList lists[3];  // in → rec, rec → rec, rec → out
  for (const WeightRecord& r : weights) {
    const bool from_in = r.source_gid < rec0, from_rec = r.source_gid >= rec0 && r.source_gid < out0;
    const bool to_rec = r.target_gid >= rec0 && r.target_gid < out0, to_out = r.target_gid >= out0 && r.target_gid < end;
    if (from_in && to_rec && in_rec)
      append(lists[0], r.source_gid, r.target_gid - rec0, r.weight);
    else if (from_rec && to_rec && rec_rec)
      append(lists[1], r.source_gid - rec0, r.target_gid - rec0, r.weight);
    else if (from_rec && to_out && rec_out)
      append(lists[2], r.source_gid - rec0, r.target_gid - out0, r.weight);
    else
      throw FrozenNetworkError("weight of synapse " + std::to_string(r.source_gid) + " → " +
                               std::to_string(r.target_gid) + " is not a plastic synapse of this network (" +
                               std::to_string(net.n_in) + " inputs, " + std::to_string(net.n_rec) +
                               " recurrent neurons, " + std::to_string(net.n_out) + " readouts)");
  }
  if (in_rec) {
    net.in_rec = std::move(lists[0]);
    net.in_rec_rule.reset();
  }
  if (rec_rec) {
    net.rec_rec = std::move(lists[1]);
    net.rec_rec_rule.reset();
  }
  if (rec_out) {
    net.rec_out = std::move(lists[2]);
    net.rec_out_rule.reset();
  }
  net.plastic = false;
  return net;
}

}  // namespace eligo
