#include "session/backtest_seed.h"

#include <cctype>
#include <filesystem>

#include "feed/import.h"
#include "feed/lobster_book.h"

namespace tape {
namespace {

namespace fs = std::filesystem;

std::string ticker_of(const std::string& path) {
  std::string name = fs::path(path).filename().string();
  name = name.substr(0, name.find('_'));
  for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

// The LEVEL of `..._message_LEVEL.csv` (0 when the name does not say).
int message_level(const std::string& path) {
  const std::string name = fs::path(path).stem().string();
  const size_t at = name.rfind("_message_");
  if (at == std::string::npos) return 0;
  int level = 0;
  for (char c : name.substr(at + 9)) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return 0;
    level = level * 10 + (c - '0');
  }
  return level;
}

Json side_json(bool has, int64_t v) { return has ? Json(v) : Json(nullptr); }

}  // namespace

Result<ResolvedSeeds> resolve_book_seeds(const BacktestData& data,
                                         const std::vector<std::string>& message_files,
                                         int price_scale, const InstrumentTable& instruments) {
  ResolvedSeeds out;
  out.seeds.resize(instruments.size());
  for (const std::string& f : message_files) {
    if (message_level(f) > 1) out.level1 = false;
  }
  std::vector<std::string> files = data.book_seeds;
  const bool automatic = data.book_seed == "auto" && files.empty();
  if (automatic) {
    for (const std::string& f : message_files) {
      const std::string name = fs::path(f).filename().string();
      const size_t at = name.find("_message_");
      if (at == std::string::npos) continue;
      const fs::path book =
          fs::path(f).parent_path() / (name.substr(0, at) + "_orderbook_" + name.substr(at + 9));
      std::error_code ec;
      if (fs::is_regular_file(book, ec)) files.push_back(book.string());
    }
  } else if (data.book_seed != "none" && data.book_seed != "auto") {
    files.push_back(data.book_seed);
  }
  const std::string key = data.book_seeds.empty() ? "data.book_seed" : "data.book_seeds";
  for (const std::string& path : files) {
    size_t id = 0;
    if (instruments.size() != 1) {
      const std::string t = ticker_of(path);
      for (id = 0; id < instruments.size() && instruments[id].symbol != t; ++id) {
      }
      if (id == instruments.size()) {
        return Status::invalid(key + ": " + path + ": its ticker " + t +
                               " is not an instrument of the data");
      }
    }
    if (out.seeds[id].present) {
      return Status::invalid(key + ": " + path + ": a second seed for " + instruments[id].symbol);
    }
    ASSIGN_OR_RETURN(std::unique_ptr<LobsterBookReader> reader,
                     LobsterBookReader::open(path, price_scale, instruments[id].tick_size));
    BookSeed seed;
    Result<bool> got = reader->next(&seed);
    if (!got.is_ok()) return Status::invalid(key + ": " + got.status().message());
    if (!got.value()) return Status::invalid(key + ": " + path + ": the orderbook file is empty");
    if (reader->levels() > 1) out.level1 = false;
    uint64_t bytes = 0;
    Result<std::string> sha = file_sha256(path, bytes);
    if (!sha.is_ok()) return Status::invalid(key + ": " + sha.status().message());
    out.seeds[id] = seed;
    out.meta.push_back({{"symbol", instruments[id].symbol},
                        {"path", path},
                        {"sha256", sha.value()},
                        {"levels", reader->levels()},
                        {"bid", side_json(seed.has_bid, seed.bid.value())},
                        {"bid_qty", side_json(seed.has_bid, seed.bid_qty.value())},
                        {"ask", side_json(seed.has_ask, seed.ask.value())},
                        {"ask_qty", side_json(seed.has_ask, seed.ask_qty.value())}});
  }
  if (!out.level1) out.meta.push_back({{"level1", false}});
  return out;
}

Result<ResolvedSeeds> seeds_from_meta(const Json& meta, const InstrumentTable& instruments) {
  ResolvedSeeds out;
  out.seeds.resize(instruments.size());
  if (meta.is_null()) return out;
  if (!meta.is_array()) return Status::mismatch("meta data.book_seeds is not an array");
  try {
    for (const Json& s : meta) {
      if (s.contains("level1")) {
        out.level1 = s["level1"].get<bool>();
        continue;
      }
      const std::string symbol = s.at("symbol").get<std::string>();
      size_t id = 0;
      while (id < instruments.size() && instruments[id].symbol != symbol) ++id;
      if (id == instruments.size()) {
        return Status::mismatch("meta data.book_seeds names " + symbol + ", not an instrument");
      }
      BookSeed& seed = out.seeds[id];
      seed.present = true;
      seed.has_bid = !s.at("bid").is_null();
      seed.has_ask = !s.at("ask").is_null();
      if (seed.has_bid) {
        seed.bid = Price(s["bid"].get<int64_t>()), seed.bid_qty = Qty(s.at("bid_qty").get<int64_t>());
      }
      if (seed.has_ask) {
        seed.ask = Price(s["ask"].get<int64_t>()), seed.ask_qty = Qty(s.at("ask_qty").get<int64_t>());
      }
      out.meta.push_back(s);
    }
  } catch (const std::exception& e) {
    return Status::mismatch(std::string("meta data.book_seeds: ") + e.what());
  }
  return out;
}

}  // namespace tape
