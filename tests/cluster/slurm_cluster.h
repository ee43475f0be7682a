// A real one-node Slurm cluster for the `cluster` tests: Debian's munged, slurmctld and slurmd,
// run as root without systemd, everything under one temporary directory:
//   munge/   the generated key, munged's socket (directory mode 0755), pid and seed files
//   slurm.conf   SLURM_CONF points here while the cluster is up (sbatch, squeue, sinfo read it)
//   state/ spool/ log/   slurmctld's state, slurmd's spool, every daemon's log
// The node is this machine as `localhost` with the CPUs and memory `slurmd -C` reports; the ports
// are free ones picked at start, so two clusters (two test processes) can run side by side.
// The daemons run in the foreground as this process's children (PR_SET_PDEATHSIG: they die
// with it even when a test crashes) and are stopped by pid when the object dies.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "cli_util.h"

namespace tape::testing_util {

// The full path of `name` on PATH or in the sbin dirs a non-login root shell may lack; "" if none.
inline std::string find_program(const std::string& name) {
  std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
  path += ":/usr/sbin:/sbin:/usr/local/sbin";
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    const std::string candidate = path.substr(start, end - start) + "/" + name;
    if (end > start && access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return "";
}

// What `cmd` (run by sh) printed on stdout, and its exit code.
inline CliResult run_shell(const std::string& cmd) {
  CliResult r;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  return r;
}

class SlurmCluster {
 public:
  // Why this machine cannot run the cluster (not root, a program missing), or "".
  static std::string unavailable() {
    if (geteuid() != 0) return "the Slurm cluster tests run slurmd as root (euid is " + std::to_string(geteuid()) + ")";
    for (const char* p : {"munged", "slurmctld", "slurmd", "sbatch", "squeue", "sinfo", "scontrol"}) {
      if (find_program(p).empty()) return std::string(p) + " is not installed (Debian: munge slurmctld slurmd slurm-client)";
    }
    return "";
  }

  explicit SlurmCluster(std::string dir) : dir_(std::move(dir)) {}
  SlurmCluster(const SlurmCluster&) = delete;
  SlurmCluster& operator=(const SlurmCluster&) = delete;
  ~SlurmCluster() { stop(); }

  // Starts munged, slurmctld and slurmd and waits for the node to be idle. "" or what failed
  // (with the daemons' log tails).
  std::string start() {
    namespace fs = std::filesystem;
    for (const char* d : {"munge", "state", "spool", "log"}) fs::create_directories(dir_ + "/" + d);
    chmod(dir_.c_str(), 0755);
    chmod((dir_ + "/munge").c_str(), 0755);  // munged refuses a socket dir others may write to
    const std::string key = dir_ + "/munge/munge.key", socket = dir_ + "/munge/munge.socket";
    if (run_shell("dd if=/dev/urandom of=" + key + " bs=1024 count=1").exit_code != 0) return "cannot write " + key;
    chmod(key.c_str(), 0400);
    pids_.push_back(spawn({find_program("munged"), "--foreground", "--socket=" + socket, "--key-file=" + key,
                           "--log-file=" + dir_ + "/log/munged.log", "--pid-file=" + dir_ + "/munge/munged.pid",
                           "--seed-file=" + dir_ + "/munge/munged.seed"},
                          dir_ + "/log/munged.out"));
    if (!wait_for([&] { return fs::exists(socket); })) return "munged did not create its socket" + logs();

    const CliResult hw = run_shell(find_program("slurmd") + " -C");
    std::smatch cpus, mem;
    if (!std::regex_search(hw.out, cpus, std::regex(R"(CPUs=(\d+))")) ||
        !std::regex_search(hw.out, mem, std::regex(R"(RealMemory=(\d+))"))) {
      return "slurmd -C printed no CPUs/RealMemory: " + hw.out;
    }
    int ports[2];
    if (!free_ports(ports)) return "no free TCP port for slurmctld/slurmd";
    conf_ = dir_ + "/slurm.conf";
    std::ofstream(conf_) << "ClusterName=tapetest\nSlurmctldHost=localhost\n"
                         << "SlurmctldPort=" << ports[0] << "\nSlurmdPort=" << ports[1] << "\n"
                         << "SlurmUser=root\nSlurmdUser=root\n"
                         << "AuthType=auth/munge\nCredType=cred/munge\nAuthInfo=socket=" << socket << "\n"
                         << "ProctrackType=proctrack/linuxproc\nTaskPlugin=task/none\n"
                         << "AccountingStorageType=accounting_storage/none\n"
                         << "JobAcctGatherType=jobacct_gather/none\nJobCompType=jobcomp/none\n"
                         << "SchedulerType=sched/backfill\nSchedulerParameters=batch_sched_delay=0\n"
                         << "SelectType=select/cons_tres\nReturnToService=2\n"
                         << "StateSaveLocation=" << dir_ << "/state\nSlurmdSpoolDir=" << dir_ << "/spool\n"
                         << "SlurmctldPidFile=" << dir_ << "/slurmctld.pid\nSlurmdPidFile=" << dir_ << "/slurmd.pid\n"
                         << "SlurmctldLogFile=" << dir_ << "/log/slurmctld.log\n"
                         << "SlurmdLogFile=" << dir_ << "/log/slurmd.log\n"
                         << "NodeName=localhost CPUs=" << cpus[1] << " RealMemory=" << mem[1] << " State=UNKNOWN\n"
                         << "PartitionName=tape Nodes=localhost Default=YES MaxTime=INFINITE State=UP\n";
    setenv("SLURM_CONF", conf_.c_str(), 1);
    pids_.push_back(spawn({find_program("slurmctld"), "-D"}, dir_ + "/log/slurmctld.out"));
    pids_.push_back(spawn({find_program("slurmd"), "-D", "-N", "localhost"}, dir_ + "/log/slurmd.out"));
    if (!wait_for([&] { return node_state() == "idle"; })) {
      return "the node did not become idle (sinfo: " + node_state() + ")" + logs();
    }
    return "";
  }

  // sinfo's state of the node: "idle", "mixed", "allocated", "unknown", ...
  std::string node_state() const {
    std::string s = run_shell("sinfo -h -n localhost -o %T").out;
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    return s;
  }

  // Waits until squeue lists none of job `id`'s tasks (squeue, not `sbatch --wait`: it notices
  // the end sooner). False after `limit` (a hung cluster, not a slow one).
  bool wait_job_gone(const std::string& id, std::chrono::seconds limit = std::chrono::seconds(600)) const {
    return wait_for(
        [&] {
          const CliResult q = run_shell("squeue -h -r -j " + id + " -o %i");
          // Once slurmctld forgets a finished job, squeue refuses its id: gone too. Any other
          // failure (slurmctld busy for a moment) is asked again.
          if (q.exit_code != 0) return q.out.find("Invalid job id") != std::string::npos;
          return q.out.find_first_not_of(" \n") == std::string::npos;
        },
        limit);
  }

  // The last lines of every daemon's log, for failure messages.
  std::string logs() const {
    std::string out;
    for (const char* name : {"munged.log", "slurmctld.log", "slurmd.log", "slurmctld.out", "slurmd.out"}) {
      const std::string text = slurp(dir_ + "/log/" + name);
      out += "\n--- " + std::string(name) + "\n" + text.substr(text.size() > 2000 ? text.size() - 2000 : 0);
    }
    return out;
  }

  // SIGTERM to each daemon (slurmd first, munged last), SIGKILL to one that does not exit.
  void stop() {
    for (auto it = pids_.rbegin(); it != pids_.rend(); ++it) {
      if (*it <= 0) continue;
      kill(*it, SIGTERM);
      int status = 0;
      bool gone = false;
      for (int i = 0; i < 200 && !gone; ++i) {
        gone = waitpid(*it, &status, WNOHANG) == *it;
        if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      if (!gone) {
        kill(*it, SIGKILL);
        waitpid(*it, &status, 0);
      }
    }
    pids_.clear();
    if (!conf_.empty()) unsetenv("SLURM_CONF");
  }

 private:
  template <typename Pred>
  static bool wait_for(Pred done, std::chrono::seconds limit = std::chrono::seconds(60)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return true;
  }

  // Two distinct free ports on this host (bound together, then released).
  static bool free_ports(int ports[2]) {
    int fds[2] = {-1, -1};
    bool ok = true;
    for (int i = 0; i < 2 && ok; ++i) {
      fds[i] = socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_addr.s_addr = htonl(INADDR_ANY);
      socklen_t len = sizeof a;
      ok = fds[i] >= 0 && bind(fds[i], reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
           getsockname(fds[i], reinterpret_cast<sockaddr*>(&a), &len) == 0;
      ports[i] = ntohs(a.sin_port);
    }
    for (const int fd : fds) {
      if (fd >= 0) close(fd);
    }
    return ok;
  }

  // Starts argv in the foreground as a child that dies with this process; output to `log`.
  static pid_t spawn(const std::vector<std::string>& argv, const std::string& log) {
    const pid_t pid = fork();
    if (pid == 0) {
      prctl(PR_SET_PDEATHSIG, SIGTERM);
      const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int null = open("/dev/null", O_RDONLY);
      dup2(null, STDIN_FILENO);
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
      std::vector<char*> raw;
      for (const std::string& a : argv) raw.push_back(const_cast<char*>(a.c_str()));
      raw.push_back(nullptr);
      execv(raw[0], raw.data());
      _exit(127);
    }
    return pid;
  }

  std::string dir_;
  std::string conf_;
  std::vector<pid_t> pids_;
};

}  // namespace tape::testing_util
