#include "runtime/network/network_builder.hpp"

#include <algorithm>
#include <string>

#include "runtime/network/input_shard.hpp"
#include "runtime/network/readout_shard.hpp"

namespace eligo {
namespace {

bool in_range(std::uint32_t x, const ShardPlacement& p) { return x >= p.first_index && x - p.first_index < p.size; }

std::unique_ptr<Shard> build_input_shard(const NetworkDescription& net, const ShardPlacement& p) {
  auto shard = std::make_unique<InputShard>(
      InputShardConfig{p, ms_to_steps(net.input.flush_event_send_interval, net.resolution_ms)});
  for (std::uint32_t i = p.first_index; i < p.first_index + p.size; ++i) {
    if (i < net.input_spike_steps.size()) {
      for (Step s : net.input_spike_steps[i]) shard->add_spike(s, i - p.first_index);
    }
  }
  for (const ForcedSpikeGenerator& g : net.forced_spikes) {
    for (Step s : g.spike_steps) {
      for (std::uint32_t i : g.input_targets) {
        if (in_range(i, p)) shard->add_spike(s, i - p.first_index);
      }
    }
  }
  shard->finalize();
  return shard;
}

// Adds the synapses of one connection list that end in the shard, in connection order.
template <class ShardT>
void add_incoming(ShardT& shard, const ConnectionList& list, const ShardPlacement& p, std::uint64_t source_offset) {
  for (std::size_t c = 0; c < list.size(); ++c) {
    if (in_range(list.target[c], p)) {
      shard.add_synapse(source_offset + list.source[c], list.target[c] - p.first_index, list.weight[c]);
    }
  }
}

std::unique_ptr<Shard> build_recurrent_shard(const NetworkDescription& net, const GlobalIds& ids,
                                             const ShardPlacement& p, HistoryPolicy history) {
  if (net.rec.ignore_and_spike) throw NetworkBuildError("rec: ignore_and_spike is not supported");
  RecurrentShardConfig config{p, RecurrentConstants::from(net.rec_model, net.rec, net.resolution_ms), net.optimizer,
                              ids.total(), history};
  auto shard = std::make_unique<RecurrentShard>(config);
  add_incoming(*shard, net.in_rec, p, ids.input(0));
  add_incoming(*shard, net.rec_rec, p, ids.rec(0));
  const ConnectionList& fb = net.out_rec_feedback;
  for (std::size_t c = 0; c < fb.size(); ++c) {
    if (in_range(fb.target[c], p)) shard->add_feedback(fb.source[c], fb.target[c] - p.first_index, fb.weight[c]);
  }
  for (const ForcedSpikeGenerator& g : net.forced_spikes) {
    for (Step s : g.spike_steps) {
      for (std::uint32_t j : g.rec_targets) {
        if (in_range(j, p)) shard->add_forced_input(s, j - p.first_index, g.weight);
      }
    }
  }
  shard->finalize();
  return shard;
}

std::unique_ptr<Shard> build_readout_shard(const NetworkDescription& net, const GlobalIds& ids,
                                           const ShardPlacement& p, HistoryPolicy history) {
  if (net.targets.size() != net.n_out) {
    throw NetworkBuildError("network has " + std::to_string(net.n_out) + " readouts but " +
                            std::to_string(net.targets.size()) + " target signals");
  }
  ReadoutShardConfig config{p,           ReadoutConstants::from(net.out, net.resolution_ms),
                            net.optimizer, ids.total(), net.targets, net.learning_window, history};
  auto shard = std::make_unique<ReadoutShard>(std::move(config));
  add_incoming(*shard, net.rec_out, p, ids.rec(0));
  shard->finalize();
  return shard;
}

}  // namespace

std::vector<std::pair<std::uint32_t, std::uint32_t>> split_range(std::uint32_t n, std::uint32_t parts) {
  parts = std::max<std::uint32_t>(1, std::min(parts, std::max<std::uint32_t>(n, 1)));
  std::vector<std::pair<std::uint32_t, std::uint32_t>> ranges;
  std::uint32_t first = 0;
  for (std::uint32_t s = 0; s < parts; ++s) {
    const std::uint32_t size = n / parts + (s < n % parts ? 1 : 0);
    ranges.emplace_back(first, size);
    first += size;
  }
  return ranges;
}

BuiltNetwork build_network(const NetworkDescription& net, const PartitionOptions& options) {
  BuiltNetwork built;
  built.ids = GlobalIds{net.n_in, net.n_rec, net.n_out};
  std::uint32_t next_id = 0;
  auto place = [&](ShardRole role, std::uint32_t first, std::uint32_t size, std::uint64_t first_gid) {
    ShardPlacement p{next_id++, role, first, size, first_gid};
    built.placements.push_back(p);
    return p;
  };
  for (auto [first, size] : split_range(net.n_in, options.input_shards)) {
    built.shards.push_back(build_input_shard(net, place(ShardRole::input, first, size, built.ids.input(first))));
  }
  for (auto [first, size] : split_range(net.n_rec, options.recurrent_shards)) {
    built.shards.push_back(build_recurrent_shard(
        net, built.ids, place(ShardRole::recurrent, first, size, built.ids.rec(first)), options.history));
  }
  built.readout_shard = built.shards.size();
  built.shards.push_back(build_readout_shard(
      net, built.ids, place(ShardRole::readout, 0, net.n_out, built.ids.out(0)), options.history));
  return built;
}

}  // namespace eligo
