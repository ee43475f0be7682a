// `tape backtest CONFIG.toml`: a strategy (plugin) over the config's data into a run log, then
// its report files (session/backtest.h, report/backtest_files.h). `tape report`: the tearsheet
// rebuilt from any run or backtest log.
#include <chrono>
#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/progress.h"
#include "cli/run_paths.h"
#include "report/backtest_files.h"
#include "report/features.h"
#include "report/tearsheet.h"
#include "session/backtest.h"

namespace tape {
namespace {

using Clock = std::chrono::steady_clock;

class BarProgress final : public Progress {
 public:
  void tick(double fraction, uint64_t inputs) override { bar_.tick(fraction, inputs); }
  void done() override { bar_.done(); }

 private:
  ProgressBar bar_{"backtest"};
};

struct BacktestArgs {
  std::string config;
  std::string data_dir;
  std::string data_cache;
  std::string out;
  std::vector<std::string> overrides;
  bool json = false;
  bool overwrite = false;
  bool resume = false;
  std::string features;                       // --features FILE
  std::vector<std::string> feature_settings;  // --features-set key=value
};

std::string default_out(const BacktestConfig& c) { return "runs/backtest-" + c.name; }

void print_text(const Json& s, const std::string& out) {
  const Json& total = s["analytics"]["total"];
  const Json& f = total["figures"];
  auto pct = [](const Json& v) {
    if (!v.is_number()) return std::string("-");
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f%%", v.get<double>() * 100);
    return std::string(buf);
  };
  auto num = [](const Json& v) {
    if (!v.is_number()) return std::string("-");
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", v.get<double>());
    return std::string(buf);
  };
  std::cout << "tape backtest: " << s.value("config", "") << " on " << s.value("data", "") << "\n"
            << "  bars           " << s.value("bars", uint64_t{0}) << " ("
            << s.value("inputs", uint64_t{0}) << " inputs)\n"
            << "  fills          " << s.value("fills", uint64_t{0}) << ", trades closed "
            << s.value("trades_closed", uint64_t{0}) << "\n"
            << "  final value    " << s.value("final_value_exact", "") << "\n"
            << "  total return   " << pct(f.value("total_return", Json())) << ", CAGR "
            << pct(f.value("cagr", Json())) << "\n"
            << "  sharpe         " << num(f.value("sharpe", Json())) << ", max drawdown "
            << pct(f.value("max_drawdown", Json())) << "\n"
            << "  state_hash     " << s.value("state_hash", "") << "\n"
            << "  chain_head     " << s.value("chain_head", "") << "\n"
            << "  data chain     " << s.value("data_chain_head", "") << "\n"
            << "  out            " << out << " (tearsheet.html, trades.csv, fills.csv, "
            << "equity.csv, summary.json)\n";
  if (s.contains("features")) {
    std::cout << "  features       " << s["features"].value("path", "") << " ("
              << s["features"].value("rows", uint64_t{0}) << " rows)\n";
  }
  std::printf("  elapsed        %.3f s, %.0f bars/s\n", s.value("elapsed_s", 0.0),
              s.value("bars_per_s", 0.0));
}

// A finished backtest whose files are all written (summary.json is written last) has nothing
// to resume: said so, and the log and files are left as they are. Null otherwise.
Result<std::optional<std::string>> completed_backtest_notice(const BacktestConfig& config,
                                                             const BacktestOptions& options,
                                                             bool json) {
  ASSIGN_OR_RETURN(std::optional<FinishedBacktest> done,
                   finished_backtest(options.out_dir, config, options));
  std::error_code ec;
  if (!done || !std::filesystem::exists(options.out_dir + "/summary.json", ec)) {
    return std::optional<std::string>();
  }
  if (json) {
    const Json o = {{"command", "backtest"},
                    {"out", options.out_dir},
                    {"complete", true},
                    {"resumed", false},
                    {"seq_last", done->seq_last},
                    {"state_hash", done->state_hash},
                    {"chain_head", done->chain_head}};
    return std::optional<std::string>(dump_json(o) + "\n");
  }
  return std::optional<std::string>("backtest in " + options.out_dir +
                                    " is already complete (seq " + std::to_string(done->seq_last) +
                                    ", state_hash " + done->state_hash + ", chain_head " +
                                    done->chain_head + "); nothing to resume\n");
}

int backtest_with(const BacktestArgs& a) {
  auto loaded = load_backtest_file(a.config, a.overrides);
  if (!loaded.is_ok()) return report_error(loaded.status());
  const BacktestConfig& config = loaded.value();
  auto features = parse_feature_options(a.feature_settings);
  if (!features.is_ok()) return report_error(features.status());
  if (!a.feature_settings.empty() && a.features.empty()) {
    return report_error(Status::usage("--features-set needs --features FILE"));
  }
  if (!a.features.empty()) {
    if (Status st = check_output_path(a.features, "--features"); !st.is_ok()) {
      return report_error(st);
    }
  }
  BacktestOptions options;
  options.out_dir = a.out.empty() ? default_out(config) : a.out;
  options.overwrite = a.overwrite;
  options.resume = a.resume;
  options.data_dir = a.data_dir;
  options.data_cache_dir = a.data_cache;
  if (a.resume) {
    auto notice = completed_backtest_notice(config, options, a.json);
    if (!notice.is_ok()) return report_error(notice.status());
    if (notice.value()) {
      std::cout << *notice.value();
      return 0;
    }
  }
  BarProgress progress;
  options.loop.progress = &progress;
  // The report follows the run input by input (its CSV rows written as it goes), rather than
  // reading the log again; `tape report` of the log rebuilds the same report.
  std::unique_ptr<BacktestReportPass> pass;
  follow_with_report(options, ReportOutput{options.out_dir}, pass);
  const auto start = Clock::now();
  auto outcome = run_backtest(config, options);
  progress.done();
  if (!outcome.is_ok()) return report_error(outcome.status());
  const BacktestOutcome& out = outcome.value();
  pass->settings().facts.run_chain_head = out.chain_head;
  auto report = pass->finish();
  if (!report.is_ok()) return report_error(report.status());
  auto log = EventLog::open(options.out_dir, /*read_only=*/true);
  if (!log.is_ok()) return report_error(log.status());
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  const double bars = static_cast<double>(report.value().bars);
  Json extra = {{"out", options.out_dir},
                {"state_hash", out.state_hash},
                {"money_scale", out.resolved.core.money_scale},
                {"elapsed_s", elapsed},
                {"run_elapsed_s", out.elapsed_s},
                {"bars_per_s", elapsed > 0 ? bars / elapsed : 0.0}};
  Json plugins = Json::array();
  for (const PluginRecord& p : out.resolved.plugins) plugins.push_back(plugin_record_json(p));
  extra["plugins"] = plugins;
  if (!out.data_cache_entry.empty()) {
    extra["data_cache"] = {{"entry", out.data_cache_entry}, {"hit", out.data_cache_hit}};
  }
  if (!out.l3.is_null()) {
    // The strategies' fills on the L3 venue: from the data's flow through the queue (maker)
    // and taken on arrival (taker).
    Json l3 = out.l3;
    const BacktestReport& r = report.value();
    l3["strategy_queue_fills"] = r.maker_fills;
    l3["strategy_queue_fill_lots"] = r.maker_fill_lots;
    l3["strategy_taker_fills"] = r.taker_fills;
    l3["strategy_taker_fill_lots"] = r.taker_fill_lots;
    extra["l3"] = l3;
  }
  if (!a.features.empty()) {
    auto written = write_features(*log.value(), features.value(), a.features);
    if (!written.is_ok()) return report_error(written.status());
    extra["features"] = written.value().to_json();
  }
  const Json summary = backtest_summary(report.value(), extra);
  if (Status st = write_backtest_files(report.value(), summary, options.out_dir); !st.is_ok()) {
    return report_error(st);
  }
  if (a.json) {
    std::cout << dump_json(summary) << "\n";
  } else {
    print_text(summary, options.out_dir);
    if (a.resume) {
      std::cout << "  resumed        at seq " << out.resumed_at << ": from "
                << (out.resumed_from == 0
                        ? std::string("the start")
                        : "the snapshot at seq " + std::to_string(out.resumed_from))
                << ", " << out.tail_inputs << " logged inputs replayed\n";
    }
  }
  return out.interrupted ? 4 : 0;
}

}  // namespace

int backtest_command(const std::vector<std::string>& args) {
  BacktestArgs a;
  po::options_description desc("tape backtest CONFIG.toml");
  desc.add_options()("help,h", "show this help")(
      "config", po::value<std::string>(&a.config)->required(), "backtest config TOML file")(
      "data-dir", po::value<std::string>(&a.data_dir),
      "a data log (tape import) to run on instead of the config's data")(
      "data-cache", po::value<std::string>(&a.data_cache),
      "import the config's files into this cache once and reuse them (docs/backtest.md)")(
      "out", po::value<std::string>(&a.out),
      "the run log and report files' directory (default: runs/backtest-<name>)")(
      "set", po::value<std::vector<std::string>>(&a.overrides)->composing(),
      "override a config key, e.g. --set data.file=prices.csv (repeatable)")(
      "overwrite", po::bool_switch(&a.overwrite), "replace an existing tape log in --out")(
      "resume", po::bool_switch(&a.resume),
      "continue the killed backtest in --out: its latest snapshot, replay of the logged\n"
      "tail, then the data from where the log ends; the config (same --set), plugins and data\n"
      "must be the recorded ones (exit 3 naming what differs); a finished one is left as it is")(
      "features", po::value<std::string>(&a.features),
      "write OFI, VPIN and Hawkes per market-data input to this CSV (docs/microstructure.md)")(
      "features-set", po::value<std::vector<std::string>>(&a.feature_settings)->composing(),
      "a features setting, e.g. --features-set vpin.bucket_volume=500 (repeatable)")(
      "json", po::bool_switch(&a.json), "print the summary as one JSON object");
  po::positional_options_description pos;
  pos.add("config", 1);
  po::variables_map vm;
  if (auto code = parse_options("backtest", args, desc, &pos, vm)) return *code;
  if (a.resume && a.overwrite) {
    std::cerr << "tape backtest: --resume and --overwrite exclude each other\n";
    return 1;
  }
  return backtest_with(a);
}

int report_command(const std::vector<std::string>& args) {
  std::string dir, out;
  po::options_description desc("tape report --data-dir DIR --out FILE.html");
  desc.add_options()("help,h", "show this help")(
      "data-dir", po::value<std::string>(&dir)->required(), "a run's or a backtest's log")(
      "out", po::value<std::string>(&out)->required(), "the tearsheet HTML file to write");
  po::variables_map vm;
  if (auto code = parse_options("report", args, desc, nullptr, vm)) return *code;
  auto log = EventLog::open(dir, /*read_only=*/true);
  if (!log.is_ok()) return report_error(log.status());
  auto settings = report_settings_of(*log.value());
  if (!settings.is_ok()) return report_error(settings.status());
  auto report = build_backtest_report(*log.value(), settings.value());
  if (!report.is_ok()) return report_error(report.status());
  if (Status st = write_file(out, render_tearsheet(report.value())); !st.is_ok()) {
    return report_error(st);
  }
  std::cout << "tape report: " << out << " (" << report.value().bars << " bars, "
            << report.value().trade_count << " trades)\n";
  return 0;
}

}  // namespace tape
