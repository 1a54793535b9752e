#include "actors/coordinator.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <caf/all.hpp>
#include <chrono>
#include <memory>

#include "actors/parallel_jobs.hpp"
#include "actors/run_ledger.hpp"
#include "actors/scheduler_config.hpp"
#include "actors/shard_wiring.hpp"
#include "runtime/checkpoint/shard_checkpoint.hpp"

namespace eligo::actors {
namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

struct SpawnedNetwork {
  std::vector<caf::actor> inputs, shards;
  caf::actor supervisor;
  std::vector<caf::actor> by_shard;                            // parallel to the network's shards
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
    const ShardRole role = net.placements[i].role;
    caf::actor a = spawn_shard_actor(sys, std::shared_ptr<Shard>(std::move(net.shards[i])), role, n_inputs, n_shards,
                                     coordinator, plan);
    if (role == ShardRole::input)
      s.inputs.push_back(a);
    else if (role == ShardRole::recurrent)
      s.shards.push_back(a);
    else
      s.supervisor = a;
    s.by_shard.push_back(a);
  }
  for (std::size_t i = 0; i < net.placements.size(); ++i) {
    const ShardPlacement& p = net.placements[i];
    const caf::actor& a = s.by_shard[i];
    const char* role = p.role == ShardRole::input       ? "input shard"
                       : p.role == ShardRole::recurrent ? "shard"
                                                        : "supervisor";
    s.names.emplace_back(a.address(), std::string(role) + " " + std::to_string(p.shard_id) + " (neurons " +
                                          std::to_string(p.first_index) + "–" + std::to_string(p.first_index + p.size) +
                                          ")");
  }
  return s;
}

void wire(caf::scoped_actor& self, const SpawnedNetwork& s, const std::vector<ShardRole>& roles) {
  const ShardTopology topology = shard_topology(roles);
  auto actors_of = [&](const std::vector<std::uint32_t>& shards) {
    std::vector<caf::actor> a;
    a.reserve(shards.size());
    for (std::uint32_t i : shards) a.push_back(s.by_shard[i]);
    return a;
  };
  for (std::size_t i = 0; i < roles.size(); ++i)
    self->send(s.by_shard[i], wire_atom::value, actors_of(topology.spike_subscribers[i]),
               actors_of(topology.error_subscribers[i]));
}

// Restores every shard from its blob (all taken after one slice) and returns that slice; `resumes`
// gets what each actor needs besides its shard.
Step restore_shards(BuiltNetwork& built, const ResumeFrom& from, std::vector<ResumePtr>& resumes) {
  if (from.blobs.size() != built.shards.size() || from.actor_states.size() != built.shards.size())
    throw RunFailed("the checkpoint has " + std::to_string(from.blobs.size()) + " shards, this run's network " +
                    std::to_string(built.shards.size()));
  Step slice = -1;
  for (std::size_t i = 0; i < built.shards.size(); ++i) {
    RestoredShard r = load_shard_checkpoint(*built.shards[i], from.blobs[i]);
    if (i > 0 && r.slice != slice)
      throw RunFailed("the checkpoint's shards were saved after different slices (" + std::to_string(slice) + " and " +
                      std::to_string(r.slice) + ")");
    slice = r.slice;
    resumes.push_back(std::make_shared<const ResumeState>(ResumeState{std::move(r.output), from.actor_states[i]}));
  }
  return slice;
}

void stop_all(caf::scoped_actor& self, const std::vector<caf::actor>& actors) {
  for (const caf::actor& a : actors) self->send_exit(a, caf::exit_reason::user_shutdown);
}

}  // namespace

RunResult run_network(const NetworkDescription& network, Step n_steps, const IterationPlan& plan,
                      const RunOptions& options, const Callbacks& callbacks) {
  const auto build_start = Clock::now();
  PartitionOptions partition;
  partition.input_shards = options.input_shards;
  partition.recurrent_shards = options.shards;
  partition.history = options.history;
  // Each shard is built from the description alone, so the shards build at once, one per thread.
  partition.run_jobs = [&](std::vector<std::function<void()>>& jobs) { run_on_threads(jobs, options.threads); };
  BuiltNetwork built = build_network(network, partition);
  const double build_seconds = seconds_since(build_start);
  RunResult result = run_shards(std::move(built), n_steps, plan, options, callbacks);
  result.build_seconds = build_seconds;
  return result;
}

