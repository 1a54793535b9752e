#include "runtime/checkpoint/shard_header.hpp"

#include <string>

namespace eligo {

const char* to_string(ShardRole role) {
  switch (role) {
    case ShardRole::input:
      return "input";
    case ShardRole::recurrent:
      return "recurrent";
    case ShardRole::readout:
      return "readout";
  }
  return "unknown";
}

void save_identity(StateWriter& w, const ShardIdentity& id) {
  w.section("shard");
  w.u8(static_cast<std::uint8_t>(id.role));
  w.u32(id.shard_id);
  w.u32(id.first_index);
  w.u32(id.size);
  w.u64(id.first_gid);
  w.u64(id.synapses);
}

void check_identity(StateReader& r, const ShardIdentity& expected) {
  r.section("shard");
  ShardIdentity saved;
  const std::uint8_t role = r.u8("role");
  if (role > static_cast<std::uint8_t>(ShardRole::readout)) r.fail("role", "unknown role " + std::to_string(role));
  saved.role = static_cast<ShardRole>(role);
  saved.shard_id = r.u32("shard id");
  saved.first_index = r.u32("first index");
  saved.size = r.u32("neurons");
  saved.first_gid = r.u64("first global id");
  saved.synapses = r.u64("synapses");

  const std::string ours = "this network's shard " + std::to_string(expected.shard_id);
  const std::string theirs = "checkpoint shard " + std::to_string(saved.shard_id);
  if (saved.shard_id != expected.shard_id) {
    r.fail("shard id", "the checkpoint is of shard " + std::to_string(saved.shard_id) + ", loaded into shard " +
                           std::to_string(expected.shard_id));
  }
  if (saved.role != expected.role) {
    auto a = [](ShardRole role) { return std::string(role == ShardRole::input ? "an " : "a ") + to_string(role); };
    r.fail("role", theirs + " is " + a(saved.role) + " shard, " + ours + " is " + a(expected.role) + " shard");
  }
  if (saved.size != expected.size) {
    r.fail("neurons", theirs + " has " + std::to_string(saved.size) + " neurons, " + ours + " has " +
                          std::to_string(expected.size));
  }
  if (saved.first_index != expected.first_index || saved.first_gid != expected.first_gid) {
    r.fail("first index", theirs + " starts at neuron " + std::to_string(saved.first_index) + " (global id " +
                              std::to_string(saved.first_gid) + "), " + ours + " at neuron " +
                              std::to_string(expected.first_index) + " (global id " +
                              std::to_string(expected.first_gid) + ")");
  }
  if (saved.synapses != expected.synapses) {
    r.fail("synapses", theirs + " has " + std::to_string(saved.synapses) + " synapses, " + ours + " has " +
                           std::to_string(expected.synapses));
  }
}

void save_counters(StateWriter& w, const ShardCounters& c) {
  w.section("counters");
  w.u64(c.spikes_emitted);
  w.u64(c.flushes_emitted);
  w.u64(c.synaptic_events);
  w.u64(c.history_entries);
  w.u64(c.history_entries_max);
}

ShardCounters load_counters(StateReader& r, const ShardCounters& current) {
  r.section("counters");
  ShardCounters c;
  c.spikes_emitted = r.u64("spikes_emitted");
  c.flushes_emitted = r.u64("flushes_emitted");
  c.synaptic_events = r.u64("synaptic_events");
  c.history_entries = r.u64("history_entries");
  c.history_entries_max = r.u64("history_entries_max");
  c.synapse_bytes = current.synapse_bytes;
  c.history_bytes_max = current.history_bytes_max;
  c.closed_windows = current.closed_windows;
  c.loop_windows = current.loop_windows;
  c.clamp_fallbacks = current.clamp_fallbacks;
  return c;
}

}  // namespace eligo
