#pragma once
// A small classification config over a labelled folder, for the tests of data sources and sensor
// mappings: `inputs` parrots, 2 eprop_iaf, `readouts` readouts, all-to-all blocks, then the task line
// and whatever else the test adds (training, data).
#include <string>

namespace eligo::test {

inline std::string folder_config(int inputs, int readouts, const std::string& task, const std::string& rest) {
  return "name: folder\npopulations:\n  - {name: in, model: parrot, size: " + std::to_string(inputs) +
         "}\n  - {name: rec, model: eprop_iaf, size: 2}\n  - {name: out, model: eprop_readout, size: " +
         std::to_string(readouts) +
         "}\nconnections:\n  - {source: in, target: rec, rule: all_to_all}\n"
         "  - {source: rec, target: out, rule: all_to_all}\n  - {source: out, target: rec, rule: all_to_all}\n" +
         task + "\n" + rest;
}

}  // namespace eligo::test
