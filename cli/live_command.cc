// `tape live CONFIG.toml --data-dir DIR [--resume] [--json]` (docs/live.md): a live session on
// NATS JetStream, stopped cleanly by SIGINT or SIGTERM (flush, snapshot, exit 0).
#include <csignal>
#include <iostream>

#include "cli/commands.h"
#include "cli/options.h"
#include "feed/json.h"
#include "live/live_config.h"
#include "live/live_session.h"
#include "live/metrics_server.h"

namespace tape {
namespace {

std::atomic<bool> g_live_stop{false};
extern "C" void on_live_stop(int) { g_live_stop.store(true); }

void install_live_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_live_stop;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

struct LiveArgs {
  std::string config;
  std::string data_dir;
  std::vector<std::string> overrides;
  bool resume = false;
  bool json = false;
  std::string durable_trace;
};

Json summary_json(const LiveArgs& a, const LiveOutcome& out, const LiveMetrics& metrics) {
  return Json{{"command", "live"},
              {"data_dir", a.data_dir},
              {"seq_last", out.seq_last},
              {"resumed_from", out.resumed_from},
              {"stream_seq_first", out.stream_seq_first},
              {"state_hash", out.state_hash},
              {"chain_head", out.chain_head},
              {"elapsed_s", out.elapsed_s},
              {"live", metrics.to_json()}};
}

void print_text(const Json& s) {
  const Json& l = s["live"];
  std::cout << "tape live: " << s.value("data_dir", "") << "\n"
            << "  inputs         " << s.value("seq_last", uint64_t{0}) << " in the log ("
            << l.value("messages", uint64_t{0}) << " messages, " << l.value("heartbeats", uint64_t{0})
            << " heartbeats this session)\n"
            << "  stream seq     " << s.value("stream_seq_first", uint64_t{0}) << " .. "
            << l.value("last_stream_seq", uint64_t{0}) << ", duplicates "
            << l.value("duplicates", uint64_t{0}) << "\n"
            << "  rejected       " << l["rejects_by_reason"].dump() << "\n"
            << "  reconnects     " << l.value("reconnects", uint64_t{0}) << "\n"
            << "  state_hash     " << s.value("state_hash", "") << "\n"
            << "  chain_head     " << s.value("chain_head", "") << "\n";
}

int live_with(const LiveArgs& a) {
  auto loaded = load_live_file(a.config, a.overrides);
  if (!loaded.is_ok()) return report_error(loaded.status());
  const LiveConfig& config = loaded.value();
  LiveMetrics metrics;
  std::unique_ptr<MetricsServer> server;
  LiveOptions options;
  options.data_dir = a.data_dir;
  options.resume = a.resume;
  options.stop = &g_live_stop;
  options.durable_trace = a.durable_trace;
  options.on_started = [&]() -> Status {
    if (config.live.metrics_port == 0) return Status::ok();
    ASSIGN_OR_RETURN(server, MetricsServer::start(config.live.metrics_host,
                                                  config.live.metrics_port, metrics));
    return Status::ok();
  };
  install_live_stop_handlers();
  auto outcome = run_live(config, options, metrics);
  server.reset();
  if (!outcome.is_ok()) return report_error(outcome.status());
  const Json s = summary_json(a, outcome.value(), metrics);
  if (a.json) {
    std::cout << dump_json(s) << "\n";
  } else {
    print_text(s);
  }
  return 0;
}

}  // namespace

int live_command(const std::vector<std::string>& args) {
  LiveArgs a;
  po::options_description desc("tape live CONFIG.toml --data-dir DIR");
  desc.add_options()("help,h", "show this help")(
      "config", po::value<std::string>(&a.config)->required(), "live config TOML file")(
      "data-dir", po::value<std::string>(&a.data_dir)->required(), "the session's log")(
      "resume", po::bool_switch(&a.resume),
      "continue the session in --data-dir from the stream sequence after its last input")(
      "set", po::value<std::vector<std::string>>(&a.overrides)->composing(),
      "override a config key, e.g. --set live.heartbeat_ms=50 (repeatable)")(
      "json", po::bool_switch(&a.json), "print the summary as one JSON object")(
      "durable-trace", po::value<std::string>(&a.durable_trace),
      "test aid: append the last durable seq to this file as it advances");
  po::positional_options_description pos;
  pos.add("config", 1);
  po::variables_map vm;
  if (auto code = parse_options("live", args, desc, &pos, vm)) return *code;
  return live_with(a);
}

}  // namespace tape
