#pragma once
// A labelled folder of event files as a data source (docs/data.md): <split>/<label>/<file>, one sample
// per file, in a fixed order (shuffled with the config's seed, or sorted by path), cycling when the run
// takes more samples than the split holds. Each file is read only when its sample is due, by a reader
// given per format (N-MNIST, or read_event_file for any format of runtime/data/formats/camera_events.hpp),
// and its events become input spikes as event_encoding.hpp says.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "runtime/data/formats/camera_events.hpp"
#include "runtime/data/formats/nmnist_file.hpp"
#include "runtime/data/sources/data_source.hpp"
#include "runtime/data/sources/event_encoding.hpp"
#include "runtime/data/sources/sensor_mapping.hpp"

namespace eligo {

enum class SampleOrder { shuffled, sorted };

using EventFileReader = std::function<CameraRecording(const std::filesystem::path&)>;

// The files in the order a run presents them: sorted is the listing's order (label, then file name),
// shuffled a Fisher–Yates permutation of it drawn from the seed (the same on every machine).
std::vector<NmnistSampleFile> order_samples(std::vector<NmnistSampleFile> files, SampleOrder order, std::uint64_t seed);

class LabelledFolderSource final : public DataSource {
 public:
  LabelledFolderSource(std::shared_ptr<const std::vector<NmnistSampleFile>> files, EventFileReader reader,
                       EventEncoding encoding);
  std::optional<Sample> next(SampleParts parts) override;
  void skip(std::int64_t n) override { index_ += n; }

 private:
  std::shared_ptr<const std::vector<NmnistSampleFile>> files_;
  EventFileReader reader_;
  EventEncoding encoding_;
  std::int64_t index_ = 0;
};

// The N-MNIST reader (read_nmnist_bytes, runtime/data/formats/camera_events.hpp) as an EventFileReader:
// 34 × 34 pixels, timestamp-overflow records counted.
CameraRecording read_nmnist_recording(const std::filesystem::path& file);

}  // namespace eligo
