// `tape audit` and `tape diff`.
#include <iostream>

#include "cli/commands.h"
#include "cli/generator_oracle.h"
#include "cli/log_config.h"
#include "cli/options.h"
#include "cli/summary.h"
#include "replay/audit.h"
#include "replay/diff.h"

namespace tape {
namespace {

std::string audit_json(const std::string& dir, const AuditReport& r) {
  std::string o = "{\"data_dir\":\"" + json_escape(dir) + "\",\"ok\":" + (r.ok() ? "true" : "false");
  o += ",\"batches\":" + std::to_string(r.batches) + ",\"inputs\":" + std::to_string(r.inputs) +
       ",\"outputs\":" + std::to_string(r.outputs) +
       ",\"chain_links\":" + std::to_string(r.chain_links) +
       ",\"snapshots\":" + std::to_string(r.snapshots) +
       ",\"inputs_regenerated\":" + std::to_string(r.inputs_regenerated) +
       ",\"state_hash_checked\":" + (r.state_hash_checked ? "true" : "false");
  if (!r.ok()) {
    o += ",\"failure\":{\"seq\":" + std::to_string(r.failure_seq) + ",\"check\":\"" +
         r.failure_check + "\",\"message\":\"" + json_escape(r.failure) + "\"}";
  }
  return o + "}";
}

}  // namespace

int audit_command(const std::vector<std::string>& args) {
  std::string dir;
  bool json = false;
  po::options_description desc("tape audit --data-dir DIR");
  desc.add_options()("help,h", "show this help")(
      "data-dir", po::value<std::string>(&dir)->required(), "recorded log to audit")(
      "json", po::bool_switch(&json), "print one JSON object");
  po::variables_map vm;
  if (auto code = parse_options("audit", args, desc, nullptr, vm)) return *code;
  auto opened = open_recorded_log(dir);
  if (!opened.is_ok()) return report_error(opened.status());
  // A run's log (one with a seed) must also be what its scenario and seed generate.
  const OpenedLog& log = opened.value();
  const InputOracleFactory oracle =
      log.seed ? generator_oracle(*log.scenario, *log.seed) : InputOracleFactory();
  auto report = audit_log(*log.log, log.config(), oracle);
  if (!report.is_ok()) return report_error(report.status());
  const AuditReport& r = report.value();
  if (json) {
    std::cout << audit_json(dir, r) << "\n";
  } else {
    std::cout << "tape audit: " << dir << "\n  batches " << r.batches << ", inputs " << r.inputs
              << ", outputs " << r.outputs << ", chain links " << r.chain_links
              << ", snapshots " << r.snapshots << ", inputs regenerated "
              << r.inputs_regenerated
              << (r.state_hash_checked ? ", final state hash checked" : "") << "\n"
              << (r.ok() ? "  ok: every check held\n" : "");
  }
  if (!r.ok()) {
    std::cerr << "tape: audit failed at seq " << r.failure_seq << " (" << r.failure_check
              << "): " << r.failure << "\n";
    return 3;
  }
  return 0;
}

int diff_command(const std::vector<std::string>& args) {
  std::vector<std::string> dirs;
  bool json = false;
  po::options_description desc("tape diff DIR_A DIR_B");
  desc.add_options()("help,h", "show this help")(
      "dirs", po::value<std::vector<std::string>>(&dirs)->required(), "two recorded logs")(
      "json", po::bool_switch(&json), "print one JSON object");
  po::positional_options_description pos;
  pos.add("dirs", 2);
  po::variables_map vm;
  if (auto code = parse_options("diff", args, desc, &pos, vm)) return *code;
  if (dirs.size() != 2) {
    std::cerr << "tape diff: needs two data dirs\n" << desc;
    return 1;
  }
  auto a = EventLog::open(dirs[0], true);
  if (!a.is_ok()) return report_error(a.status());
  auto b = EventLog::open(dirs[1], true);
  if (!b.is_ok()) return report_error(b.status());
  auto result = diff_logs(*a.value(), *b.value());
  if (!result.is_ok()) return report_error(result.status());
  const DiffResult& r = result.value();
  if (json) {
    std::cout << "{\"identical\":" << (r.identical ? "true" : "false")
              << ",\"inputs_compared\":" << r.inputs_compared
              << ",\"outputs_compared\":" << r.outputs_compared;
    if (!r.identical) {
      std::cout << ",\"seq\":" << r.seq << ",\"what\":\"" << json_escape(r.what) << "\",\"a\":\""
                << json_escape(r.a) << "\",\"b\":\"" << json_escape(r.b) << "\"";
    }
    std::cout << "}\n";
  } else if (r.identical) {
    std::cout << "identical: " << r.inputs_compared << " inputs, " << r.outputs_compared
              << " outputs\n";
  } else {
    std::cout << "runs part at seq " << r.seq << " (" << r.what << ")\n  A " << dirs[0] << ": "
              << r.a << "\n  B " << dirs[1] << ": " << r.b << "\n";
  }
  return r.identical ? 0 : 3;
}

}  // namespace tape
