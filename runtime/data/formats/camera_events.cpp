// Reading an event-camera file: the bytes, then the reader the extension names. The first bytes
// settle what the extension cannot: a file without a known extension is read when it starts like an
// AEDAT 4 or a Prophesee RAW file, and a jAER AEDAT 2/3 file named .dat is told apart from a
// Prophesee DAT.
#include "runtime/data/formats/camera_events.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

namespace eligo {
namespace {

namespace fs = std::filesystem;

bool starts_with(std::string_view bytes, std::string_view prefix) { return bytes.substr(0, prefix.size()) == prefix; }

// A `% ` header that names a RAW encoding within its first lines.
bool looks_like_raw(std::string_view bytes) {
  if (!starts_with(bytes, "%")) return false;
  const std::string_view head = bytes.substr(0, 4096);
  return head.find("\n% evt ") != std::string_view::npos || head.find("\n% format ") != std::string_view::npos ||
         starts_with(head, "% evt ") || starts_with(head, "% format ");
}

}  // namespace

void size_from_events(CameraRecording& recording) {
  for (const CameraEvent& e : recording.events) {
    recording.width = std::max<std::uint32_t>(recording.width, e.x + 1u);
    recording.height = std::max<std::uint32_t>(recording.height, e.y + 1u);
  }
}

std::string read_file_bytes(const fs::path& file) {
  std::error_code ec;
  if (fs::is_directory(file, ec)) throw EventFileError(file, 0, "is a folder, not a file");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw EventFileError(file, 0, std::string("cannot open the file: ") + std::strerror(errno));
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw EventFileError(file, bytes.size(), "cannot read the file");
  return bytes;
}

CameraRecording read_event_file(const fs::path& file) {
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const std::string bytes = read_file_bytes(file);
  if (ext == ".bin") return read_nmnist_bytes(bytes, file);
  if (ext == ".aedat4") return read_aedat4_bytes(bytes, file);
  if (ext == ".raw") return read_prophesee_raw_bytes(bytes, file);
  if (ext == ".dat") {
    if (starts_with(bytes, "#!AER-DAT")) {
      throw EventFileError(file, 0, "a jAER AER-DAT file (`#!AER-DAT...`), not a Prophesee DAT file");
    }
    return read_prophesee_dat_bytes(bytes, file);
  }
  if (starts_with(bytes, "#!AER-DAT4.0")) return read_aedat4_bytes(bytes, file);
  if (looks_like_raw(bytes)) return read_prophesee_raw_bytes(bytes, file);
  throw EventFileError(file, 0,
                       "unknown event-file type: extension `" + file.extension().string() +
                           "` is none of .bin (N-MNIST), .aedat4, .raw (Prophesee RAW), .dat (Prophesee DAT), and the "
                           "first bytes are neither an AEDAT 4 nor a Prophesee RAW header");
}

}  // namespace eligo
