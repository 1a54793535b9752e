#include "runtime/data/formats/labelled_folder.hpp"

#include <algorithm>
#include <system_error>

namespace eligo {

namespace fs = std::filesystem;

std::vector<NmnistSampleFile> list_labelled_split(const fs::path& root, const std::string& split,
                                                  const LabelledFolderLayout& layout) {
  const fs::path dir = root / split;
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw DataFileError(dir, "", "missing folder (expected " + split + "/" + layout.pattern + ")");
  std::vector<NmnistSampleFile> samples;
  for (std::uint32_t label = 0; label < layout.labels; ++label) {
    const fs::path label_dir = dir / std::to_string(label);
    if (!fs::is_directory(label_dir, ec)) continue;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(label_dir, ec)) {
      const std::string ext = entry.path().extension().string();
      if (std::find(layout.extensions.begin(), layout.extensions.end(), ext) != layout.extensions.end())
        files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) samples.push_back({f, static_cast<int>(label)});
  }
  if (samples.empty()) throw DataFileError(dir, "", "no " + layout.pattern + " sample files");
  return samples;
}

LabelledFolderLayout event_folder_layout(std::uint32_t labels) {
  return {labels, {".aedat4", ".raw", ".dat", ".bin"}, "<label>/*.{aedat4,raw,dat,bin}"};
}

}  // namespace eligo
