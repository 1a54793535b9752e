#include "cli/progress.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>

namespace eligo::cli {

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const long s = std::lround(seconds);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, (s / 60) % 60);
  } else if (s >= 60) {
    std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lds", s);
  }
  return buf;
}

Progress::Progress(std::string label, std::int64_t total, std::int64_t already_done)
    : label_(std::move(label)), total_(total), already_done_(already_done), terminal_(isatty(fileno(stderr)) != 0) {}

void Progress::update(std::int64_t done, double elapsed, const std::string& detail) {
  // The rate comes from the units done in this process (a resumed run did the others earlier).
  const std::int64_t here = done - already_done_;
  const double eta = here > 0 ? elapsed / static_cast<double>(here) * static_cast<double>(total_ - done) : NAN;
  if (!terminal_) {
    spdlog::info("{} {}/{} {} elapsed {} eta {}", label_, done, total_, detail, format_duration(elapsed),
                 format_duration(eta));
    return;
  }
  constexpr int kWidth = 24;
  const int filled = total_ > 0 ? static_cast<int>(kWidth * done / total_) : kWidth;
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(kWidth, '.');
  std::fprintf(stderr, "\r\033[K%s [%s] %lld/%lld %s ETA %s", label_.c_str(), bar.c_str(), static_cast<long long>(done),
               static_cast<long long>(total_), detail.c_str(), format_duration(eta).c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::finish() {
  if (terminal_ && drawn_) std::fprintf(stderr, "\n");
  drawn_ = false;
}

}  // namespace eligo::cli
