// Writes the AEDAT 4 fuzzer's seed corpus into the folder given: small valid files of every compression,
// with and without a data table, built by the unit tests' fixture (tests/support/aedat4_fixture.hpp) so
// that the fuzzer starts from the format's real structure rather than from random bytes.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/support/aedat4_fixture.hpp"

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);
  const std::vector<eligo::CameraEvent> events{{1000, 1, 2, true}, {1005, 319, 239, false}, {1005, 7, 7, true}};
  for (const int compression : {0, 1, 3}) {
    for (const bool table : {true, false}) {
      eligo::test::Aedat4Builder b;
      b.compression = compression;
      b.data_table = table;
      b.events(events).other(2, "imu").events({{2000, 3, 4, false}});
      const std::string name = "c" + std::to_string(compression) + (table ? "_table" : "_walk") + ".aedat4";
      std::ofstream(dir / name, std::ios::binary) << b.build().bytes;
    }
  }
  return 0;
}
