#include "runtime/core/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace eligo {
namespace {

[[noreturn]] void fail(const std::filesystem::path& p, const char* what) {
  throw std::runtime_error("cannot " + std::string(what) + " " + p.string() + ": " + std::strerror(errno));
}

}  // namespace

void write_file_atomically(const std::filesystem::path& path, std::string_view bytes) {
  const std::filesystem::path tmp = path.string() + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail(tmp, "create");
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      fail(tmp, "write");
    }
    written += static_cast<std::size_t>(n);
  }
  // fsync before rename: after a crash the new name never points at data that was not written.
  if (::fsync(fd) != 0) {
    ::close(fd);
    fail(tmp, "sync");
  }
  if (::close(fd) != 0) fail(tmp, "close");
  if (::rename(tmp.c_str(), path.c_str()) != 0) fail(path, "rename onto");
}

}  // namespace eligo
