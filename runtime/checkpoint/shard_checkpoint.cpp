#include "runtime/checkpoint/shard_checkpoint.hpp"

#include <cstdio>

#include "runtime/checkpoint/fnv1a.hpp"
#include "runtime/checkpoint/slice_output_state.hpp"

namespace eligo {
namespace {

constexpr std::size_t kHeaderBytes = 8 + 4 + 8;
constexpr std::size_t kTrailerBytes = 8;

std::uint64_t checksum(std::string_view payload) {
  Fnv1a h;
  h.bytes(payload);
  return h.digest();
}

// Printable form of bytes that should have been the magic.
std::string printable(std::string_view b) {
  std::string s;
  for (const char c : b) {
    if (c >= 0x20 && c < 0x7f) {
      s += c;
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", static_cast<unsigned char>(c));
      s += hex;
    }
  }
  return s;
}

// The output a shard returns is tied to the slice and to the shard that sent it.
void check_output(StateReader& r, const Shard& shard, Step slice, const SliceOutput& out) {
  if (slice < 0) return;  // taken before the first slice: nothing was sent yet
  if (out.spikes.slice != slice) {
    r.fail("spike_batch",
           "is of slice " + std::to_string(out.spikes.slice) + ", the checkpoint of slice " + std::to_string(slice));
  }
  if (out.spikes.sender_shard != shard.id()) {
    r.fail("spike_batch", "was sent by shard " + std::to_string(out.spikes.sender_shard) + ", not by shard " +
                              std::to_string(shard.id()));
  }
  const std::size_t signals = out.errors.eps.size();
  if (shard.role() == ShardRole::readout) {
    if (out.errors.slice != slice || out.errors.first_step != out.spikes.first_step) {
      r.fail("error_batch", "is not of the checkpoint's slice " + std::to_string(slice));
    }
    if (out.readout_signal.size() != signals) {
      r.fail("readout_signal",
             "has " + std::to_string(out.readout_signal.size()) + " values for " + std::to_string(signals) + " errors");
    }
  } else if (signals != 0 || !out.readout_signal.empty()) {
    r.fail("error_batch", "a " + std::string(shard.role() == ShardRole::input ? "input" : "recurrent") +
                              " shard sends no errors or readout signals");
  }
}

}  // namespace

std::string seal_checkpoint(std::string_view payload) {
  StateWriter w;
  w.bytes(kShardCheckpointMagic);
  w.u32(kShardCheckpointVersion);
  w.u64(payload.size());
  w.bytes(payload);
  w.u64(checksum(payload));
  return w.take();
}

std::string_view unseal_checkpoint(std::string_view blob) {
  StateReader r(blob, "shard checkpoint blob");
  if (blob.size() < kHeaderBytes) {
    r.fail("", "has " + std::to_string(blob.size()) + " bytes, fewer than its " + std::to_string(kHeaderBytes) +
                   "-byte header (truncated or empty)");
  }
  if (const std::string_view magic = r.bytes("magic", kShardCheckpointMagic.size()); magic != kShardCheckpointMagic) {
    r.fail("magic", "is '" + printable(magic) + "', not '" + std::string(kShardCheckpointMagic) +
                        "': this is not a shard checkpoint");
  }
  if (const std::uint32_t v = r.u32("format version"); v != kShardCheckpointVersion) {
    r.fail("format version",
           "is " + std::to_string(v) + "; this build reads version " + std::to_string(kShardCheckpointVersion));
  }
  const std::uint64_t length = r.u64("payload length");
  if (r.remaining() < kTrailerBytes || length != r.remaining() - kTrailerBytes) {
    r.fail("payload length", "the header announces " + std::to_string(length) + " payload bytes and a " +
                                 std::to_string(kTrailerBytes) + "-byte checksum, but " +
                                 std::to_string(r.remaining()) + " bytes follow (truncated or extended blob)");
  }
  const std::string_view payload = r.bytes("payload", static_cast<std::size_t>(length));
  const std::uint64_t stored = r.u64("checksum");
  if (const std::uint64_t computed = checksum(payload); stored != computed) {
    r.fail("checksum", "does not match the payload (stored " + std::to_string(stored) + ", computed " +
                           std::to_string(computed) + "): the blob is damaged");
  }
  return payload;
}

std::string save_shard_checkpoint(const Shard& shard, Step slice, const SliceOutput& output) {
  StateWriter w;
  w.section("checkpoint");
  w.i64(slice);
  shard.save_state(w);
  w.section("last_output");
  save_slice_output(w, output);
  return seal_checkpoint(w.data());
}

RestoredShard load_shard_checkpoint(Shard& shard, std::string_view blob) {
  const std::string_view payload = unseal_checkpoint(blob);
  StateReader r(payload, "checkpoint loaded into shard " + std::to_string(shard.id()));
  r.section("checkpoint");
  RestoredShard restored;
  restored.slice = r.i64("slice");
  if (restored.slice < -1) r.fail("slice", "is " + std::to_string(restored.slice));
  shard.load_state(r);
  r.section("last_output");
  restored.output = load_slice_output(r);
  check_output(r, shard, restored.slice, restored.output);
  r.expect_end();
  return restored;
}

}  // namespace eligo
