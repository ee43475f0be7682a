// The features export's settings (report/features.h): each key parsed exactly, each bad value
// and unknown key refused with the setting named (and the closest key suggested).
#include <gtest/gtest.h>

#include <algorithm>

#include "report/features.h"

namespace tape {
namespace {

TEST(MicrostructureFeatureOptions, DefaultsAndEveryKey) {
  auto d = parse_feature_options({});
  ASSERT_TRUE(d.is_ok());
  EXPECT_TRUE(d.value().ofi && d.value().vpin && d.value().hawkes);
  EXPECT_EQ(d.value().vpin_bucket_volume, 0);  // auto
  EXPECT_EQ(feature_columns(d.value()).size(), 20u);
  auto o = parse_feature_options({"indicators=vpin,hawkes", "ofi.window=7",
                                  "vpin.bucket_volume=250", "vpin.window=9", "vpin.sigma_bars=11",
                                  "vpin.bar_ms=1.5", "hawkes.mu=0.25", "hawkes.alpha=1e-1",
                                  "hawkes.alpha_cross=0", "hawkes.beta=3", "hawkes.side=tick"});
  ASSERT_TRUE(o.is_ok()) << o.status().message();
  const FeatureOptions& f = o.value();
  EXPECT_FALSE(f.ofi);
  EXPECT_TRUE(f.vpin && f.hawkes);
  EXPECT_EQ(f.ofi_window, 7u);
  EXPECT_EQ(f.vpin_bucket_volume, 250);
  EXPECT_EQ(f.vpin_window, 9u);
  EXPECT_EQ(f.vpin_sigma_bars, 11u);
  EXPECT_EQ(f.vpin_bar_ns, 1'500'000);
  EXPECT_EQ(f.hawkes_params.mu_per_s, 0.25);
  EXPECT_EQ(f.hawkes_params.alpha_per_s, 0.1);
  EXPECT_EQ(f.hawkes_params.beta_per_s, 3.0);
  EXPECT_TRUE(f.hawkes_tick_rule);
  EXPECT_EQ(feature_columns(f).size(), 17u);
  auto again = parse_feature_options({"vpin.bucket_volume=auto", "vpin.bar_ms=0.000001"});
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(again.value().vpin_bucket_volume, 0);
  EXPECT_EQ(again.value().vpin_bar_ns, 1);
}

TEST(MicrostructureFeatureOptions, OfiLevelsAddsOneCumulativeColumnPerLevel) {
  auto o = parse_feature_options({"ofi.levels=3"});
  ASSERT_TRUE(o.is_ok()) << o.status().message();
  EXPECT_EQ(o.value().ofi_levels, 3u);
  const std::vector<std::string> c = feature_columns(o.value());
  const auto at = std::find(c.begin(), c.end(), "ofi_cum");
  ASSERT_NE(at, c.end());
  EXPECT_EQ(*(at + 1), "ofi_cum_l1");
  EXPECT_EQ(*(at + 3), "ofi_cum_l3");
  EXPECT_EQ(*(at + 4), "vpin");
  EXPECT_EQ(parse_feature_options({}).value().ofi_levels, 1u);  // default: no extra columns
}

TEST(MicrostructureFeatureOptions, BadSettingsNameThemselves) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"ofi.windw=3", "did you mean 'ofi.window'"},
      {"ofi.window=0", "ofi.window=0"},
      {"ofi.window=x", "ofi.window=x"},
      {"ofi.levels=0", "want an integer 1 .. 64"},
      {"ofi.levels=65", "ofi.levels=65"},
      {"vpin.bucket_volume=-4", "vpin.bucket_volume=-4"},
      {"vpin.bar_ms=0.0000001", "at most 6 decimals"},
      {"vpin.bar_ms=1.", "vpin.bar_ms=1."},
      {"hawkes.beta=0", "beta must be > 0"},
      {"hawkes.alpha=-1", "hawkes.alpha=-1"},
      {"hawkes.mu=inf", "hawkes.mu=inf"},
      {"hawkes.side=left", "aggressor or tick"},
      {"indicators=", "unknown indicator ''"},
      {"indicators=ofi,ofi2", "unknown indicator 'ofi2'"},
      {"novalue", "want key=value"},
  };
  for (const auto& [setting, why] : bad) {
    auto r = parse_feature_options({setting});
    ASSERT_FALSE(r.is_ok()) << setting;
    EXPECT_EQ(r.status().exit_code(), 2) << setting;
    EXPECT_NE(r.status().message().find(why), std::string::npos) << r.status().message();
  }
}

}  // namespace
}  // namespace tape
