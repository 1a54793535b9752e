#include "actors/coordinator.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>

#include "actors/input_source_actor.hpp"
#include "actors/shard_actor.hpp"
#include "runtime/network/weights_digest.hpp"

namespace eligo::actors {
namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

struct SpawnedNetwork {
  std::vector<caf::actor> inputs, shards;
  caf::actor supervisor;
  std::vector<std::pair<caf::actor_addr, std::string>> names;  // for error messages
  std::string name_of(const caf::actor_addr& a) const {
    for (const auto& [addr, name] : names) {
      if (addr == a) return name;
    }
    return "an unknown actor";
  }
  std::vector<caf::actor> all() const {
    std::vector<caf::actor> a = inputs;
    a.insert(a.end(), shards.begin(), shards.end());
    a.push_back(supervisor);
    return a;
  }
};

SpawnedNetwork spawn_actors(caf::actor_system& sys, BuiltNetwork& net, const IterationPlan& plan,
                            const caf::actor& coordinator) {
  std::uint32_t n_inputs = 0, n_shards = 0;
  for (const ShardPlacement& p : net.placements) {
    n_inputs += p.role == ShardRole::input;
    n_shards += p.role == ShardRole::recurrent;
  }
  SpawnedNetwork s;
  for (std::size_t i = 0; i < net.shards.size(); ++i) {
    std::shared_ptr<Shard> shard(std::move(net.shards[i]));
    switch (net.placements[i].role) {
      case ShardRole::input:
        s.inputs.push_back(sys.spawn<InputSourceActor>(shard, coordinator));
        break;
      case ShardRole::recurrent:
        s.shards.push_back(sys.spawn<ShardActor>(shard, n_inputs + n_shards, Step{1}, coordinator));
        break;
      case ShardRole::readout:
        s.supervisor = sys.spawn<SupervisorActor>(shard, n_shards, coordinator, plan);
        break;
    }
  }
  for (std::size_t i = 0; i < net.placements.size(); ++i) {
    const ShardPlacement& p = net.placements[i];
    const caf::actor& a = p.role == ShardRole::input       ? s.inputs[i]
                          : p.role == ShardRole::recurrent ? s.shards[i - n_inputs]
                                                           : s.supervisor;
    const char* role = p.role == ShardRole::input ? "input shard" : p.role == ShardRole::recurrent ? "shard" : "supervisor";
    s.names.emplace_back(a.address(), std::string(role) + " " + std::to_string(p.shard_id) + " (neurons " +
                                          std::to_string(p.first_index) + "–" +
                                          std::to_string(p.first_index + p.size) + ")");
  }
  return s;
}

void wire(caf::scoped_actor& self, const SpawnedNetwork& s) {
  const std::vector<caf::actor> none;
  std::vector<caf::actor> rec_and_supervisor = s.shards;
  rec_and_supervisor.push_back(s.supervisor);
  std::vector<caf::actor> clocked = s.shards;  // who hears the error broadcast
  clocked.insert(clocked.end(), s.inputs.begin(), s.inputs.end());
  for (const caf::actor& a : s.inputs) self->send(a, wire_atom::value, s.shards, none);
  for (const caf::actor& a : s.shards) self->send(a, wire_atom::value, rec_and_supervisor, none);
  self->send(s.supervisor, wire_atom::value, none, clocked);
}

void stop_all(caf::scoped_actor& self, const std::vector<caf::actor>& actors) {
  for (const caf::actor& a : actors) self->send_exit(a, caf::exit_reason::user_shutdown);
}

}  // namespace

RunResult run_network(const NetworkDescription& network, Step n_steps, const IterationPlan& plan,
                      const RunOptions& options, const IterationCallback& on_iteration) {
  const auto build_start = Clock::now();
  PartitionOptions partition;
  partition.input_shards = options.input_shards;
  partition.recurrent_shards = options.shards;
  partition.history = options.history;
  BuiltNetwork built = build_network(network, partition);
  const double build_seconds = seconds_since(build_start);
  RunResult result = run_shards(std::move(built), n_steps, plan, options, on_iteration);
  result.build_seconds = build_seconds;
  return result;
}

RunResult run_shards(BuiltNetwork built, Step n_steps, const IterationPlan& plan, const RunOptions& options,
                     const IterationCallback& on_iteration) {
  RunResult result;
  const Step built_slice_steps = built.slice_steps;
  caf::actor_system_config cfg;
  cfg.set("scheduler.max-threads", static_cast<std::size_t>(std::max<std::uint32_t>(1, options.threads)));
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  const SpawnedNetwork spawned = spawn_actors(sys, built, plan, self);
  const std::vector<caf::actor> actors = spawned.all();
  for (const caf::actor& a : actors) self->monitor(a);
  wire(self, spawned);

  const auto sim_start = Clock::now();
  for (const caf::actor& a : actors) self->send(a, run_atom::value, built_slice_steps, n_steps);
  std::size_t done = 0;
  std::string failure;
  while (done < actors.size() && failure.empty()) {
    self->receive(
        [&](done_atom, std::uint32_t) { ++done; },
        [&](iteration_atom, const IterationReport& r) {
          result.iterations.push_back(r);
          if (on_iteration) on_iteration(r, seconds_since(sim_start));
        },
        [&](recording_atom, Recording& r) { result.recording = std::move(r); },
        [&](caf::down_msg& dm) {
          failure = spawned.name_of(dm.source) + " stopped: " + sys.render(dm.reason);
        });
  }
  result.simulate_seconds = seconds_since(sim_start);
  if (!failure.empty()) {
    stop_all(self, actors);
    throw RunFailed(failure);
  }

  for (const caf::actor& a : actors) {
    self->request(a, caf::infinite, weights_atom::value)
        .receive([&](WeightRecords& w) { result.weights.insert(result.weights.end(), w.begin(), w.end()); },
                 [&](caf::error& e) { failure = sys.render(e); });
    self->request(a, caf::infinite, counters_atom::value)
        .receive(
            [&](const ShardCounters& k) {
              result.synaptic_events += k.synaptic_events;
              result.history_entries_max += k.history_entries_max;
              result.synapse_bytes += k.synapse_bytes;
              if (a == spawned.supervisor) return;
              const bool is_input = std::find(spawned.inputs.begin(), spawned.inputs.end(), a) != spawned.inputs.end();
              (is_input ? result.input_spikes : result.rec_spikes) += k.spikes_emitted;
            },
            [&](caf::error& e) { failure = sys.render(e); });
  }
  stop_all(self, actors);
  if (!failure.empty()) throw RunFailed("gathering results: " + failure);
  sort_canonically(result.weights);
  result.weights_digest = weights_digest(result.weights);
  return result;
}

}  // namespace eligo::actors
