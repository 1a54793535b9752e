#include "runtime/network/network_builder.hpp"

#include <algorithm>
#include <string>

#include "runtime/network/bsshslm_readout_shard.hpp"
#include "runtime/network/bsshslm_recurrent_shard.hpp"
#include "runtime/network/eprop_mode.hpp"
#include "runtime/network/input_shard.hpp"
#include "runtime/network/readout_shard.hpp"
#include "runtime/network/work_partition.hpp"

namespace eligo {
namespace {

bool in_range(std::uint32_t x, const ShardPlacement& p) { return x >= p.first_index && x - p.first_index < p.size; }

std::unique_ptr<Shard> build_input_shard(const NetworkDescription& net, const ShardPlacement& p) {
  auto shard = std::make_unique<InputShard>(
      InputShardConfig{p, ms_to_steps(net.input.flush_event_send_interval, net.resolution_ms), net.sample_stream});
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

// Calls add(source, local target, weight) for every connection of a block that ends in the shard: the
// explicit list filtered in connection order, or the rule's connections generated target by target.
template <class Add>
void for_each_incoming(const ConnectionList& list, const std::optional<GeneratedConnections>& rule, std::uint64_t seed,
                       std::uint32_t n_source, bool same_population, const ShardPlacement& p, Add&& add) {
  if (rule) {
    for (std::uint32_t j = p.first_index; j < p.first_index + p.size; ++j) {
      generate_incoming(*rule, seed, j, n_source, same_population,
                        [&](std::uint32_t source, double w) { add(source, j - p.first_index, w); });
    }
    return;
  }
  for (std::size_t c = 0; c < list.size(); ++c) {
    if (in_range(list.target[c], p)) add(list.source[c], list.target[c] - p.first_index, list.weight[c]);
  }
}

// How many connections of a block end in the shard, when a rule fixes it per target (0: unknown).
std::size_t rule_connections(const std::optional<GeneratedConnections>& rule, std::uint32_t n_source,
                             const ShardPlacement& p) {
  if (!rule) return 0;
  if (rule->rule == ConnectionRule::all_to_all) return std::size_t{n_source} * p.size;
  if (rule->rule == ConnectionRule::fixed_indegree) return std::size_t{rule->indegree} * p.size;
  return 0;
}

std::unique_ptr<Shard> build_recurrent_shard(const NetworkDescription& net, const GlobalIds& ids,
                                             const ShardPlacement& p, HistoryPolicy history) {
  if (net.rec.ignore_and_spike) throw NetworkBuildError("rec: ignore_and_spike is not supported");
  RecurrentShardConfig config{p, RecurrentConstants::from(net.rec_model, net.rec, net.resolution_ms), net.optimizer,
                              ids.total(), history};
  config.first_rec_gid = ids.rec(0);
  config.delay_from_input = net.in_rec_delay;
  config.delay_from_rec = net.rec_rec_delay;
  config.feedback_delay = net.feedback_delay;
  config.plastic = net.plastic;
  config.inputs_plastic = net.in_rec_plastic;
  config.recs_plastic = net.rec_rec_plastic;
  config.closed_form = choose_closed_form(net).recurrent;
  auto shard = std::make_unique<RecurrentShard>(config);
  RecurrentShard& s = *shard;
  s.reserve_synapses(rule_connections(net.in_rec_rule, net.n_in, p) + rule_connections(net.rec_rec_rule, net.n_rec, p));
  for_each_incoming(net.in_rec, net.in_rec_rule, net.seed, net.n_in, false, p,
                    [&](std::uint32_t i, std::uint32_t j, double w) { s.add_synapse(ids.input(i), j, w); });
  for_each_incoming(net.rec_rec, net.rec_rec_rule, net.seed, net.n_rec, true, p,
                    [&](std::uint32_t i, std::uint32_t j, double w) { s.add_synapse(ids.rec(i), j, w); });
  if (net.plastic) {  // without plasticity there is no learning signal
    for_each_incoming(net.out_rec_feedback, net.out_rec_feedback_rule, net.seed, net.n_out, false, p,
                      [&](std::uint32_t k, std::uint32_t j, double w) { s.add_feedback(k, j, w); });
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

std::unique_ptr<Shard> build_readout_shard(const NetworkDescription& net, const GlobalIds& ids, const ShardPlacement& p,
                                           HistoryPolicy history) {
  if (!net.sample_stream && net.targets.size() != net.n_out) {
    throw NetworkBuildError("network has " + std::to_string(net.n_out) + " readouts but " +
                            std::to_string(net.targets.size()) + " target signals");
  }
  ReadoutShardConfig config{p,
                            ReadoutConstants::from(net.out, net.resolution_ms),
                            net.optimizer,
                            ids.total(),
                            {},
                            net.targets,
                            net.learning_window,
                            history};
  config.stream = net.sample_stream;
  config.delay_from_rec = net.rec_out_delay;
  config.plastic = net.plastic && net.rec_out_plastic;
  config.closed_form = choose_closed_form(net).readout;
  auto shard = std::make_unique<ReadoutShard>(std::move(config));
  ReadoutShard& s = *shard;
  s.reserve_synapses(rule_connections(net.rec_out_rule, net.n_rec, p));
  for_each_incoming(net.rec_out, net.rec_out_rule, net.seed, net.n_rec, false, p,
                    [&](std::uint32_t i, std::uint32_t k, double w) { s.add_synapse(ids.rec(i), k, w); });
  shard->finalize();
  return shard;
}

// The recurrent groups of a description: its own, or one group of rec_model with rec.
std::vector<RecurrentGroup> groups_of(const NetworkDescription& net) {
  if (!net.rec_groups.empty()) return net.rec_groups;
  return {RecurrentGroup{net.rec_model, 0, net.n_rec, net.rec}};
}

std::unique_ptr<Shard> build_bsshslm_recurrent_shard(const NetworkDescription& net, const GlobalIds& ids,
                                                     const ShardPlacement& p) {
  BsshslmRecurrentShardConfig config;
  config.placement = p;
  config.optimizer = net.optimizer;
  config.settings = net.bsshslm;
  config.resolution_ms = net.resolution_ms;
  config.n_global_ids = ids.total();
  config.first_rec_gid = ids.rec(0);
  config.learning = net.plastic;
  const std::vector<RecurrentGroup> groups = groups_of(net);
  for (const RecurrentGroup& g : groups)
    config.groups.push_back(BsshslmNeuronConstants::from(g.model, g.params, net.resolution_ms));
  for (std::uint32_t j = p.first_index; j < p.first_index + p.size; ++j) {
    std::uint32_t group = 0;
    while (group + 1 < groups.size() && j >= groups[group].first + groups[group].n) ++group;
    config.group_of.push_back(group);
  }
  auto shard = std::make_unique<BsshslmRecurrentShard>(std::move(config));
  BsshslmRecurrentShard& s = *shard;
  for_each_incoming(net.in_rec, net.in_rec_rule, net.seed, net.n_in, false, p,
                    [&](std::uint32_t i, std::uint32_t j, double w) { s.add_synapse(ids.input(i), j, w); });
  for_each_incoming(net.rec_rec, net.rec_rec_rule, net.seed, net.n_rec, true, p,
                    [&](std::uint32_t i, std::uint32_t j, double w) { s.add_synapse(ids.rec(i), j, w); });
  for_each_incoming(net.out_rec_feedback, net.out_rec_feedback_rule, net.seed, net.n_out, false, p,
                    [&](std::uint32_t k, std::uint32_t j, double w) { s.add_feedback(k, j, w); });
  s.finalize();
  return shard;
}

std::unique_ptr<Shard> build_bsshslm_readout_shard(const NetworkDescription& net, const GlobalIds& ids,
                                                   const ShardPlacement& p) {
  if (!net.sample_stream && net.targets.size() != net.n_out) {
    throw NetworkBuildError("network has " + std::to_string(net.n_out) + " readouts but " +
                            std::to_string(net.targets.size()) + " target signals");
  }
  BsshslmReadoutShardConfig config;
  config.placement = p;
  config.constants = BsshslmReadoutConstants::from(net.out, net.resolution_ms);
  config.optimizer = net.optimizer;
  config.settings = net.bsshslm;
  config.resolution_ms = net.resolution_ms;
  config.n_global_ids = ids.total();
  config.stream = net.sample_stream;
  config.targets = net.targets;
  config.learning = net.plastic;
  if (net.out.loss == ReadoutLoss::cross_entropy) {
    // NEST's examples connect every readout to every other with weight 1 (the softmax needs exactly that).
    config.normalization.assign(std::size_t{net.n_out} * net.n_out, 1.0);
    for (std::size_t k = 0; k < net.n_out; ++k) config.normalization[k * net.n_out + k] = 0.0;
    if (!net.readout_normalization.empty()) config.normalization = net.readout_normalization;
  }
  auto shard = std::make_unique<BsshslmReadoutShard>(std::move(config));
  BsshslmReadoutShard& s = *shard;
  for_each_incoming(net.rec_out, net.rec_out_rule, net.seed, net.n_rec, false, p,
                    [&](std::uint32_t i, std::uint32_t k, double w) { s.add_synapse(ids.rec(i), k, w); });
  s.finalize();
  return shard;
}

// The original variant (docs/numerics.md §16) as NEST runs it: one-step delays, every population of the variant.
void check_bsshslm(const NetworkDescription& net) {
  const BsshslmSettings& b = net.bsshslm;
  if (b.update_interval < 1) throw NetworkBuildError("eprop_update_interval must be at least one step");
  if (b.learning_window < 1 || b.learning_window > b.update_interval) {
    throw NetworkBuildError("eprop_learning_window (" + std::to_string(b.learning_window) +
                            " steps) must be between 1 step and eprop_update_interval (" +
                            std::to_string(b.update_interval) + " steps)");
  }
  for (Step d : {net.in_rec_delay, net.rec_rec_delay, net.rec_out_delay, net.feedback_delay}) {
    if (d != 1) throw NetworkBuildError("the bsshslm_2020 variant needs one-step delays, as NEST's synapses do");
  }
  for (const RecurrentGroup& g : groups_of(net)) {
    if (!is_bsshslm(g.model)) {
      throw NetworkBuildError(std::string("rec: model ") + to_string(g.model) +
                              " belongs to the event-driven variant; a network uses one variant (here bsshslm_2020)");
    }
    const Step flush = ms_to_steps(g.params.flush_event_send_interval, net.resolution_ms);
    if (flush < b.update_interval) {
      throw NetworkBuildError("rec: flush_event_send_interval must be at least eprop_update_interval (NEST's rule)");
    }
  }
  for (const ForcedSpikeGenerator& g : net.forced_spikes) {
    if (!g.rec_targets.empty()) throw NetworkBuildError("the bsshslm_2020 variant takes no forced spikes into rec");
  }
  if (!net.in_rec_plastic || !net.rec_rec_plastic || !net.rec_out_plastic)
    throw NetworkBuildError("the bsshslm_2020 variant has no static blocks");
}

void check_event_driven(const NetworkDescription& net) {
  for (const RecurrentGroup& g : groups_of(net)) {
    if (is_bsshslm(g.model)) {
      throw NetworkBuildError(std::string("rec: model ") + to_string(g.model) +
                              " belongs to the bsshslm_2020 variant; a network uses one variant (here event_driven)");
    }
  }
  if (net.rec_groups.size() > 1) throw NetworkBuildError("rec: the event-driven variant takes one model per network");
  if (net.out.loss != ReadoutLoss::mean_squared_error)
    throw NetworkBuildError(
        "out: eprop_readout has mean_squared_error only (cross_entropy is eprop_readout_bsshslm_2020's)");
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

static void check_delays(const NetworkDescription& net) {
  for (Step d : {net.in_rec_delay, net.rec_rec_delay, net.rec_out_delay, net.feedback_delay}) {
    if (d < 1) throw NetworkBuildError("every delay must be at least one step (got " + std::to_string(d) + ")");
  }
  if (net.feedback_delay > std::min(net.in_rec_delay, net.rec_rec_delay)) {
    throw NetworkBuildError("the feedback delay (" + std::to_string(net.feedback_delay) +
                            " steps) may not exceed the spike delays into the recurrent population (" +
                            std::to_string(std::min(net.in_rec_delay, net.rec_rec_delay)) +
                            " steps): a spike would read learning signals that have not arrived");
  }
}

BuiltNetwork build_network(const NetworkDescription& net, const PartitionOptions& options) {
  check_delays(net);
  const bool bsshslm = net.variant == EpropVariant::bsshslm_2020;
  if (bsshslm) {
    check_bsshslm(net);
  } else {
    check_event_driven(net);
  }
  BuiltNetwork built;
  built.ids = GlobalIds{net.n_in, net.n_rec, net.n_out};
  built.slice_steps = net.min_delay();
  std::uint32_t next_id = 0;
  auto place = [&](ShardRole role, std::uint32_t first, std::uint32_t size, std::uint64_t first_gid) {
    ShardPlacement p{next_id++, role, first, size, first_gid};
    built.placements.push_back(p);
    return p;
  };
  auto wanted = [&](const ShardPlacement& p) {
    return options.build_only.empty() || (p.shard_id < options.build_only.size() && options.build_only[p.shard_id]);
  };
  std::vector<std::function<void()>> jobs;
  auto build = [&](const ShardPlacement& p, auto make) {
    built.shards.emplace_back();
    if (!wanted(p)) return;
    const std::size_t slot = built.shards.size() - 1;
    jobs.emplace_back([&built, slot, make] { built.shards[slot] = make(); });
  };
  for (auto [first, size] : split_range(net.n_in, options.input_shards)) {
    const ShardPlacement p = place(ShardRole::input, first, size, built.ids.input(first));
    build(p, [&net, p] { return build_input_shard(net, p); });
  }
  for (auto [first, size] : split_by_work(recurrent_work(net), options.recurrent_shards)) {
    const ShardPlacement p = place(ShardRole::recurrent, first, size, built.ids.rec(first));
    build(p, [&net, &built, p, &options, bsshslm] {
      return bsshslm ? build_bsshslm_recurrent_shard(net, built.ids, p)
                     : build_recurrent_shard(net, built.ids, p, options.history);
    });
  }
  built.readout_shard = built.shards.size();
  const ShardPlacement p = place(ShardRole::readout, 0, net.n_out, built.ids.out(0));
  build(p, [&net, &built, p, &options, bsshslm] {
    return bsshslm ? build_bsshslm_readout_shard(net, built.ids, p)
                   : build_readout_shard(net, built.ids, p, options.history);
  });
  if (options.run_jobs) {
    options.run_jobs(jobs);
  } else {
    for (auto& job : jobs) job();
  }
  return built;
}

}  // namespace eligo
