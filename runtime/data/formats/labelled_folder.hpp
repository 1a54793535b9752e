#pragma once
// A labelled folder of sample files: <root>/<split>/<label>/<file>, labels 0 … labels − 1 as folder
// names, one sample per file whose extension is among `extensions`; listed by label, then file name.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "runtime/data/formats/nmnist_file.hpp"

namespace eligo {

struct LabelledFolderLayout {
  std::uint32_t labels = 10;
  std::vector<std::string> extensions{".bin"};
  std::string pattern = "<digit>/*.bin";  // how errors describe what was expected
};

// The samples of one split; DataFileError naming the folder when it is missing or holds no sample.
std::vector<NmnistSampleFile> list_labelled_split(const std::filesystem::path& root, const std::string& split,
                                                  const LabelledFolderLayout& layout);

// Every event-camera format read_event_file knows, with labels 0 … labels − 1.
LabelledFolderLayout event_folder_layout(std::uint32_t labels);

}  // namespace eligo
