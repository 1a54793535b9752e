#pragma once
// Writes a file completely or not at all: the text goes to "<path>.tmp", is flushed to disk, and is
// renamed over path, so a reader (or a crash) never sees half a file.
#include <filesystem>
#include <string_view>

namespace eligo {

void write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

}  // namespace eligo