RunResult run_shards(BuiltNetwork built, Step n_steps, const IterationPlan& plan, const RunOptions& options,
                     const Callbacks& callbacks) {
  caf::actor_system_config cfg;
  configure_scheduler(cfg, options.threads);
  caf::actor_system sys{cfg};
  return run_shards_on(sys, std::move(built), n_steps, plan, options, callbacks);
}

RunResult run_shards_on(caf::actor_system& sys, BuiltNetwork built, Step n_steps, const IterationPlan& plan,
                        const RunOptions& options, const Callbacks& callbacks) {
  RunSpec spec;
  spec.slice_steps = built.slice_steps;
  spec.n_steps = n_steps;
  spec.checkpoint_slices = options.checkpoint_slices;
  if (options.open_ended) spec.limit = 0;
  std::vector<ResumePtr> resumes;
  if (options.resume) {
    const Step slice = restore_shards(built, *options.resume, resumes);
    spec.start_slice = slice + 1;
  }
  const std::size_t n_shards = built.shards.size();
  caf::scoped_actor self{sys};
  const SpawnedNetwork spawned = spawn_actors(sys, built, plan, self);
  const std::vector<caf::actor> actors = spawned.all();
  for (const caf::actor& a : actors) self->monitor(a);
  std::vector<ShardRole> roles;
  for (const ShardPlacement& p : built.placements) roles.push_back(p.role);
  wire(self, spawned, roles);
  for (std::size_t i = 0; i < resumes.size(); ++i) self->send(spawned.by_shard[i], resume_atom::value, resumes[i]);

  RunLedger ledger(n_shards, callbacks, options.keep_weights, options.keep_iterations);
  ledger.start();
  for (const caf::actor& a : actors) self->send(a, run_atom::value, spec);
  if (callbacks.on_started) callbacks.on_started(RunningNetwork{spawned.by_shard, roles});
  while (ledger.running()) {
    self->receive(
        [&](done_atom, std::uint32_t) { ledger.on_shard_done(); },
        [&](iteration_atom, const IterationReport& r) { ledger.on_iteration(r); },
        [&](checkpoint_atom, const ShardCheckpointPtr& part) {
          if (!ledger.on_checkpoint_part(part))
            ledger.fail("an actor sent a checkpoint of unknown shard " + std::to_string(part->shard_id));
        },
        [&](recording_atom, Recording& r) { ledger.on_recording(std::move(r)); },
        [&](caf::down_msg& dm) { ledger.fail(spawned.name_of(dm.source) + " stopped: " + sys.render(dm.reason)); });
  }
  ledger.stop();
  if (ledger.failed()) {
    stop_all(self, actors);
    throw RunFailed(ledger.failure());
  }

  std::string failure;
  for (std::size_t i = 0; i < spawned.by_shard.size(); ++i) {
    const caf::actor& a = spawned.by_shard[i];
    if (options.keep_weights) {
      self->request(a, caf::infinite, weights_atom::value)
          .receive([&](WeightRecords& w) { ledger.add_weights(std::move(w)); },
                   [&](caf::error& e) { failure = sys.render(e); });
    } else {
      self->request(a, caf::infinite, columns_atom::value)
          .receive([&](WeightColumns& c) { ledger.add_weight_columns(std::move(c)); },
                   [&](caf::error& e) { failure = sys.render(e); });
    }
    self->request(a, caf::infinite, counters_atom::value)
        .receive([&](const ShardCounters& k) { ledger.add_counters(roles[i], k); },
                 [&](caf::error& e) { failure = sys.render(e); });
  }
  stop_all(self, actors);
  if (!failure.empty()) throw RunFailed("gathering results: " + failure);
  return ledger.finish();
}

}  // namespace eligo::actors
