#pragma once
// Files written completely or not at all, and appended to without silent loss. Every error names the
// file and the system's reason ("No space left on device").
#include <filesystem>
#include <string_view>

namespace eligo {

// The text goes to "<path>.tmp", is flushed to disk (fsync), and is renamed over path, so a reader (or
// a crash) never sees half a file. On failure the .tmp file is removed and path is left as it was.
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

// fsync of a directory: makes the names created, renamed or removed in it durable.
void sync_directory(const std::filesystem::path& dir);

// A file that grows by whole records (a JSON-lines log). append() writes one record or, when the
// write fails (a full disk), truncates the file back to where it was and throws: the file never ends
// in half a record. Records reach the kernel at once (no user-space buffer), not necessarily the disk.
class AppendFile {
 public:
  explicit AppendFile(std::filesystem::path path);  // creates the file if needed, appends at its end
  ~AppendFile();
  AppendFile(const AppendFile&) = delete;
  AppendFile& operator=(const AppendFile&) = delete;

  void append(std::string_view record);
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace eligo
