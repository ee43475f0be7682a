// Seeds of the import fuzzers, written by tape_fuzz_corpus (fuzz/make_corpus.cc): the first lines
// of each shipped data file (TAPE_SHARED_DATA, baked in at build time) behind each option byte
// the target reads first, plus hand-written lines for the forms the files do not hold (quotes
// with sizes, trades with sides, a symbol column, every JSONL input type, numbers and times).
#pragma once

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace tape::fuzz {

// The first `lines_max` lines of a shipped data file; "" when it cannot be read.
inline std::string data_head(const std::string& name, int lines_max) {
  std::ifstream in(std::string(TAPE_SHARED_DATA) + "/" + name, std::ios::binary);
  std::string out, line;
  for (int n = 0; n < lines_max && std::getline(in, line); ++n) out += line + "\n";
  return out;
}

// Writes OUT/{csv_import,jsonl_import,lobster_import,decimal_time}; the number of seeds, or -1
// (with a message) when a shipped data file is missing.
inline int write_feed_corpus(const std::filesystem::path& out) {
  int n = 0;
  auto put = [&](const char* dir, const std::string& bytes) {
    std::filesystem::create_directories(out / dir);
    std::ofstream(out / dir / std::to_string(n++), std::ios::binary) << bytes;
  };
  const char* files[] = {"orcl-1995-2014.txt", "2006-min-005.txt", "ticksample.csv", "bidask.csv"};
  for (const char* f : files) {
    const std::string head = data_head(f, 40);
    if (head.empty()) {
      std::fprintf(stderr, "tape_fuzz_corpus: cannot read %s/%s\n", TAPE_SHARED_DATA, f);
      return -1;
    }
    for (char variant : {'\0', '\2', '\3', '\7', '\x2e'}) put("csv_import", variant + head);
  }
  put("csv_import", std::string(1, '\0') +
                        "Symbol,Time,Bid,Ask,BidSize,AskSize\nAAA,2012-06-21T13:30:00Z,1.25,1.26,"
                        "100,200\nBBB,2012-06-21T13:30:00.5Z,10,10.5,1,1\n");
  put("csv_import", std::string(1, '\4') +
                        "time,price,size,side\n1340285400000,45.66,100,B\n1340285400001,45.67,"
                        "200,SELL\n1340285400001,\"45.68\",1,s\n");
  const std::string goog = data_head("lobster/GOOG_2012-06-21_34200000_57600000_message_1.csv", 60);
  if (goog.empty()) return -1;
  put("lobster_import", '\4' + goog);
  put("lobster_import", "\x84" + goog.substr(0, 400) + "34201.5,7,0,0,-1,-1\n34201.6,7,0,0,1,1\n");
  put("jsonl_import", std::string(1, '\0') +
      R"({"seq":1,"ts_ns":1340285400015105077,"type":"quote","symbol":"X","bid":"45.66","bid_qty":3,"ask":"45.67","ask_qty":1})" "\n"
      R"({"seq":2,"ts":"2012-06-21T13:30:00.5Z","type":"trade","symbol":"X","price":45.665,"qty":1,"aggressor":"sell"})" "\n"
      R"({"ts_ns":1340285400600000000,"type":"bar","symbol":"Y","open":"1","high":"2.5","low":"0.5","close":"2","volume":10,"period_ns":60000000000})" "\n"
      R"({"ts_ns":1340285400600000000,"type":"book_message","symbol":"Y","action":"add","order_id":7,"side":"buy","price":"579.4","qty":100})" "\n");
  put("jsonl_import", std::string(1, '\1') +
      R"({"ts_ns":1,"type":"new_order","id":1,"account":2,"side":"buy","order_type":"limit","tif":"gtc","price":"10.01","qty":5})" "\n"
      R"({"ts_ns":2,"type":"replace","id":1,"account":2,"price":1001e-2,"qty":6})" "\n"
      R"({"ts_ns":3,"type":"cancel","id":1,"account":2})" "\n"
      R"({"ts_ns":4,"type":"control","kind":"halt"})" "\n"
      R"({"ts":"2012-06-21 15:30:01.5+0200","type":"heartbeat"})" "\n");
  for (const char* t : {"2.179012", "2.179012|0.000001", "3067.00|0.25", "-0.5|0.1", "45.665|0.01",
                        "1995-01-03", "02/03/2010 16:53:50", "2015-09-23T20:57:42.146",
                        "2012-06-21T09:30:00.123456789-04:00", "20060102", "09:05:00",
                        "1340236800.5", "34200.015105074", "2012-03-11 02:30:00",
                        "2012-11-04T01:30:00", "2262-04-11T23:47:16.854775807Z"}) {
    put("decimal_time", t);
  }
  return n;
}

}  // namespace tape::fuzz
