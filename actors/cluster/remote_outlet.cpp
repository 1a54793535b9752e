#include "actors/cluster/remote_outlet.hpp"

#include <caf/all.hpp>
#include <vector>

#include "actors/cluster/cluster_messages.hpp"
#include "actors/messages.hpp"
#include "actors/transport/data_plane.hpp"
#include "actors/transport/frame_codec.hpp"

namespace eligo::cluster {
namespace {

class DataLinkSink final : public FrameSink {
 public:
  DataLinkSink(std::shared_ptr<transport::DataPlane> plane, std::uint32_t peer)
      : plane_(std::move(plane)), peer_(peer) {}
  void send(std::string frame) override { plane_->send(peer_, std::make_shared<const std::string>(std::move(frame))); }

 private:
  std::shared_ptr<transport::DataPlane> plane_;
  std::uint32_t peer_;
};

class MiddlemanSink final : public FrameSink {
 public:
  MiddlemanSink(caf::actor peer, std::uint32_t self_index, std::shared_ptr<std::atomic<std::uint64_t>> bytes)
      : peer_(std::move(peer)), self_(self_index), bytes_(std::move(bytes)) {}
  void send(std::string frame) override {
    *bytes_ += frame.size();
    if (!peer_) {
      waiting_.push_back(std::move(frame));
      return;
    }
    caf::anon_send(peer_, frame_atom::value, self_, std::move(frame));
  }
  void bind(const caf::actor& receiver) override {
    peer_ = receiver;
    for (std::string& f : waiting_) caf::anon_send(peer_, frame_atom::value, self_, std::move(f));
    waiting_.clear();
  }

 private:
  caf::actor peer_;
  std::vector<std::string> waiting_;
  std::uint32_t self_;
  std::shared_ptr<std::atomic<std::uint64_t>> bytes_;
};

}  // namespace

std::unique_ptr<FrameSink> data_link_sink(std::shared_ptr<transport::DataPlane> plane, std::uint32_t peer) {
  return std::make_unique<DataLinkSink>(std::move(plane), peer);
}

std::unique_ptr<FrameSink> middleman_sink(caf::actor peer_node, std::uint32_t self_index,
                                          std::shared_ptr<std::atomic<std::uint64_t>> bytes) {
  return std::make_unique<MiddlemanSink>(std::move(peer_node), self_index, std::move(bytes));
}

RemoteOutlet::RemoteOutlet(caf::actor_config& cfg, std::unique_ptr<FrameSink> sink,
                           std::shared_ptr<OutletTraffic> traffic)
    : caf::event_based_actor(cfg), sink_(std::move(sink)), traffic_(std::move(traffic)) {}

caf::behavior RemoteOutlet::make_behavior() {
  // A link that is gone throws here; the outlet then stops with that error and the session agent,
  // which monitors it, reports the failure (the data plane has usually reported the lost link first).
  set_exception_handler([](caf::scheduled_actor*, std::exception_ptr& eptr) -> caf::error {
    try {
      std::rethrow_exception(eptr);
    } catch (const std::exception& e) {
      return caf::make_error(caf::sec::runtime_error, std::string("data path: ") + e.what());
    } catch (...) {
      return caf::make_error(caf::sec::runtime_error, std::string("data path: unknown exception"));
    }
  });
  return {
      [this](const actors::SpikeBatchPtr& b) {
        std::string frame = transport::encode_frame(*b);
        traffic_->spike_bytes += frame.size();
        sink_->send(std::move(frame));
      },
      [this](const actors::ErrorBatchPtr& b) {
        std::string frame = transport::encode_frame(*b);
        traffic_->error_bytes += frame.size();
        sink_->send(std::move(frame));
      },
      [this](peer_atom, const caf::actor& receiver) { sink_->bind(receiver); },
  };
}

}  // namespace eligo::cluster
