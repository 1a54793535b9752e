#include "cli/process/subprocess.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

extern char** environ;

namespace eligo::cli {
namespace {

// posix_spawn file actions, destroyed on every path out.
class FileActions {
 public:
  FileActions() { posix_spawn_file_actions_init(&actions_); }
  ~FileActions() { posix_spawn_file_actions_destroy(&actions_); }
  FileActions(const FileActions&) = delete;
  FileActions& operator=(const FileActions&) = delete;
  posix_spawn_file_actions_t* get() { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_;
};

std::string read_all(int fd, std::size_t limit) {
  std::string text;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      if (text.size() < limit) text.append(buf, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  return text;
}

}  // namespace

bool Subprocess::exited_normally() const { return spawn_error == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0; }
bool Subprocess::killed() const { return spawn_error == 0 && WIFSIGNALED(status); }
int Subprocess::exit_status() const { return WEXITSTATUS(status); }
int Subprocess::signal() const { return WTERMSIG(status); }

Subprocess run_subprocess(const std::vector<std::string>& argv, const SubprocessOptions& options) {
  std::vector<std::string> args = argv;
  const bool elsewhere = !options.working_directory.empty();
  if (elsewhere && !args.empty() && args[0].find('/') != std::string::npos)
    args[0] = std::filesystem::absolute(args[0]).string();

  int pipe_fds[2] = {-1, -1};
  if (options.capture_stderr && ::pipe2(pipe_fds, O_CLOEXEC) != 0)
    throw SubprocessError(std::string("pipe: ") + std::strerror(errno));
  FileActions actions;
  if (options.stdin_from_null) posix_spawn_file_actions_addopen(actions.get(), 0, "/dev/null", O_RDONLY, 0);
  if (options.stdout_to == SubprocessOptions::Stdout::discard)
    posix_spawn_file_actions_addopen(actions.get(), 1, "/dev/null", O_WRONLY, 0);
  if (options.stdout_to == SubprocessOptions::Stdout::to_stderr)
    posix_spawn_file_actions_adddup2(actions.get(), STDERR_FILENO, STDOUT_FILENO);
  // dup2 clears O_CLOEXEC on fd 2 only; both pipe ends themselves close on exec.
  if (options.capture_stderr) posix_spawn_file_actions_adddup2(actions.get(), pipe_fds[1], STDERR_FILENO);
  if (elsewhere) posix_spawn_file_actions_addchdir_np(actions.get(), options.working_directory.c_str());

  std::vector<char*> c_argv;
  for (std::string& a : args) c_argv.push_back(a.data());
  c_argv.push_back(nullptr);
  Subprocess result;
  pid_t pid = 0;
  result.spawn_error = ::posix_spawnp(&pid, c_argv[0], actions.get(), nullptr, c_argv.data(), environ);
  if (options.capture_stderr) ::close(pipe_fds[1]);
  if (result.spawn_error != 0) {
    if (options.capture_stderr) ::close(pipe_fds[0]);
    return result;
  }
  if (options.capture_stderr) {
    result.errors = read_all(pipe_fds[0], options.capture_limit);
    ::close(pipe_fds[0]);
  }
  while (::waitpid(pid, &result.status, 0) < 0) {
    if (errno != EINTR) throw SubprocessError(std::string("waitpid: ") + std::strerror(errno));
  }
  while (!result.errors.empty() && std::isspace(static_cast<unsigned char>(result.errors.back()))) {
    result.errors.pop_back();
  }
  return result;
}

}  // namespace eligo::cli
