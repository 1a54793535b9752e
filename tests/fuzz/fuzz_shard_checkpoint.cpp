// Fuzz target (tests/fuzz/fuzz_target.hpp): arbitrary bytes as the checkpoint of one shard
// (runtime/checkpoint/shard_checkpoint.*, state_stream.*, and each shard's load_state) of the small
// network of tests/fuzz/tiny_network.hpp. The first byte picks the shard; the second says what follows:
// 0 a payload, sealed here with its checksum so that mutations reach the state parser; 1 a whole blob,
// envelope included. A StateError is a correct answer; so is any state that loads, but it must then
// save and load again, to the same bytes. A crash, another exception or a sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/checkpoint/shard_checkpoint.hpp"
#include "runtime/network/network_builder.hpp"
#include "tests/fuzz/fuzz_target.hpp"
#include "tests/fuzz/tiny_network.hpp"

namespace {

using namespace eligo;

BuiltNetwork build() {
  static const NetworkDescription net = fuzz::tiny_network();
  return build_network(net, fuzz::tiny_partition());
}

}  // namespace

ELIGO_FUZZ_TARGET(shard_checkpoint) {
  if (size < 2) return;
  BuiltNetwork network = build();
  const std::size_t shard = data[0] % network.shards.size();
  const std::string_view rest(reinterpret_cast<const char*>(data + 2), size - 2);
  const std::string blob = data[1] % 2 == 0 ? seal_checkpoint(rest) : std::string(rest);
  RestoredShard restored;
  try {
    restored = load_shard_checkpoint(*network.shards[shard], blob);
  } catch (const StateError&) {
    return;
  }
  // A state that loaded is one the shard can write and read back unchanged.
  const std::string again = save_shard_checkpoint(*network.shards[shard], restored.slice, restored.output);
  BuiltNetwork fresh = build();
  RestoredShard reread;
  try {
    reread = load_shard_checkpoint(*fresh.shards[shard], again);
  } catch (const StateError&) {
    fuzz::expect(false, "a state the shard wrote loads again");
  }
  fuzz::expect(save_shard_checkpoint(*fresh.shards[shard], reread.slice, reread.output) == again,
               "a loaded state saves to the same bytes");
}
