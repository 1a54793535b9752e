#pragma once
// Converts the in-process messages the coordinator needs (actors/messages.hpp) to and from their
// control-plane form (proto/eligo/cluster.proto), and parses control messages from the network.
#include <stdexcept>
#include <string>

#include "actors/messages.hpp"
#include "cluster.pb.h"

namespace eligo::cluster {

class ControlError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

void to_wire(const actors::WeightRecords& from, google::protobuf::RepeatedPtrField<wire::Weight>& to);
actors::WeightRecords from_wire(const google::protobuf::RepeatedPtrField<wire::Weight>& from);

wire::ShardCheckpointPart to_wire(const actors::ShardCheckpoint& c);
actors::ShardCheckpointPtr from_wire(const wire::ShardCheckpointPart& c);

wire::Iteration to_wire(const actors::IterationReport& r);
actors::IterationReport from_wire(const wire::Iteration& r);

wire::RecordingPart to_wire(const actors::Recording& r);
actors::Recording from_wire(const wire::RecordingPart& r);

// Parses a control message that came over the network; `what` names it in the error.
template <class Message>
Message parse_control(const std::string& bytes, const char* what) {
  Message m;
  if (!m.ParseFromString(bytes)) throw ControlError(std::string("malformed ") + what + " message");
  return m;
}

}  // namespace eligo::cluster
