#include "sweep/run_state.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "replay/audit.h"
#include "session/recorded_log.h"

namespace tape {
namespace {

namespace fs = std::filesystem;

std::string errno_text() { return std::strerror(errno); }

}  // namespace

std::string sweep_plan_path(const std::string& out) {
  return (fs::path(out) / "sweep.json").string();
}
std::string run_dir_path(const std::string& out, const std::string& id) {
  return (fs::path(out) / "runs" / id).string();
}
std::string data_cache_path(const std::string& out) {
  return (fs::path(out) / "data-cache").string();
}
std::string run_state_path(const std::string& out, const std::string& id) {
  return (fs::path(out) / "state" / (id + ".json")).string();
}
std::string run_lock_path(const std::string& out, const std::string& id) {
  return (fs::path(out) / "state" / (id + ".lock")).string();
}
std::string run_err_path(const std::string& out, const std::string& id) {
  return (fs::path(out) / "state" / (id + ".err")).string();
}

Json state_to_json(const RunState& s) {
  Json j = {{"state", s.state},
            {"attempt", s.attempt},
            {"host", s.host},
            {"pid", s.pid},
            {"started", s.started}};
  if (s.resumed) j["resumed"] = true;
  if (!s.finished.empty()) j["finished"] = s.finished;
  if (s.state == "done") j["chain_head"] = s.chain_head;
  if (s.state == "failed") {
    j["exit_code"] = s.exit_code;
    j["error"] = s.error;
  }
  if (s.state == "done" || s.state == "failed") {
    j["elapsed_s"] = s.elapsed_s;
    j["cpu_s"] = s.cpu_s;
  }
  return j;
}

Result<std::optional<RunState>> read_run_state(const std::string& out, const std::string& id) {
  const std::string path = run_state_path(out, id);
  std::ifstream f(path, std::ios::binary);
  if (!f) return std::optional<RunState>();
  std::stringstream ss;
  ss << f.rdbuf();
  const std::optional<Json> j = parse_json(ss.str());
  if (!j || !j->is_object() || !j->contains("state")) {
    return Status::invalid(path + ": not a run state (JSON object with \"state\")");
  }
  try {
    RunState s;
    s.state = j->at("state").get<std::string>();
    s.attempt = j->value("attempt", int64_t{0});
    s.resumed = j->value("resumed", false);
    s.host = j->value("host", "");
    s.pid = j->value("pid", int64_t{0});
    s.started = j->value("started", "");
    s.finished = j->value("finished", "");
    s.chain_head = j->value("chain_head", "");
    s.exit_code = j->value("exit_code", 0);
    s.error = j->value("error", "");
    s.elapsed_s = j->value("elapsed_s", 0.0);
    s.cpu_s = j->value("cpu_s", 0.0);
    return std::optional<RunState>(std::move(s));
  } catch (const Json::exception& e) {
    return Status::invalid(path + ": " + e.what());
  }
}

Status write_whole_file(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp-" + std::to_string(getpid());
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << text;
    f.flush();
    if (!f) return Status::io("cannot write " + tmp + ": " + errno_text());
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return Status::io("cannot write " + path + ": " + ec.message());
  }
  return Status::ok();
}

Status write_run_state(const std::string& out, const std::string& id, const RunState& s) {
  return write_whole_file(run_state_path(out, id), dump_json(state_to_json(s)) + "\n");
}

std::string utc_now_iso() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string host_name() {
  char buf[256] = {0};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

Result<std::optional<RunLock>> RunLock::try_acquire(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::io("cannot open lock file " + path + ": " + errno_text());
  struct flock fl {};
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  if (fcntl(fd, F_SETLK, &fl) == 0) return std::optional<RunLock>(RunLock(fd));
  const int err = errno;
  ::close(fd);
  if (err == EACCES || err == EAGAIN) return std::optional<RunLock>();
  errno = err;
  return Status::io("cannot lock " + path + ": " + errno_text());
}

RunLock::~RunLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the fcntl lock
}

int64_t run_lock_holder(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  struct flock fl {};
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  int64_t holder = 0;
  if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK) holder = fl.l_pid > 0 ? fl.l_pid : 1;
  ::close(fd);
  return holder;
}

Status verify_finished(const std::string& out, const std::string& id, const RunState& state) {
  if (state.state != "done") return Status::invalid("its state is " + state.state);
  if (state.chain_head.size() != 64) return Status::invalid("its state records no chain head");
  const std::string dir = run_dir_path(out, id);
  std::error_code ec;
  if (!fs::is_regular_file(fs::path(dir) / "summary.json", ec)) {
    return Status::invalid(dir + "/summary.json is missing");
  }
  ASSIGN_OR_RETURN(OpenedLog log, open_recorded_log(dir));
  ASSIGN_OR_RETURN(std::optional<std::string> complete, log.log->get_meta("complete"));
  if (!complete || *complete != "1") return Status::invalid("its log is not marked complete");
  AuditOptions options;
  options.expect_head = state.chain_head;
  ASSIGN_OR_RETURN(AuditReport report, audit_log(*log.log, log.config(), {}, options));
  if (!report.ok()) return Status::mismatch("its log does not audit: " + report.failure);
  return Status::ok();
}

bool resumable_attempt(const std::string& out, const std::string& id, const RunState& prior) {
  if (prior.state != "running" && prior.state != "interrupted") return false;
  Result<OpenedLog> log = open_recorded_log(run_dir_path(out, id));
  return log.is_ok() && log.value().backtest;
}

}  // namespace tape
