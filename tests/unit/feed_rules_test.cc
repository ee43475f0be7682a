// Determinism rule 4 for the importers, checked on the source itself: prices and times read from
// files are exact decimals and integers, so feed/ names no floating type, no text-to-floating
// conversion (strtod, stod, atof, from_chars with a chars_format) and no floating literal.
// The single exception is nlohmann-json's SAX callback for a number with a fraction, whose
// double the JSONL parser must accept in its signature and ignores (it keeps the number's text).
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "code_scan.h"

namespace tape {
namespace {

// A floating type or conversion, or a floating literal (1.5, .5, 1., 1e9), in code.
const std::regex& floating() {
  static const std::regex re(
      R"(\b(double|float|float_t|double_t|number_float_t|strto(d|f|ld)|wcsto(d|f|ld)|sto(d|f|ld)|atof|chars_format|pow|sqrt|lround|llround)\b)"
      R"(|<cmath>|<math\.h>|(^|[^\w.'])(\d+\.\d*|\.\d+|\d+[eE][+-]?\d+))");
  return re;
}

// nlohmann's SAX interface hands every fractional number over as (double, raw text); the parser
// takes the text and leaves the double unnamed.
bool is_ignored_sax_double(const code_scan::Finding& f) {
  return f.file == "feed/jsonl_line.cc" &&
         std::regex_search(f.text, std::regex(R"(\bbool number_float\(double, const std::string& raw\))"));
}

TEST(FeedRules, PatternCatchesFloatingUseAndSparesIntegers) {
  for (const char* code : {"double x = 0;", "float f;", "auto v = std::stod(s);", "strtod(p, &e);",
                           "std::atof(s)", "x = 1.5;", "y = .5 * a;", "z = 1e9;", "w = 2.;",
                           "std::from_chars(p, e, v, std::chars_format::fixed);", "#include <cmath>",
                           "long double l;", "std::pow(10, n)"}) {
    EXPECT_TRUE(std::regex_search(std::string(code), floating())) << code;
  }
  for (const char* code : {"int64_t units = 1'000'000;", "std::stoi(text)", "a.b = c[1].d;",
                           "kPow10[3]", "uint32_t column = 0x1e5;", "Decimal{150, 2}",
                           "std::from_chars(p, e, out);", "doubled = 2;"}) {
    EXPECT_FALSE(std::regex_search(std::string(code), floating())) << code;
  }
}

TEST(FeedRules, PricesAndTimesNeverPassThroughFloatingPoint) {
  std::vector<code_scan::Finding> found = code_scan::scan({"feed"}, floating());
  std::erase_if(found, is_ignored_sax_double);
  EXPECT_TRUE(found.empty()) << code_scan::describe(found);
}

}  // namespace
}  // namespace tape
