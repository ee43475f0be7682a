#include "report/backtest_files.h"

#include <filesystem>
#include <fstream>

#include "feed/data_log.h"
#include "report/tearsheet.h"
#include "session/backtest.h"

namespace tape {
namespace {

Status write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return Status::io(path + ": cannot write");
  return Status::ok();
}

}  // namespace

Result<BacktestReportSettings> report_settings_of(const EventLog& log) {
  BacktestReportSettings s;
  ASSIGN_OR_RETURN(bool backtest, is_backtest_log(log));
  if (!backtest) return s;  // the report finds the managed accounts itself
  ASSIGN_OR_RETURN(std::optional<std::string> text, log.get_meta(kMetaBacktest));
  if (!text) return Status::mismatch(log.dir() + ": meta has no backtest");
  Result<BacktestConfig> parsed = parse_backtest_text(*text, log.dir() + " (meta backtest)", "");
  if (!parsed.is_ok()) return Status::mismatch(parsed.status().message());
  const BacktestConfig& config = parsed.value();
  ASSIGN_OR_RETURN(InstrumentTable instruments, data_log_instruments(log));
  ASSIGN_OR_RETURN(s.money_scale, money_scale_for(instruments));
  s.analytics = config.analytics;
  s.equity_sample_ns = config.equity_sample_ns;
  ASSIGN_OR_RETURN(std::optional<std::string> plugins_text, log.get_meta(kMetaPlugins));
  Json plugins = Json::array();
  if (plugins_text) {
    std::optional<Json> p = parse_json(*plugins_text);
    if (p.has_value() && p.value().is_array()) plugins = p.value();
  }
  for (size_t i = 0; i < config.strategies.size(); ++i) {
    const BacktestStrategy& b = config.strategies[i];
    StrategyReportSettings r;
    r.name = b.name;
    r.account = AccountId(static_cast<uint32_t>(i + 1));
    r.starting_cash = static_cast<int64_t>(static_cast<__int128>(b.starting_cash) *
                                           (s.money_scale / kMoneyScale));
    r.plugin_path = b.plugin;
    if (i < plugins.size() && plugins[i].is_object()) {
      const Json& p = plugins[i];
      r.plugin_sha256 = p.value("sha256", "");
      r.builtin = p.value("builtin", "");
      if (p.contains("version") && p["version"].is_number_unsigned()) {
        r.builtin_version = p["version"].get<uint32_t>();
      }
    }
    s.strategies.push_back(std::move(r));
  }
  ASSIGN_OR_RETURN(std::optional<std::string> data_text, log.get_meta(kMetaData));
  s.facts.config_name = config.name;
  if (data_text) {
    std::optional<Json> d = parse_json(*data_text);
    if (d.has_value() && d.value().is_object()) {
      const Json& j = d.value();
      s.facts.data_chain_head = j.value("chain_head", "");
      std::string from = j.value("log", "");
      if (j.contains("files") && j["files"].is_array()) {
        for (const Json& f : j["files"]) {
          from += (from.empty() ? "" : ", ") +
                  std::filesystem::path(f.value("path", "")).filename().string();
        }
      }
      std::string symbols;
      for (const InstrumentSpec& spec : instruments)
        symbols += (symbols.empty() ? "" : ",") + spec.symbol;
      s.facts.data_description = symbols + " " + j.value("format", "") + " from " + from + " (" +
                                 std::to_string(j.value("seq_last", uint64_t{0})) + " inputs)";
      if (j.contains("import")) s.import_meta = dump_json(j["import"]);
    }
  }
  s.facts.run_chain_head = log.chain_head();
  return s;
}

void follow_with_report(BacktestOptions& options, const ReportOutput& output,
                        std::unique_ptr<BacktestReportPass>& pass) {
  options.on_log_ready = [output, &pass](const EventLog& run_log) -> Status {
    ASSIGN_OR_RETURN(BacktestReportSettings settings, report_settings_of(run_log));
    ASSIGN_OR_RETURN(pass, BacktestReportPass::start(run_log, settings, output));
    // A resumed backtest's log already holds its first inputs: the pass reads them first.
    return feed_report_pass(*pass, run_log);
  };
  options.loop.after_input = [&pass](const Input& in, const Core& core) {
    return pass->input(in, core.last_outputs());
  };
}

Json backtest_summary(const BacktestReport& report, const Json& extra) {
  const uint64_t closed = report.trade_count;
  const std::string final_value = report.money(report.total_final_equity);
  Json j = {{"config", report.settings.facts.config_name},
            {"data", report.settings.facts.data_description},
            {"data_chain_head", report.settings.facts.data_chain_head},
            {"chain_head", report.settings.facts.run_chain_head},
            {"bars", report.bars},
            {"inputs", report.inputs},
            {"fills", report.fill_count},
            {"trades_closed", closed},
            {"final_value", std::stod(final_value)},
            {"final_value_exact", final_value}};
  if (report.samples > 0) {
    j["first_time"] = report.time(report.first_time);
    j["last_time"] = report.time(report.last_time);
  }
  if (extra.is_object()) {
    for (auto it = extra.begin(); it != extra.end(); ++it) j[it.key()] = it.value();
  }
  j["analytics"] = report.figures_json();
  return j;
}

Status write_backtest_files(const BacktestReport& report, const Json& summary,
                            const std::string& dir) {
  RETURN_IF_ERROR(report.write_csvs(dir));
  RETURN_IF_ERROR(write_text(dir + "/tearsheet.html", render_tearsheet(report)));
  if (summary.is_object()) {
    // Last, and whole or not at all: a summary.json says the backtest's files are complete
    // (`tape backtest --resume` of a finished backtest with one has nothing to do).
    const std::string path = dir + "/summary.json";
    RETURN_IF_ERROR(write_text(path + ".tmp", dump_json(summary) + "\n"));
    std::error_code ec;
    std::filesystem::rename(path + ".tmp", path, ec);
    if (ec) return Status::io(path + ": cannot write (" + ec.message() + ")");
  }
  return Status::ok();
}

}  // namespace tape
