// BacktestReportSettings to and from JSON (report/backtest_report.h).
#include <cmath>

#include "report/backtest_report.h"

namespace tape {
namespace {

Status unknown_key(const std::string& where, const std::string& key) {
  return Status::invalid("report settings" + where + ": unknown key '" + key + "'");
}

// Reads `j[key]` into `out` when present; Status::invalid naming the key when it has another type.
template <typename T>
Status read(const Json& j, const char* key, T& out, const std::string& where) {
  const auto it = j.find(key);
  if (it == j.end()) return Status::ok();
  if constexpr (std::is_same_v<T, std::string>) {
    if (!it->is_string())
      return Status::invalid("report settings" + where + "." + key + ": not a string");
  } else if constexpr (std::is_same_v<T, double>) {
    if (!it->is_number())
      return Status::invalid("report settings" + where + "." + key + ": not a number");
  } else {
    if (!it->is_number_integer()) {
      return Status::invalid("report settings" + where + "." + key + ": not an integer");
    }
  }
  out = it->get<T>();
  return Status::ok();
}

Status check_keys(const Json& j, std::initializer_list<const char*> keys,
                  const std::string& where) {
  if (!j.is_object()) return Status::invalid("report settings" + where + ": not an object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    bool known = false;
    for (const char* k : keys) known = known || it.key() == k;
    if (!known) return unknown_key(where, it.key());
  }
  return Status::ok();
}

}  // namespace

Json settings_json(const BacktestReportSettings& s) {
  Json strategies = Json::array();
  for (const StrategyReportSettings& st : s.strategies) {
    strategies.push_back({{"name", st.name},
                          {"account", st.account.value()},
                          {"starting_cash", st.starting_cash},
                          {"plugin_path", st.plugin_path},
                          {"plugin_sha256", st.plugin_sha256},
                          {"builtin", st.builtin},
                          {"builtin_version", st.builtin_version}});
  }
  return Json{{"money_scale", s.money_scale},
              {"strategies", std::move(strategies)},
              {"periods_per_year", s.analytics.periods_per_year},
              {"risk_free_rate", s.analytics.risk_free_rate},
              {"equity_sample_ns", s.equity_sample_ns},
              {"config_name", s.facts.config_name},
              {"data_description", s.facts.data_description},
              {"data_chain_head", s.facts.data_chain_head},
              {"run_chain_head", s.facts.run_chain_head}};
}

Result<BacktestReportSettings> settings_from_json(const Json& j) {
  BacktestReportSettings s;
  RETURN_IF_ERROR(check_keys(
      j,
      {"money_scale", "strategies", "periods_per_year", "risk_free_rate", "equity_sample_ns",
       "config_name", "data_description", "data_chain_head", "run_chain_head"},
      ""));
  RETURN_IF_ERROR(read(j, "money_scale", s.money_scale, ""));
  RETURN_IF_ERROR(read(j, "periods_per_year", s.analytics.periods_per_year, ""));
  RETURN_IF_ERROR(read(j, "risk_free_rate", s.analytics.risk_free_rate, ""));
  RETURN_IF_ERROR(read(j, "equity_sample_ns", s.equity_sample_ns, ""));
  RETURN_IF_ERROR(read(j, "config_name", s.facts.config_name, ""));
  RETURN_IF_ERROR(read(j, "data_description", s.facts.data_description, ""));
  RETURN_IF_ERROR(read(j, "data_chain_head", s.facts.data_chain_head, ""));
  RETURN_IF_ERROR(read(j, "run_chain_head", s.facts.run_chain_head, ""));
  const auto list = j.find("strategies");
  if (list != j.end()) {
    if (!list->is_array()) return Status::invalid("report settings.strategies: not an array");
    for (size_t i = 0; i < list->size(); ++i) {
      const Json& e = (*list)[i];
      const std::string at = ".strategies[" + std::to_string(i) + "]";
      RETURN_IF_ERROR(check_keys(e,
                                 {"name", "account", "starting_cash", "plugin_path",
                                  "plugin_sha256", "builtin", "builtin_version"},
                                 at));
      StrategyReportSettings st;
      int64_t account = st.account.value();
      RETURN_IF_ERROR(read(e, "name", st.name, at));
      RETURN_IF_ERROR(read(e, "account", account, at));
      RETURN_IF_ERROR(read(e, "starting_cash", st.starting_cash, at));
      RETURN_IF_ERROR(read(e, "plugin_path", st.plugin_path, at));
      RETURN_IF_ERROR(read(e, "plugin_sha256", st.plugin_sha256, at));
      RETURN_IF_ERROR(read(e, "builtin", st.builtin, at));
      int64_t version = st.builtin_version;
      RETURN_IF_ERROR(read(e, "builtin_version", version, at));
      if (version < 0 || version > UINT32_MAX) {
        return Status::invalid("report settings" + at + ".builtin_version: out of range");
      }
      st.builtin_version = static_cast<uint32_t>(version);
      if (account < 0 || account >= kExternalAccountBase) {
        return Status::invalid("report settings" + at + ".account: not a managed account id");
      }
      st.account = AccountId(static_cast<uint32_t>(account));
      s.strategies.push_back(std::move(st));
    }
  }
  if (!std::isfinite(s.analytics.periods_per_year) || !std::isfinite(s.analytics.risk_free_rate)) {
    return Status::invalid("report settings: periods_per_year and risk_free_rate must be finite");
  }
  return s;
}

}  // namespace tape
