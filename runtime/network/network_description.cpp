// The spelling of the optimizer types (read from kOptimizerTypeNames) and the inputs a recording shows.
#include "runtime/network/network_description.hpp"

#include <algorithm>

namespace eligo {

const char* to_string(OptimizerType t) { return name_in(kOptimizerTypeNames, t); }
const char* to_string(EpropMode m) { return name_in(kEpropModeNames, m); }
const char* to_string(EpropVariant v) { return name_in(kEpropVariantNames, v); }

std::vector<std::pair<Step, std::uint32_t>> input_spikes_between(const NetworkDescription& net, Step begin, Step end) {
  std::vector<std::pair<Step, std::uint32_t>> out;
  for (std::uint32_t i = 0; i < net.input_spike_steps.size(); ++i) {
    const auto& s = net.input_spike_steps[i];
    for (auto it = std::lower_bound(s.begin(), s.end(), begin); it != s.end() && *it < end; ++it)
      out.emplace_back(*it, i);
  }
  if (net.sample_stream && end > begin) {
    SampleStream stream(*net.sample_stream, SampleParts::all);
    stream.input_arrivals(begin, end - begin, 0, net.n_in, out);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace eligo
