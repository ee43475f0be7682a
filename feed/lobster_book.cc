#include "feed/lobster_book.h"

#include <charconv>
#include <vector>

namespace tape {
namespace {

constexpr int64_t kDummyPrice = 9'999'999'999;
const char* const kFields[4] = {"ask price", "ask size", "bid price", "bid size"};

}  // namespace

Result<std::unique_ptr<LobsterBookReader>> LobsterBookReader::open(const std::string& path,
                                                                   int price_scale_digits,
                                                                   Decimal tick) {
  if (price_scale_digits < 0 || price_scale_digits > kDecimalScaleMax || tick.units <= 0) {
    return Status::usage(path + ": price scale or tick out of range");
  }
  std::unique_ptr<LobsterBookReader> r(new LobsterBookReader(path, price_scale_digits, tick));
  r->in_.open(path, std::ios::binary);
  if (!r->in_) return Status::io(path + ": cannot open the orderbook file");
  return r;
}

Status LobsterBookReader::bad(size_t column, const std::string& field, const std::string& detail,
                              const std::string& reason) const {
  return Status::invalid(path_ + ":" + std::to_string(line_) + ":" + std::to_string(column) +
                         ": " + field + ": " + detail + " (" + reason + ")");
}

Result<bool> LobsterBookReader::next(BookSeed* row) {
  do {
    if (!std::getline(in_, text_)) {
      if (in_.bad()) return Status::io(path_ + ": read failed");
      return false;
    }
    ++line_;
    if (!text_.empty() && text_.back() == '\r') text_.pop_back();
  } while (text_.empty());
  // Fields and their 1-based columns.
  std::vector<std::pair<std::string_view, size_t>> fields;
  size_t start = 0;
  while (true) {
    const size_t comma = text_.find(',', start);
    const size_t end = comma == std::string::npos ? text_.size() : comma;
    fields.emplace_back(std::string_view(text_).substr(start, end - start), start + 1);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (fields.size() % 4 != 0) {
    return bad(text_.size() + 1, "row",
               "the row has " + std::to_string(fields.size()) + " fields, not 4 per level",
               "wrong_field_count");
  }
  levels_ = static_cast<int>(fields.size() / 4);
  int64_t v[4] = {0, 0, 0, 0};
  for (size_t i = 0; i < fields.size(); ++i) {
    const auto [text, column] = fields[i];
    int64_t x = 0;
    const auto res = std::from_chars(text.data(), text.data() + text.size(), x);
    const std::string field = std::string(kFields[i % 4]) + " " + std::to_string(i / 4 + 1);
    if (text.empty() || res.ec != std::errc() || res.ptr != text.data() + text.size()) {
      return bad(column, field, "'" + std::string(text) + "' is not a whole number", "bad_number");
    }
    if (i % 2 == 1 && x < 0) {
      return bad(column, field, "'" + std::string(text) + "' is negative", "negative_size");
    }
    if (i < 4) v[i] = x;
  }
  BookSeed s;
  s.present = true;
  for (int side = 0; side < 2; ++side) {
    const int64_t raw = v[side * 2];
    const int64_t qty = v[side * 2 + 1];
    if (raw == kDummyPrice || raw == -kDummyPrice || qty == 0) continue;
    Result<int64_t> ticks = to_ticks(Decimal{raw, scale_}, tick_, Rounding::kReject);
    if (!ticks.is_ok()) {
      return bad(fields[side * 2].second, std::string(kFields[side * 2]) + " 1",
                 ticks.status().message(), "not_on_tick");
    }
    if (side == 0) {
      s.has_ask = true, s.ask = Price(ticks.value()), s.ask_qty = Qty(qty);
    } else {
      s.has_bid = true, s.bid = Price(ticks.value()), s.bid_qty = Qty(qty);
    }
  }
  *row = s;
  return true;
}

Result<BookSeed> read_lobster_seed(const std::string& path, int price_scale_digits, Decimal tick) {
  ASSIGN_OR_RETURN(std::unique_ptr<LobsterBookReader> r,
                   LobsterBookReader::open(path, price_scale_digits, tick));
  BookSeed s;
  ASSIGN_OR_RETURN(const bool got, r->next(&s));
  if (!got) return Status::invalid(path + ": the orderbook file has no rows");
  return s;
}

}  // namespace tape
