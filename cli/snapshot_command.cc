// `tape snapshot`: write a snapshot of a recorded run's state at the end of its log (the run's
// session resumed from its latest snapshot and tail, session/session.h).
#include <charconv>
#include <iostream>

#include "cli/commands.h"
#include "cli/options.h"
#include "replay/data_log_audit.h"
#include "report/command_json.h"
#include "session/generator_source.h"
#include "session/session.h"
#include "store/snapshot_store.h"

namespace tape {

int snapshot_command(const std::vector<std::string>& args) {
  std::string dir;
  bool json = false;
  po::options_description desc("tape snapshot --data-dir DIR");
  desc.add_options()("help,h", "show this help")(
      "data-dir", po::value<std::string>(&dir)->required(), "recorded log to snapshot")(
      "json", po::bool_switch(&json), "print one JSON object");
  po::variables_map vm;
  if (auto code = parse_options("snapshot", args, desc, nullptr, vm)) return *code;

  auto log = EventLog::open(dir, /*read_only=*/false);
  if (!log.is_ok()) return report_error(log.status());
  // A data log (tape import) holds market data, not a run: there is no core state to save.
  auto data = is_data_log(*log.value());
  if (!data.is_ok()) return report_error(data.status());
  if (data.value()) {
    return report_error(Status::invalid(
        dir + " is a data log (tape import): it holds inputs only and no run state to snapshot"));
  }
  auto text = log.value()->get_meta(kMetaScenario);
  auto seed_text = log.value()->get_meta(kMetaSeed);
  if (!text.is_ok()) return report_error(text.status());
  if (!seed_text.is_ok()) return report_error(seed_text.status());
  // A run's log always has both: a missing or malformed one is corruption, as audit says.
  if (!text.value() || !seed_text.value()) {
    return report_error(Status::mismatch(dir + ": log has no scenario or seed in its meta"));
  }
  auto scenario = parse_scenario_text(*text.value(), dir + " (meta scenario)");
  if (!scenario.is_ok()) return report_error(scenario.status());
  uint64_t seed = 0;
  const std::string& st = *seed_text.value();
  const auto [end, ec] = std::from_chars(st.data(), st.data() + st.size(), seed);
  if (ec != std::errc() || end != st.data() + st.size() || st.empty()) {
    return report_error(Status::mismatch(dir + ": meta seed '" + st + "' is not a number"));
  }
  auto state = resume_session(*log.value(), scenario.value().core,
                              generator_source(scenario.value(), seed), Recorder::Mode::kCollect,
                              nullptr);
  if (!state.is_ok()) return report_error(state.status());
  const SnapshotData snap = snapshot_of(state.value());
  const bool sync = snapshot_sync(scenario.value().core);
  if (Status st = put_snapshot(*log.value(), snap, sync); !st.is_ok()) return report_error(st);
  if (json) {
    std::cout << dump_json(snapshot_object(dir, snap, state.value().resumed_from.value(),
                                           state.value().tail_inputs))
              << "\n";
  } else {
    std::cout << "tape snapshot: " << dir << " at seq " << snap.seq.value() << " (state hash "
              << snap.state_hash << ", " << snap.core_state.size() << " bytes of core state)\n";
  }
  return 0;
}

}  // namespace tape
