#include "actors/shard_wiring.hpp"

#include <caf/all.hpp>

#include "actors/input_source_actor.hpp"
#include "actors/shard_actor.hpp"

namespace eligo::actors {

ShardTopology shard_topology(const std::vector<ShardRole>& roles) {
  std::vector<std::uint32_t> inputs, recurrent, readout;
  for (std::uint32_t i = 0; i < roles.size(); ++i) {
    (roles[i] == ShardRole::input ? inputs : roles[i] == ShardRole::recurrent ? recurrent : readout).push_back(i);
  }
  std::vector<std::uint32_t> rec_and_readout = recurrent;
  rec_and_readout.insert(rec_and_readout.end(), readout.begin(), readout.end());
  std::vector<std::uint32_t> clocked = recurrent;
  clocked.insert(clocked.end(), inputs.begin(), inputs.end());
  ShardTopology t;
  t.spike_subscribers.resize(roles.size());
  t.error_subscribers.resize(roles.size());
  for (std::uint32_t i = 0; i < roles.size(); ++i) {
    switch (roles[i]) {
      case ShardRole::input:
        t.spike_subscribers[i] = recurrent;
        break;
      case ShardRole::recurrent:
        t.spike_subscribers[i] = rec_and_readout;
        break;
      case ShardRole::readout:
        t.error_subscribers[i] = clocked;
        break;
    }
  }
  return t;
}

caf::actor spawn_shard_actor(caf::actor_system& sys, std::shared_ptr<Shard> shard, ShardRole role,
                             std::uint32_t n_inputs, std::uint32_t n_recurrent, const caf::actor& coordinator,
                             const IterationPlan& plan) {
  switch (role) {
    case ShardRole::input:
      return sys.spawn<InputSourceActor>(std::move(shard), coordinator);
    case ShardRole::recurrent:
      return sys.spawn<ShardActor>(std::move(shard), n_inputs + n_recurrent, Step{1}, coordinator);
    case ShardRole::readout:
      return sys.spawn<SupervisorActor>(std::move(shard), n_recurrent, coordinator, plan);
  }
  return {};
}

}  // namespace eligo::actors
