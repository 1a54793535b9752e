// Fuzz target (tests/fuzz/fuzz_target.hpp): arbitrary bytes as a cluster file (actors/cluster/cluster_file.hpp). A
// ClusterFileError is a correct answer; a crash, a hang, another exception or a sanitizer report is a bug.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>

#include "actors/cluster/cluster_file.hpp"
#include "tests/fuzz/fuzz_target.hpp"

ELIGO_FUZZ_TARGET(cluster_file) {
  static const std::string file = "/tmp/eligo-fuzz-cluster-" + std::to_string(getpid()) + ".yaml";
  std::ofstream(file, std::ios::binary).write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  try {
    eligo::cluster::load_cluster_file(file);
  } catch (const eligo::cluster::ClusterFileError&) {
  }
}
