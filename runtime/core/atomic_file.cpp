#include "runtime/core/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>

namespace eligo {
namespace {

// `error` is the errno of the failed call, taken before any cleanup could change it.
[[noreturn]] void fail(const std::filesystem::path& p, const char* what, int error) {
  throw std::runtime_error("cannot " + std::string(what) + " " + p.string() + ": " + std::strerror(error));
}

// Writes all of bytes to fd; returns 0 or the errno of the write that failed.
int write_all(int fd, std::string_view bytes) {
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    if (n == 0) return EIO;
    written += static_cast<std::size_t>(n);
  }
  return 0;
}

}  // namespace

void write_file_atomically(const std::filesystem::path& path, std::string_view bytes) {
  const std::filesystem::path tmp = path.string() + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail(tmp, "create", errno);
  const auto give_up = [&](const char* what, int error) {
    ::close(fd);
    ::unlink(tmp.c_str());
    fail(tmp, what, error);
  };
  if (const int error = write_all(fd, bytes); error != 0) give_up("write", error);
  // fsync before rename: after a crash the new name never points at data that was not written.
  if (::fsync(fd) != 0) give_up("sync", errno);
  if (::close(fd) != 0) {
    const int error = errno;
    ::unlink(tmp.c_str());
    fail(tmp, "close", error);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int error = errno;
    ::unlink(tmp.c_str());
    fail(path, "rename onto", error);
  }
}

void sync_directory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail(dir, "open directory", errno);
  if (::fsync(fd) != 0) {
    const int error = errno;
    ::close(fd);
    fail(dir, "sync directory", error);
  }
  ::close(fd);
}

AppendFile::AppendFile(std::filesystem::path path) : path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) fail(path_, "open for appending", errno);
}

AppendFile::~AppendFile() {
  if (fd_ >= 0) ::close(fd_);
}

void AppendFile::append(std::string_view record) {
  struct stat st {};
  if (::fstat(fd_, &st) != 0) fail(path_, "append to", errno);
  const int error = write_all(fd_, record);
  if (error == 0) return;
  // Cut off what part of the record went in; the file ends after its last whole record.
  if (::ftruncate(fd_, st.st_size) != 0) {
    throw std::runtime_error("cannot append to " + path_.string() + ": " + std::strerror(error) +
                             "; removing the partial record failed too: " + std::strerror(errno));
  }
  fail(path_, "append to", error);
}

}  // namespace eligo
