#include "runtime/data/sources/labelled_folder_source.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "runtime/network/connection_rules.hpp"

namespace eligo {
namespace {

constexpr std::uint64_t kOrderStream = 0x6e6d6e73'00000001ULL;  // "nmns" · 1

}  // namespace

std::vector<NmnistSampleFile> order_samples(std::vector<NmnistSampleFile> files, SampleOrder order,
                                            std::uint64_t seed) {
  if (order == SampleOrder::sorted || files.size() < 2) return files;
  std::vector<std::uint32_t> permutation(files.size());
  std::iota(permutation.begin(), permutation.end(), 0u);
  CounterRng rng(seed, kOrderStream, 0);
  for (std::size_t i = permutation.size(); i > 1; --i)
    std::swap(permutation[i - 1], permutation[rng.below(static_cast<std::uint32_t>(i))]);
  std::vector<NmnistSampleFile> out;
  out.reserve(files.size());
  for (std::uint32_t i : permutation) out.push_back(std::move(files[i]));
  return out;
}

LabelledFolderSource::LabelledFolderSource(std::shared_ptr<const std::vector<NmnistSampleFile>> files,
                                           EventFileReader reader, EventEncoding encoding)
    : files_(std::move(files)), reader_(std::move(reader)), encoding_(encoding) {}

std::optional<Sample> LabelledFolderSource::next(SampleParts parts) {
  if (files_->empty()) return std::nullopt;
  const NmnistSampleFile& file = (*files_)[static_cast<std::size_t>(index_++ % std::ssize(*files_))];
  Sample s;
  s.label = static_cast<std::uint32_t>(file.label);
  if (parts == SampleParts::supervision) return s;  // the label is the folder
  const CameraRecording recording = reader_(file.path);
  const SensorMapping& sensor = encoding_.sensor;
  const std::uint32_t w = sensor.width, h = sensor.height;
  s.spikes.reserve(recording.events.size());
  const double us_per_step = 1000.0 * encoding_.resolution_ms;
  const std::int64_t t0 =
      sensor.origin == TimeOrigin::first_event && !recording.events.empty() ? recording.events.front().t_us : 0;
  for (std::size_t n = 0; n < recording.events.size(); ++n) {
    const CameraEvent& e = recording.events[n];
    if (e.x >= w || e.y >= h)
      throw DataFileError(file.path, "event " + std::to_string(n),
                          "pixel (" + std::to_string(e.x) + ", " + std::to_string(e.y) + ") outside the " +
                              std::to_string(w) + " × " + std::to_string(h) + " sensor");
    const double t = static_cast<double>(e.t_us - t0);
    if (!(t < sensor.window_us)) continue;  // after the sample's time window
    const std::optional<std::uint32_t> input = sensor.input_of(e);
    if (!input) continue;  // outside the crop
    const double step = std::floor(t / us_per_step);
    const Step r = std::clamp<Step>(static_cast<Step>(step), 1, encoding_.sequence - 1);
    s.spikes.push_back({r, *input});
  }
  return s;
}

// Through the bytes reader, so that the data set's timestamp-overflow records (y = 240) count as its
// own reader counts them; a file without them reads as read_nmnist_file reads it.
CameraRecording read_nmnist_recording(const std::filesystem::path& file) {
  return read_nmnist_bytes(read_file_bytes(file), file);
}

}  // namespace eligo
