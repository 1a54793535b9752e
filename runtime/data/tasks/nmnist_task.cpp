#include "runtime/data/tasks/nmnist_task.hpp"

namespace eligo {

NmnistSplit::NmnistSplit(const std::filesystem::path& root, const std::string& split, SampleOrder order,
                         std::uint64_t seed, const LabelledFolderLayout& layout) {
  std::vector<NmnistSampleFile> files = list_labelled_split(root, split, layout);
  if (files.empty()) throw DataFileError(root / split, "", "no N-MNIST samples (*.bin files in digit folders)");
  if (files.size() > UINT32_MAX) throw DataFileError(root / split, "", "too many samples");
  files_ = std::make_shared<const std::vector<NmnistSampleFile>>(order_samples(std::move(files), order, seed));
}

DataSourceFactory NmnistSplit::source(Step sequence, double resolution_ms, EventFileReader reader,
                                      const SensorMapping& sensor) const {
  const EventEncoding encoding{sensor, resolution_ms, sequence};
  return [files = files_, reader = std::move(reader), encoding] {
    return std::make_unique<LabelledFolderSource>(files, reader, encoding);
  };
}

}  // namespace eligo
