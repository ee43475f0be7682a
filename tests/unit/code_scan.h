// Code scans for the rule tests (determinism_rules_test.cc, feed_rules_test.cc): a C++ file's
// code with comments and literals blanked, and the lines of a source folder whose code matches a
// pattern.
#pragma once

#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "cli_util.h"

namespace tape::code_scan {

namespace fs = std::filesystem;

// The code of a C++ file with comments and string literals blanked, so prose that names a
// forbidden thing (this file's own, or a comment explaining a rule) is not mistaken for use.
inline std::string code_only(const std::string& text) {
  std::string out = text;
  enum { kCode, kLine, kBlock, kString, kChar } mode = kCode;
  for (size_t i = 0; i < out.size(); ++i) {
    const char c = out[i];
    const char next = i + 1 < out.size() ? out[i + 1] : '\0';
    switch (mode) {
      case kCode:
        if (c == '/' && next == '/') mode = kLine;
        else if (c == '/' && next == '*') mode = kBlock;
        else if (c == '"') mode = kString;
        else if (c == '\'' && !(i > 0 && std::isxdigit(static_cast<unsigned char>(out[i - 1]))))
          mode = kChar;  // a quote after a digit is a separator (1'000), not a literal
        else continue;
        out[i] = ' ';
        break;
      case kLine:
        if (c == '\n') mode = kCode;
        else out[i] = ' ';
        break;
      case kBlock:
        if (c == '*' && next == '/') { out[i] = out[i + 1] = ' '; ++i; mode = kCode; }
        else if (c != '\n') out[i] = ' ';
        break;
      case kString:
      case kChar:
        if (c == '\\') { out[i] = ' '; if (i + 1 < out.size()) out[++i] = ' '; break; }
        if ((mode == kString && c == '"') || (mode == kChar && c == '\'')) mode = kCode;
        out[i] = ' ';
        break;
    }
  }
  return out;
}

struct Finding {
  std::string file;
  int line;
  std::string text;
};

// Every line of a .h/.cc file under the given source folders whose code matches `pattern`.
inline std::vector<Finding> scan(const std::vector<std::string>& folders, const std::regex& pattern) {
  std::vector<Finding> found;
  size_t files = 0;
  for (const std::string& folder : folders) {
    for (const auto& e : fs::recursive_directory_iterator(std::string(TAPE_SOURCE_DIR) + "/" + folder)) {
      const auto ext = e.path().extension();
      if (!e.is_regular_file() || (ext != ".h" && ext != ".cc")) continue;
      ++files;
      const std::string code = code_only(testing_util::slurp(e.path().string()));
      int line = 1;
      size_t start = 0;
      for (size_t i = 0; i <= code.size(); ++i) {
        if (i != code.size() && code[i] != '\n') continue;
        const std::string text = code.substr(start, i - start);
        if (std::regex_search(text, pattern)) {
          found.push_back({fs::relative(e.path(), TAPE_SOURCE_DIR).string(), line, text});
        }
        ++line;
        start = i + 1;
      }
    }
  }
  EXPECT_GT(files, 10u) << "the scan found too few sources to mean anything";
  return found;
}

inline std::string describe(const std::vector<Finding>& found) {
  std::string s;
  for (const auto& f : found) s += "\n  " + f.file + ":" + std::to_string(f.line) + ": " + f.text;
  return s;
}

}  // namespace tape::code_scan
