#pragma once
// While an object of this class lives, no file of this process may grow past `bytes`
// (RLIMIT_FSIZE): a write that would is cut short and the next one fails with EFBIG ("File too
// large"), as writes on a full disk fail with ENOSPC. SIGXFSZ, which would end the process, is ignored
// meanwhile. Tests of the write paths use it to fail a write at a chosen size without a mount.
#include <sys/resource.h>

#include <csignal>
#include <stdexcept>

namespace eligo::test {

class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    if (::getrlimit(RLIMIT_FSIZE, &saved_) != 0) throw std::runtime_error("getrlimit(RLIMIT_FSIZE) failed");
    previous_handler_ = std::signal(SIGXFSZ, SIG_IGN);
    rlimit limit = saved_;
    limit.rlim_cur = bytes;
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) throw std::runtime_error("setrlimit(RLIMIT_FSIZE) failed");
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &saved_);
    std::signal(SIGXFSZ, previous_handler_);
  }

 private:
  rlimit saved_{};
  void (*previous_handler_)(int) = SIG_DFL;
};

}  // namespace eligo::test
