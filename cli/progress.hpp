#pragma once
// Progress of a long run: a one-line bar with loss, rate and ETA when stderr is a terminal, plain log
// lines otherwise (CI logs, files).
#include <cstdint>
#include <string>

namespace eligo::cli {

class Progress {
 public:
  // already_done: units finished before this process started (a resumed run).
  Progress(std::string label, std::int64_t total, std::int64_t already_done = 0);
  // Called after unit `done` (1-based) of `total`; `detail` is shown after the counter.
  void update(std::int64_t done, double elapsed_seconds, const std::string& detail);
  void finish();

 private:
  std::string label_;
  std::int64_t total_;
  std::int64_t already_done_;
  bool terminal_;
  bool drawn_ = false;
};

std::string format_duration(double seconds);

}  // namespace eligo::cli
