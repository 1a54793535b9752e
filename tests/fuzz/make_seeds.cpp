// Writes the seeds of the fuzz targets whose inputs are hard to write by hand into the corpus folder
// given (tests/fuzz/corpus/): AEDAT 4 files of every compression, with and without a data table (the
// unit tests' fixture, tests/support/aedat4_fixture.hpp); real shard checkpoints of the network of
// tests/fuzz/tiny_network.hpp; control-plane messages; an N-MNIST file. Built by tests/fuzz/run.sh;
// run it by hand when a format changes (`build-fuzz/make_seeds tests/fuzz/corpus`) and commit the files.
#include <cluster.pb.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "runtime/checkpoint/network_checkpoint.hpp"
#include "runtime/checkpoint/shard_checkpoint.hpp"
#include "runtime/data/formats/nmnist_file.hpp"
#include "tests/fuzz/tiny_network.hpp"
#include "tests/support/aedat4_fixture.hpp"

namespace {

namespace fs = std::filesystem;
using namespace eligo;

void write(const fs::path& file, const std::string& bytes) {
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
}

void aedat4_seeds(const fs::path& dir) {
  const std::vector<CameraEvent> events{{1000, 1, 2, true}, {1005, 319, 239, false}, {1005, 7, 7, true}};
  for (const int compression : {0, 1, 3}) {
    for (const bool table : {true, false}) {
      test::Aedat4Builder b;
      b.compression = compression;
      b.data_table = table;
      b.events(events).other(2, "imu").events({{2000, 3, 4, false}});
      write(dir / ("c" + std::to_string(compression) + (table ? "_table" : "_walk") + ".aedat4"), b.build().bytes);
    }
  }
}

// Checkpoints of every shard after two thirds of the run: "<shard><0>payload" and "<shard><1>blob".
std::vector<std::string> checkpoint_seeds(const fs::path& dir) {
  BuiltNetwork network = build_network(fuzz::tiny_network(), fuzz::tiny_partition());
  SequentialDriver driver(network, fuzz::kTinySteps);
  while (driver.next_slice() < 2 * fuzz::kTinySteps / 3) driver.step();
  const std::vector<std::string> blobs = save_network_checkpoint(network, driver);
  for (std::size_t i = 0; i < blobs.size(); ++i) {
    const std::string shard(1, static_cast<char>(i));
    write(dir / ("shard" + std::to_string(i) + "_payload"), shard + '\0' + std::string(unseal_checkpoint(blobs[i])));
    write(dir / ("shard" + std::to_string(i) + "_blob"), shard + '\1' + blobs[i]);
  }
  return blobs;
}

void control_seeds(const fs::path& dir, const std::vector<std::string>& blobs) {
  const auto message = [&](const char* name, char kind, const google::protobuf::Message& m) {
    write(dir / name, std::string(1, kind) + m.SerializeAsString());
  };
  wire::NodeHello hello;
  hello.set_protocol_version(1);
  hello.set_config_digest("0123abcd");
  hello.set_session("run-1");
  message("hello", 0, hello);
  wire::NodeHelloReply reply;
  reply.set_node_name("node1");
  reply.set_threads(2);
  reply.set_data_port(7101);
  message("hello_reply", 1, reply);
  wire::SessionSetup setup;
  setup.set_session("run-1");
  setup.set_config_text("name: x\n");
  setup.add_shard_node(0);
  setup.add_checkpoint_slices(10);
  wire::ShardResume* resume = setup.add_resume();
  resume->set_shard_id(1);
  resume->set_blob(blobs[1]);
  message("setup", 2, setup);
  wire::SessionReady ready;
  ready.add_shards(0);
  ready.add_shards(3);
  message("ready", 3, ready);
  wire::NodeEvent iteration;
  iteration.mutable_iteration()->set_iteration(4);
  iteration.mutable_iteration()->set_loss(0.25);
  message("event_iteration", 4, iteration);
  wire::NodeEvent checkpoint;
  wire::ShardCheckpointPart* part = checkpoint.mutable_checkpoint();
  part->set_slice(19);
  part->set_shard_id(3);
  part->set_blob(blobs[3]);
  wire::Weight* w = part->add_weights();
  w->set_source_gid(3);
  w->set_target_gid(8);
  w->set_weight(0.5);
  message("event_checkpoint", 4, checkpoint);
  wire::NodeEvent recording;
  recording.mutable_recording()->set_n_out(2);
  recording.mutable_recording()->add_readout_signal(0.1);
  recording.mutable_recording()->add_target_signal(0.2);
  wire::RecordedSpike* spike = recording.mutable_recording()->add_rec_spikes();
  spike->set_step(5);
  spike->set_neuron(2);
  message("event_recording", 4, recording);
  wire::SessionResults results;
  *results.add_weights() = *w;
  results.add_totals()->set_synapse_bytes(100);
  message("results", 5, results);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const fs::path root = argv[1];
  aedat4_seeds(root / "aedat4");
  control_seeds(root / "control_messages", checkpoint_seeds(root / "shard_checkpoint"));
  fs::create_directories(root / "nmnist");
  write_nmnist_file(root / "nmnist" / "three_events.bin", {{1, 2, true, 10}, {33, 0, false, 10}, {5, 33, true, 7000}});
  return 0;
}
