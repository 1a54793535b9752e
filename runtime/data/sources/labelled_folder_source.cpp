#include "runtime/data/sources/labelled_folder_source.hpp"

#include <algorithm>
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
  if (const std::optional<std::size_t> n = encode_events(recording.events, encoding_, s.spikes)) {
    const CameraEvent& e = recording.events[*n];
    throw DataFileError(file.path, "event " + std::to_string(*n),
                        "pixel (" + std::to_string(e.x) + ", " + std::to_string(e.y) + ") outside the " +
                            std::to_string(encoding_.sensor.width) + " × " + std::to_string(encoding_.sensor.height) +
                            " sensor");
  }
  return s;
}

// Through the bytes reader, so that the data set's timestamp-overflow records (y = 240) count as its
// own reader counts them; a file without them reads as read_nmnist_file reads it.
CameraRecording read_nmnist_recording(const std::filesystem::path& file) {
  return read_nmnist_bytes(read_file_bytes(file), file);
}

}  // namespace eligo
