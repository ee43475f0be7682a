// parse_json_line's one-pass scan against nlohmann's parser alone: on every line, hand-picked and
// generated (seeded), both give the same verdict, the same fields (key, kind, value, column) and,
// for a bad line, the same error and column.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "feed/jsonl_line.h"

namespace tape {
namespace {

using Kind = JsonField::Kind;

struct Parsed {
  bool ok = false;
  std::vector<JsonField> fields;
  std::string error;
  uint64_t column = 0;
};

Parsed parse(std::string_view line, bool library) {
  Parsed p;
  p.fields.resize(3);  // a previous line's entries, reused
  p.fields[0].key = "stale";
  p.fields[0].text = "stale";
  p.ok = library ? jsonl_internal::parse_json_line_library(line, p.fields, p.error, p.column)
                 : parse_json_line(line, p.fields, p.error, p.column);
  return p;
}

void expect_same(std::string_view line) {
  SCOPED_TRACE(std::string(line));
  const Parsed a = parse(line, false);
  const Parsed b = parse(line, true);
  ASSERT_EQ(a.ok, b.ok);
  if (!a.ok) {
    EXPECT_EQ(a.error, b.error);
    EXPECT_EQ(a.column, b.column);
    return;
  }
  ASSERT_EQ(a.fields.size(), b.fields.size());
  for (size_t i = 0; i < a.fields.size(); ++i) {
    const JsonField& x = a.fields[i];
    const JsonField& y = b.fields[i];
    EXPECT_EQ(x.key, y.key);
    ASSERT_EQ(x.kind, y.kind) << x.key;
    EXPECT_EQ(x.column, y.column) << x.key;
    switch (x.kind) {
      case Kind::kString:
      case Kind::kFloat: EXPECT_EQ(x.text, y.text) << x.key; break;
      case Kind::kInteger: EXPECT_EQ(x.i, y.i) << x.key; break;
      case Kind::kUnsigned: EXPECT_EQ(x.u, y.u) << x.key; break;
      case Kind::kBool: EXPECT_EQ(x.b, y.b) << x.key; break;
      default: break;
    }
  }
}

TEST(JsonLine, ScanAgreesWithTheLibraryOnChosenLines) {
  const char* lines[] = {
      R"({"type":"quote","symbol":"ACME","bid":"10.00","bid_qty":5,"ask":"10.10","ask_qty":7})",
      R"({"type":"trade","symbol":"ACME","price":10.05,"qty":2,"aggressor":"buy"})",
      R"(  { "a" :	1 , "b":-2,"c":true,"d":false,"e":null,"f":"x y"}  )",
      R"({})",
      R"( {  } )",
      R"({"a":0,"b":-0,"c":0.5,"d":-0.25,"e":18446744073709551615,"f":-9223372036854775808})",
      R"({"a":18446744073709551616})",
      R"({"a":-9223372036854775809})",
      R"({"a":1e5})",
      R"({"a":1.5E-3})",
      R"({"a":01})",
      R"({"a":1.})",
      R"({"a":.5})",
      R"({"a":-})",
      R"({"a":1x})",
      R"({"a":123456789012345678901234567890.5})",
      R"({"a":"esc\"aped","b":"\u00e9"})",
      "{\"a\":\"caf\xc3\xa9\"}",
      "{\"a\":\"bad\xff\"}",
      "{\"a\":\"tab\there\"}",
      R"({"a":1,"a":2})",
      R"({"a":{"b":1},"c":2})",
      R"({"a":[1,2]})",
      R"([1,2])",
      R"("just a string")",
      R"(42)",
      R"({"a":1,})",
      R"({"a":1)",
      R"({"a" 1})",
      R"({a:1})",
      R"({"a":tru})",
      R"({"a":nul})",
      R"({"a":1} x)",
      R"({"a":1}{"b":2})",
      "{\"a\":1}\r",
      "{\r\n\"a\":\n1}",
      "",
      "   ",
      R"({"a":"unterminated)",
      R"({"seq":3,"ts_ns":1700000000000000000,"type":"new_order","symbol":"ACME","id":42,"account":7,"side":"buy","order_type":"limit","tif":"gtc","price":"10.00","qty":3})",
  };
  for (const char* line : lines) expect_same(line);
}

// Lines drawn from JSON's pieces (and a few wrong ones), seeded: the two agree on each.
TEST(JsonLine, ScanAgreesWithTheLibraryOnGeneratedLines) {
  std::mt19937_64 rng(7);
  const std::vector<std::string> keys = {"\"a\"", "\"bid\"", "\"type\"", "\"a\"", "\"x y\"",
                                         "\"\"", "\"k\\n\"", "b", "\"q\""};
  const std::vector<std::string> values = {
      "1",     "-1",    "0",      "-0",   "007",  "12.5",  "-0.001", "1e3",   "2E-2",
      "1.",    ".5",    "true",   "false", "null", "tru",   "\"s\"",  "\"\"",  "\"a\\\"b\"",
      "\"é\"", "[]",    "{}",     "{\"n\":1}", "[1,{\"m\":2}]", "\"10.05\"",
      "18446744073709551615", "18446744073709551616", "-9223372036854775808",
      "-9223372036854775809", "99999999999999999999999999999999.5", "+1", "-", "0x1"};
  const std::vector<std::string> spaces = {"", "", "", " ", "\t", "  ", "\n", "\r"};
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  for (int n = 0; n < 20000; ++n) {
    std::string line = pick(spaces) + (rng() % 50 == 0 ? "[" : "{") + pick(spaces);
    const int count = static_cast<int>(rng() % 6);
    for (int i = 0; i < count; ++i) {
      if (i > 0) line += (rng() % 60 == 0 ? ";" : ",") + pick(spaces);
      line += pick(keys) + pick(spaces) + (rng() % 60 == 0 ? "" : ":") + pick(spaces) +
              pick(values) + pick(spaces);
    }
    line += (rng() % 40 == 0 ? "" : "}") + pick(spaces) + (rng() % 80 == 0 ? "x" : "");
    expect_same(line);
    if (HasFailure()) return;
  }
}

}  // namespace
}  // namespace tape
