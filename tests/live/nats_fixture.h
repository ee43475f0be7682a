// What the live tests share: a `nats-server -js` of their own on a free loopback port with a
// temporary store dir (started per test, stopped after), `tape live` as a child process with its
// stdout kept, a plain HTTP GET for /metrics, and the journal of a live session's log read back.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "cli_util.h"
#include "core/events.h"
#include "session/recorded_log_source.h"
#include "store/event_log.h"

namespace tape::live_testing {

using testing_util::TempDir;

// A free TCP port on 127.0.0.1 (bound once by the kernel's choice, then released).
inline int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

inline bool port_open(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

// Polls `done` every 20 ms for up to `timeout`: a guard against a hung test, never a measure.
inline bool wait_until(const std::function<bool()>& done,
                       std::chrono::seconds timeout = std::chrono::seconds(120)) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

// Forks `argv` with stdout and stderr to files; returns the pid.
inline pid_t spawn(const std::vector<std::string>& argv, const std::string& out,
                   const std::string& err) {
  const pid_t pid = fork();
  if (pid == 0) {
    if (chdir(TAPE_SOURCE_DIR) != 0) _exit(127);
    const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(o, STDOUT_FILENO);
    dup2(e, STDERR_FILENO);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  return pid;
}

// The exit code of `pid` (128 + signal when killed).
inline int wait_exit(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A JetStream server of the test's own.
class NatsServer {
 public:
  NatsServer() : store_("nats"), port_(free_port()) { start(); }
  ~NatsServer() { stop(); }
  void start() {
    pid_ = spawn({"nats-server", "-js", "-a", "127.0.0.1", "-p", std::to_string(port_), "-sd",
                  store_.path()},
                 store_.path() + ".log", store_.path() + ".err");
    ready_ = wait_until([&] { return port_open(port_); }, std::chrono::seconds(30));
  }
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    wait_exit(pid_);
    pid_ = -1;
  }
  bool ready() const { return ready_; }
  int port() const { return port_; }
  std::string url() const { return "nats://127.0.0.1:" + std::to_string(port_); }

 private:
  TempDir store_;
  int port_;
  pid_t pid_ = -1;
  bool ready_ = false;
};

// GET http://127.0.0.1:port/path; the body ("" when it fails).
inline std::string http_get(int port, const std::string& path) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return "";
  }
  const std::string req = "GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n";
  if (::write(fd, req.data(), req.size()) < 0) {
    ::close(fd);
    return "";
  }
  std::string resp;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) resp.append(buf, static_cast<size_t>(n));
  ::close(fd);
  const size_t body = resp.find("\r\n\r\n");
  return body == std::string::npos ? "" : resp.substr(body + 4);
}

// The value of an unlabelled Prometheus sample `name` (-1 when absent).
inline double metric(const std::string& text, const std::string& name) {
  const size_t at = text.find("\n" + name + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + name.size() + 2));
}

// A live config for `url` (and a metrics port, 0 for none) written to `path`.
inline void write_config(const std::string& path, const std::string& url, int metrics_port,
                         const std::string& extra = "") {
  std::ofstream(path) << "[backtest]\nname = \"live-test\"\n\n[live]\nheartbeat_ms = 20\n"
                      << "metrics_port = " << metrics_port << "\n"
                      << "[live.nats]\nurl = \"" << url << "\"\nstream = \"TAPE\"\n"
                      << "subjects = [\"tape.in.>\"]\n\n"
                      << "[[instruments]]\nsymbol = \"ACME\"\ntick_size = \"0.01\"\n\n"
                      << "[[instruments]]\nsymbol = \"BOLT\"\ntick_size = \"0.05\"\n"
                      << extra;
}

// `n` messages, a deterministic mix of quotes, trades and external orders, as JSONL lines.
inline void write_messages(const std::string& path, uint64_t n, uint64_t first_id = 1) {
  std::ofstream f(path);
  for (uint64_t i = 0; i < n; ++i) {
    const char* sym = i % 7 == 3 ? "BOLT" : "ACME";
    const uint64_t id = first_id + i;
    switch (i % 4) {
      case 0:
        f << R"({"type":"quote","symbol":")" << sym
          << R"(","bid":"10.00","bid_qty":5,"ask":"10.10","ask_qty":7})" << "\n";
        break;
      case 1:
        f << R"({"type":"new_order","symbol":")" << sym << R"(","id":)" << id
          << R"(,"account":7,"side":")" << (i % 8 == 1 ? "buy" : "sell")
          << R"(","order_type":"limit","tif":"gtc","price":"10.)" << (i % 8 == 1 ? "00" : "10")
          << R"(","qty":3})" << "\n";
        break;
      case 2:
        f << R"({"type":"trade","symbol":")" << sym << R"(","price":"10.05","qty":2})" << "\n";
        break;
      default:
        f << R"({"type":"cancel","symbol":")" << sym << R"(","id":)" << (id - 2)
          << R"(,"account":7})" << "\n";
        break;
    }
  }
}

// Every input of the log in `dir`, read back through the library.
inline std::vector<Input> journal(const std::string& dir) {
  std::vector<Input> out;
  auto log = EventLog::open(dir, /*read_only=*/true);
  if (!log.is_ok()) return out;
  RecordedLogSource source(*log.value());
  Timestamp ts;
  InputBody body;
  while (source.next(ts, body)) out.push_back(source.last().input);
  return out;
}

// The outputs of the log in `dir` a live session publishes (all but intents and risk decisions).
inline uint64_t publishable_outputs(const std::string& dir) {
  uint64_t n = 0;
  auto log = EventLog::open(dir, /*read_only=*/true);
  if (!log.is_ok()) return 0;
  RecordedLogSource source(*log.value());
  Timestamp ts;
  InputBody body;
  while (source.next(ts, body)) {
    for (const Output& o : source.last().outputs) {
      n += !std::holds_alternative<OrderIntent>(o.body) &&
           !std::holds_alternative<RiskDecision>(o.body);
    }
  }
  return n;
}

// The stream sequences the journal holds, in journal order (heartbeats have none).
inline std::vector<uint64_t> stream_seqs(const std::vector<Input>& inputs) {
  std::vector<uint64_t> out;
  for (const Input& in : inputs) {
    if (in.stream_seq != 0) out.push_back(in.stream_seq);
  }
  return out;
}

}  // namespace tape::live_testing
