// `tape audit` and `tape diff`.
#include <cctype>
#include <iostream>
#include <optional>

#include "cli/commands.h"
#include "session/recorded_log.h"
#include "cli/options.h"
#include "replay/audit.h"
#include "replay/diff.h"
#include "feed/event_format.h"
#include "replay/data_log_audit.h"
#include "replay/log_instruments.h"
#include "replay/source_oracle.h"
#include "report/command_json.h"
#include "session/generator_source.h"

namespace tape {
namespace {

// --expect-head: 64 hex digits (either case), as `run` prints chain_head.
std::optional<std::string> parse_head(const std::string& text) {
  if (text.size() != 64) return std::nullopt;
  std::string out;
  for (const char c : text) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// A data log (tape import) gets the checks that fit inputs only; a run's log (one with a seed)
// must also be what its scenario and seed generate, and one without a seed fails the meta check
// (the seed is required).
Result<AuditReport> audit_dir(const std::string& dir, AuditOptions options) {
  {
    ASSIGN_OR_RETURN(std::unique_ptr<EventLog> log, EventLog::open(dir, /*read_only=*/true));
    ASSIGN_OR_RETURN(bool data, is_data_log(*log));
    if (data) return audit_data_log(*log, options);
  }
  ASSIGN_OR_RETURN(OpenedLog log, open_recorded_log(dir));
  // A backtest's inputs are its data's, not a generator's: there is nothing to regenerate
  // (its meta names the data log's chain head instead).
  const InputOracleFactory oracle = log.seed && !log.backtest
                                        ? source_oracle(generator_source(*log.scenario, *log.seed))
                                        : InputOracleFactory();
  if (!log.backtest) options.scenario_name = log.scenario->name;
  return audit_log(*log.log, log.config(), oracle, options);
}

}  // namespace

int audit_command(const std::vector<std::string>& args) {
  std::string dir, head;
  bool json = false;
  po::options_description desc("tape audit --data-dir DIR");
  desc.add_options()("help,h", "show this help")(
      "data-dir", po::value<std::string>(&dir)->required(), "recorded or imported log to audit")(
      "expect-head", po::value<std::string>(&head),
      "the chain_head (64 hex digits) `run` printed: exit 3 unless the log ends exactly there, "
      "so a log cut short and re-chained is caught")(
      "json", po::bool_switch(&json), "print one JSON object");
  po::variables_map vm;
  if (auto code = parse_options("audit", args, desc, nullptr, vm)) return *code;
  AuditOptions options;
  if (vm.count("expect-head")) {
    auto parsed = parse_head(head);
    if (!parsed) {
      return report_error(
          Status::usage("--expect-head '" + head + "' is not a chain head (64 hex digits)"));
    }
    options.expect_head = *parsed;
  }
  auto report = audit_dir(dir, options);
  if (!report.is_ok()) return report_error(report.status());
  const AuditReport& r = report.value();
  if (json) {
    std::cout << dump_json(audit_object(dir, r)) << "\n";
  } else {
    std::cout << "tape audit: " << dir << "\n  batches " << r.batches << ", inputs " << r.inputs
              << ", outputs " << r.outputs << ", chain links " << r.chain_links
              << ", snapshots " << r.snapshots << ", inputs regenerated "
              << r.inputs_regenerated << ", meta keys " << r.meta_keys
              << (r.state_hash_checked ? ", final state hash checked" : "") << "\n";
    if (!r.chain_head.empty()) {
      std::cout << "  chain head " << r.chain_head << (r.head_checked ? " (as expected)" : "")
                << "\n";
    }
    if (r.ok()) std::cout << "  ok: every check held\n";
  }
  if (!r.ok()) {
    std::cerr << "tape: audit failed at seq " << r.failure_seq << " (" << r.failure_check;
    if (!r.failure_key.empty()) std::cerr << ", " << r.failure_key;
    std::cerr << "): " << r.failure << "\n";
    return 3;
  }
  return 0;
}

int diff_command(const std::vector<std::string>& args) {
  std::vector<std::string> dirs;
  bool json = false, raw = false;
  po::options_description desc("tape diff DIR_A DIR_B");
  desc.add_options()("help,h", "show this help")(
      "dirs", po::value<std::vector<std::string>>(&dirs)->required(), "two recorded logs")(
      "raw", po::bool_switch(&raw), "show the differing events as stored (ticks, ids)")(
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
  // Each side reads through its own log's instruments, as inspect prints it; a log whose
  // instruments cannot be read is still compared, shown as stored.
  std::optional<InstrumentFormat> fa, fb;
  if (!raw) {
    if (auto t = log_instruments(*a.value()); t.is_ok()) fa.emplace(t.value());
    if (auto t = log_instruments(*b.value()); t.is_ok()) fb.emplace(t.value());
  }
  auto result = diff_logs(*a.value(), *b.value(), fa ? &*fa : nullptr, fb ? &*fb : nullptr);
  if (!result.is_ok()) return report_error(result.status());
  const DiffResult& r = result.value();
  if (json) {
    std::cout << dump_json(diff_object(r)) << "\n";
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
