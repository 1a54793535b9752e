#pragma once
// The sending end of the data plane: a local actor that stands for another node. Shard actors
// subscribe it like any neighbour (they never know a neighbour is remote); it encodes each batch once
// as a data-plane frame and hands it to a FrameSink, which is either a TLS data link (Asio) or the
// middleman-only fallback. A batch goes to a node once, however many of its shards subscribe.
#include <atomic>
#include <caf/actor.hpp>
#include <caf/event_based_actor.hpp>
#include <cstdint>
#include <memory>
#include <string>

namespace eligo::transport {
class DataPlane;
}

namespace eligo::cluster {

class FrameSink {
 public:
  virtual ~FrameSink() = default;
  virtual void send(std::string frame) = 0;
  // The middleman path learns a lower-numbered peer's receiver only when that peer connects; frames
  // wait until then.
  virtual void bind(const caf::actor& /*receiver*/) {}
};

// Over the node pair's data link.
std::unique_ptr<FrameSink> data_link_sink(std::shared_ptr<transport::DataPlane> plane, std::uint32_t peer);
// Over CAF's middleman, to the peer's receiver (null: bound later with bind()). `bytes` counts the
// frames' bytes.
std::unique_ptr<FrameSink> middleman_sink(caf::actor receiver, std::uint32_t self_index,
                                          std::shared_ptr<std::atomic<std::uint64_t>> bytes);

// Bytes of the frames a node's outlets sent, by kind (for the cost of distribution per spike).
struct OutletTraffic {
  std::atomic<std::uint64_t> spike_bytes{0}, error_bytes{0};
};

class RemoteOutlet final : public caf::event_based_actor {
 public:
  RemoteOutlet(caf::actor_config& cfg, std::unique_ptr<FrameSink> sink, std::shared_ptr<OutletTraffic> traffic);
  const char* name() const override { return "eligo.outlet"; }
  caf::behavior make_behavior() override;

 private:
  std::unique_ptr<FrameSink> sink_;
  std::shared_ptr<OutletTraffic> traffic_;
};

}  // namespace eligo::cluster
