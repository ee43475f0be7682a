// The "key=value" settings of the features export (report/features.h): each value parsed
// exactly (integers, ms with up to six decimals, doubles by std::from_chars, which rounds
// correctly), each bad one named with its key.
#include <charconv>
#include <limits>
#include <string_view>

#include "report/features.h"
#include "sim/scenario_reader.h"

namespace tape {
namespace {

const std::vector<std::string>& keys() {
  static const std::vector<std::string> k = {
      "indicators",       "ofi.window",   "ofi.levels",         "vpin.bucket_volume", "vpin.window",
      "vpin.sigma_bars",  "vpin.bar_ms",  "hawkes.mu",          "hawkes.alpha",
      "hawkes.alpha_cross", "hawkes.beta", "hawkes.side"};
  return k;
}

Status bad(const std::string& setting, const std::string& why) {
  return Status::invalid("features setting '" + setting + "': " + why);
}

bool parse_int(std::string_view v, int64_t lo, int64_t hi, int64_t& out) {
  const char* end = v.data() + v.size();
  auto [p, ec] = std::from_chars(v.data(), end, out);
  return ec == std::errc() && p == end && out >= lo && out <= hi;
}

// A finite double >= 0 in plain decimal or exponent form.
bool parse_rate(std::string_view v, double& out) {
  const char* end = v.data() + v.size();
  auto [p, ec] = std::from_chars(v.data(), end, out);
  return ec == std::errc() && p == end && out >= 0 && out <= std::numeric_limits<double>::max();
}

// Milliseconds with up to 6 decimals, exactly, as ns.
bool parse_ms(std::string_view v, int64_t& ns) {
  const size_t dot = v.find('.');
  std::string_view whole = v.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view() : v.substr(dot + 1);
  if (whole.empty() || frac.size() > 6 || (dot != std::string_view::npos && frac.empty())) {
    return false;
  }
  int64_t ms = 0, f = 0;
  if (!parse_int(whole, 0, int64_t{1} << 40, ms)) return false;
  if (!frac.empty() && !parse_int(frac, 0, 999'999, f)) return false;
  for (size_t i = frac.size(); i < 6; ++i) f *= 10;
  ns = ms * 1'000'000 + f;
  return frac.empty() || frac.find_first_not_of("0123456789") == std::string_view::npos;
}

Status apply(FeatureOptions& o, const std::string& setting, const std::string& key,
             std::string_view v) {
  int64_t n = 0;
  if (key == "indicators") {
    o.ofi = o.vpin = o.hawkes = false;
    size_t start = 0;
    while (start <= v.size()) {
      const size_t comma = std::min(v.find(',', start), v.size());
      const std::string_view name = v.substr(start, comma - start);
      if (name == "ofi") o.ofi = true;
      else if (name == "vpin") o.vpin = true;
      else if (name == "hawkes") o.hawkes = true;
      else return bad(setting, "unknown indicator '" + std::string(name) + "' (ofi, vpin, hawkes)");
      start = comma + 1;
    }
    return Status::ok();
  }
  if (key == "ofi.window" || key == "vpin.window" || key == "vpin.sigma_bars") {
    if (!parse_int(v, 1, 1 << 20, n)) return bad(setting, "want an integer 1 .. 1048576");
    (key == "ofi.window" ? o.ofi_window : key == "vpin.window" ? o.vpin_window
                                                               : o.vpin_sigma_bars) =
        static_cast<uint32_t>(n);
    return Status::ok();
  }
  if (key == "ofi.levels") {
    if (!parse_int(v, 1, micro::MultiLevelOfi::kMaxLevels, n)) {
      return bad(setting, "want an integer 1 .. " +
                              std::to_string(micro::MultiLevelOfi::kMaxLevels));
    }
    o.ofi_levels = static_cast<uint32_t>(n);
    return Status::ok();
  }
  if (key == "vpin.bucket_volume") {
    if (v == "auto") {
      o.vpin_bucket_volume = 0;
      return Status::ok();
    }
    if (!parse_int(v, 1, int64_t{1} << 36, n)) {
      return bad(setting, "want auto or lots 1 .. 68719476736");
    }
    o.vpin_bucket_volume = n;
    return Status::ok();
  }
  if (key == "vpin.bar_ms") {
    if (!parse_ms(v, n)) return bad(setting, "want milliseconds >= 0, at most 6 decimals");
    o.vpin_bar_ns = n;
    return Status::ok();
  }
  if (key == "hawkes.side") {
    if (v == "aggressor") o.hawkes_tick_rule = false;
    else if (v == "tick") o.hawkes_tick_rule = true;
    else return bad(setting, "want aggressor or tick");
    return Status::ok();
  }
  double d = 0;
  if (!parse_rate(v, d)) return bad(setting, "want a finite number >= 0 (per second)");
  micro::HawkesOptions& h = o.hawkes_params;
  if (key == "hawkes.mu") h.mu_per_s = d;
  if (key == "hawkes.alpha") h.alpha_per_s = d;
  if (key == "hawkes.alpha_cross") h.alpha_cross_per_s = d;
  if (key == "hawkes.beta") {
    if (!(d > 0)) return bad(setting, "beta must be > 0");
    h.beta_per_s = d;
  }
  return Status::ok();
}

}  // namespace

Result<FeatureOptions> parse_feature_options(const std::vector<std::string>& settings) {
  FeatureOptions o;
  for (const std::string& s : settings) {
    const size_t eq = s.find('=');
    if (eq == std::string::npos || eq == 0) return bad(s, "want key=value");
    const std::string key = s.substr(0, eq);
    bool known = false;
    for (const std::string& k : keys()) known = known || k == key;
    if (!known) {
      const std::string near = scenario_detail::closest_key(key, keys());
      return bad(s, "unknown key '" + key + "'" +
                        (near.empty() ? std::string() : " (did you mean '" + near + "'?)"));
    }
    RETURN_IF_ERROR(apply(o, s, key, std::string_view(s).substr(eq + 1)));
  }
  if (!o.ofi && !o.vpin && !o.hawkes) return bad("indicators=", "no indicator chosen");
  return o;
}

}  // namespace tape
