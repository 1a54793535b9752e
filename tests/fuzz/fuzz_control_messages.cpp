// Fuzz target (tests/fuzz/fuzz_target.hpp): arbitrary bytes as a control-plane message from the network
// (actors/cluster/control_codec.hpp, proto/eligo/cluster.proto), converted the way a coordinator or node
// converts it: the first byte picks the message (a node's hello reply, setup reply, event or results, a
// coordinator's hello or setup), the rest is its protobuf encoding. Checkpoint blobs inside it go through
// the checkpoint envelope (runtime/checkpoint/shard_checkpoint.hpp). A ControlError or StateError is a
// correct answer; a crash, another exception or a sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "actors/cluster/control_codec.hpp"
#include "runtime/checkpoint/shard_checkpoint.hpp"
#include "tests/fuzz/fuzz_target.hpp"

namespace {

using namespace eligo;
using namespace eligo::cluster;

void unseal(const std::string& blob) {
  try {
    unseal_checkpoint(blob);
  } catch (const StateError&) {
  }
}

void convert(const wire::NodeEvent& e) {
  if (e.has_iteration()) from_wire(e.iteration());
  if (e.has_recording()) from_wire(e.recording());
  if (e.has_checkpoint()) unseal(from_wire(e.checkpoint())->blob);
}

}  // namespace

ELIGO_FUZZ_TARGET(control_messages) {
  if (size < 1) return;
  const std::string bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    switch (data[0] % 6) {
      case 0:
        parse_control<wire::NodeHello>(bytes, "hello");
        break;
      case 1:
        parse_control<wire::NodeHelloReply>(bytes, "hello reply");
        break;
      case 2: {
        // Held in a variable: a range-for over a temporary's member would read a destroyed message.
        const wire::SessionSetup setup = parse_control<wire::SessionSetup>(bytes, "session setup");
        for (const wire::ShardResume& r : setup.resume()) unseal(r.blob());
        break;
      }
      case 3:
        parse_control<wire::SessionReady>(bytes, "setup reply");
        break;
      case 4:
        convert(parse_control<wire::NodeEvent>(bytes, "node event"));
        break;
      case 5:
        from_wire(parse_control<wire::SessionResults>(bytes, "results").weights());
        break;
    }
  } catch (const ControlError&) {
  }
}
