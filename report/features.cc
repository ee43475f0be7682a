// The features export (report/features.h): one pass for the automatic bucket volume when it is
// needed, one pass that feeds the indicators and streams the CSV.
#include "report/features.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <variant>

#include "core/l3_book.h"
#include "feed/data_log.h"
#include "replay/log_instruments.h"
#include "report/backtest_report.h"
#include "session/backtest.h"
#include "session/backtest_seed.h"

namespace tape {
namespace {

constexpr int64_t kDayNs = 86'400'000'000'000;

using micro::Hawkes;

// Volume a market-data input trades (prints, bars, LOBSTER executions and crosses), else 0.
int64_t traded_volume(const InputBody& body) {
  if (const auto* t = std::get_if<TradeIn>(&body)) return t->qty.value();
  if (const auto* b = std::get_if<BarIn>(&body)) return b->volume.value();
  if (const auto* m = std::get_if<BookMessageIn>(&body)) {
    if (m->action == BookAction::kExecute || m->action == BookAction::kHiddenExecute ||
        m->action == BookAction::kCross) {
      return m->qty.value();
    }
  }
  return 0;
}

bool is_market_data(const InputBody& body) {
  return std::holds_alternative<QuoteIn>(body) || std::holds_alternative<TradeIn>(body) ||
         std::holds_alternative<BarIn>(body) || std::holds_alternative<BookMessageIn>(body);
}

// Calls `f(input)` for every input of the log, in seq order.
template <typename F>
Status each_input(const EventLog& log, F&& f) {
  std::vector<Input> inputs;
  auto cursor = log.batches(Seq(1));
  while (true) {
    ASSIGN_OR_RETURN(const bool more, cursor.next());
    if (!more) return Status::ok();
    RETURN_IF_ERROR(cursor.decode(inputs, nullptr));
    for (const Input& in : inputs) RETURN_IF_ERROR(f(in));
  }
}

// Per instrument: total traded volume / (50 x days with volume), at least 1.
Result<std::vector<int64_t>> auto_buckets(const EventLog& log, size_t instruments) {
  std::vector<__int128> volume(instruments, 0);
  std::vector<std::set<int64_t>> days(instruments);
  RETURN_IF_ERROR(each_input(log, [&](const Input& in) -> Status {
    const int64_t v = traded_volume(in.body);
    if (v <= 0) return Status::ok();
    const uint32_t i = instrument_of(in.body)->value();
    if (i >= instruments) return Status::ok();  // the main pass names it
    volume[i] += v;
    const int64_t t = in.ts.value();
    days[i].insert(t / kDayNs - (t % kDayNs < 0 ? 1 : 0));
    return Status::ok();
  }));
  std::vector<int64_t> out(instruments, 1);
  for (size_t i = 0; i < instruments; ++i) {
    if (days[i].empty()) continue;
    const __int128 b = volume[i] / (50 * static_cast<__int128>(days[i].size()));
    out[i] = b < 1 ? 1 : (b > (int64_t{1} << 36) ? int64_t{1} << 36 : static_cast<int64_t>(b));
  }
  return out;
}

struct Instrument {
  Instrument(const FeatureOptions& o, int64_t bucket)
      : ofi(o.ofi_window), vpin(vpin_options(o, bucket)), hawkes(o.hawkes_params) {
    if (o.ofi && o.ofi_levels > 1) {
      mlofi = std::make_unique<micro::MultiLevelOfi>(o.ofi_levels, o.ofi_window);
    }
  }
  static micro::VpinOptions vpin_options(const FeatureOptions& o, int64_t bucket) {
    micro::VpinOptions v;
    v.bucket_volume = bucket, v.window_buckets = o.vpin_window;
    v.sigma_bars = o.vpin_sigma_bars, v.bar_ns = o.vpin_bar_ns;
    return v;
  }
  // The tick rule: up = buy, down = sell, unchanged = as before, the first a buy.
  Hawkes::Side tick_side(int64_t price) {
    if (has_price && price > last_price) side = Hawkes::kBuy;
    if (has_price && price < last_price) side = Hawkes::kSell;
    has_price = true, last_price = price;
    return side;
  }
  micro::Ofi ofi;
  std::unique_ptr<micro::MultiLevelOfi> mlofi;  // ofi_levels > 1
  bool has_top = false;   // OFI has its baseline (a quote, or the rebuilt book's first top)
  int64_t row_ofi = 0;    // a book message's e_n (0: it did not change the top)
  // LOBSTER data: the order-level book rebuilt from the messages (made at the first one).
  std::unique_ptr<L3Book> book;
  TopOfBook top;
  std::vector<micro::Level> ml_bids, ml_asks;  // the levels multi-level OFI last took
  micro::Vpin vpin;
  Hawkes hawkes;
  bool has_price = false;
  int64_t last_price = 0;
  Hawkes::Side side = Hawkes::kBuy;
  FeatureInstrumentSummary summary;
};

// One CSV row under construction.
class Row {
 public:
  explicit Row(std::string& out) : out_(out) {}
  Row& text(std::string_view s) {
    sep();
    out_ += s;
    return *this;
  }
  Row& integer(int64_t v) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return text(std::string_view(buf, r.ptr - buf));
  }
  Row& number(double v) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return text(std::string_view(buf, r.ptr - buf));
  }
  Row& empty(int n = 1) {
    for (int i = 0; i < n; ++i) sep();
    return *this;
  }
  void end() { out_ += '\n'; }

 private:
  void sep() {
    if (started_) out_ += ',';
    started_ = true;
  }
  std::string& out_;
  bool started_ = false;
};

std::string csv_text(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

class Writer {
 public:
  Writer(const FeatureOptions& o, const InstrumentTable& table, TimeStyle style,
         const std::vector<int64_t>& buckets, ResolvedSeeds seeds)
      : o_(o), table_(table), style_(std::move(style)), seeds_(std::move(seeds)) {
    for (size_t i = 0; i < table.size(); ++i) {
      states_.push_back(std::make_unique<Instrument>(o, buckets[i]));
      states_.back()->summary.symbol = table[i].symbol;
      states_.back()->summary.vpin_bucket_volume = buckets[i];
    }
  }

  Status input(const Input& in, std::string& out) {
    if (!is_market_data(in.body)) return Status::ok();
    const uint32_t i = instrument_of(in.body)->value();
    if (i >= states_.size()) {
      return Status::mismatch("features: seq " + std::to_string(in.seq.value()) +
                              " names instrument " + std::to_string(i) + " of " +
                              std::to_string(states_.size()));
    }
    Instrument& s = *states_[i];
    const InstrumentSpec& spec = table_[i];
    const int64_t ts = in.ts.value();
    Row row(out);
    bool daily = false;
    if (const auto* b = std::get_if<BarIn>(&in.body)) daily = b->period_ns == kDayNs;
    row.integer(static_cast<int64_t>(in.seq.value())).integer(ts).text(style_.render(ts, daily));
    row.text(csv_text(spec.symbol));
    if (o_.vpin) s.vpin.advance(ts);
    std::visit([&](const auto& body) { feed(s, spec, ts, body, row); }, in.body);
    columns(s, ts, row);
    row.end();
    ++s.summary.rows;
    ++rows_;
    return Status::ok();
  }

  uint64_t rows() const { return rows_; }
  std::vector<FeatureInstrumentSummary> summaries() const {
    std::vector<FeatureInstrumentSummary> out;
    for (const auto& s : states_) {
      if (s->summary.rows > 0) out.push_back(s->summary);
    }
    return out;
  }

 private:
  // event,price,qty,bid,bid_qty,ask,ask_qty for each kind of input, and its indicator updates.
  void feed(Instrument& s, const InstrumentSpec& spec, int64_t ts, const QuoteIn& q, Row& row) {
    ++s.summary.quotes;
    row.text("quote").empty(2);
    row.text(format_price(q.bid.value(), spec)).integer(q.bid_qty.value());
    row.text(format_price(q.ask.value(), spec)).integer(q.ask_qty.value());
    if (o_.ofi) {
      s.ofi.update(q.bid.value(), q.bid_qty.value(), q.ask.value(), q.ask_qty.value());
      // A quote is one level per side: deeper levels stay absent.
      if (s.mlofi) {
        const micro::Level b{q.bid.value(), q.bid_qty.value()}, a{q.ask.value(), q.ask_qty.value()};
        s.mlofi->update({&b, 1}, {&a, 1});
      }
      s.has_top = true;
    }
    (void)ts;
  }
  void feed(Instrument& s, const InstrumentSpec& spec, int64_t ts, const TradeIn& t, Row& row) {
    ++s.summary.prints;
    row.text("trade").text(format_price(t.price.value(), spec)).integer(t.qty.value()).empty(4);
    const Hawkes::Side recorded = t.aggressor == Side::kBuy ? Hawkes::kBuy : Hawkes::kSell;
    const Hawkes::Side tick = s.tick_side(t.price.value());
    print(s, ts, t.price.value(), t.qty.value(), o_.hawkes_tick_rule ? tick : recorded, true);
  }
  void feed(Instrument& s, const InstrumentSpec& spec, int64_t ts, const BarIn& b, Row& row) {
    ++s.summary.bars;
    row.text("bar").text(format_price(b.close.value(), spec)).integer(b.volume.value()).empty(4);
    const Hawkes::Side side = s.tick_side(b.close.value());
    print(s, ts, b.close.value(), b.volume.value(), side, b.volume.value() > 0);
  }
  void feed(Instrument& s, const InstrumentSpec& spec, int64_t ts, const BookMessageIn& m,
            Row& row) {
    ++s.summary.book_messages;
    row.text(std::string("book_") + book_action_name(m.action));
    if (o_.ofi) rebuild(s, m);
    const bool exec = m.action == BookAction::kExecute || m.action == BookAction::kHiddenExecute;
    if (exec || m.action == BookAction::kCross) {
      row.text(format_price(m.price.value(), spec)).integer(m.qty.value());
      top_columns(s, spec, row);
      // The aggressor is the other side of the resting order the message names.
      const Hawkes::Side aggressor = m.side == Side::kBuy ? Hawkes::kSell : Hawkes::kBuy;
      const Hawkes::Side tick = s.tick_side(m.price.value());
      print(s, ts, m.price.value(), m.qty.value(), o_.hawkes_tick_rule ? tick : aggressor, exec);
    } else {
      row.empty(2);
      top_columns(s, spec, row);
    }
  }

  // Applies a book message to the instrument's rebuilt book; when the top changed (or this is
  // the first top), OFI (and multi-level OFI from the depth) takes the new state.
  void rebuild(Instrument& s, const BookMessageIn& m) {
    const uint32_t i = m.instrument.value();
    if (!s.book) {
      s.book = std::make_unique<L3Book>(1u << 20, seeds_.level1);
      if (i < seeds_.seeds.size() && seeds_.seeds[i].present) s.book->seed(seeds_.seeds[i], m);
    }
    s.book->apply(m, &no_fills_);  // no strategy orders rest here: never a fill
    if (s.mlofi) rebuild_depth(s);
    const TopOfBook t = s.book->top();
    s.row_ofi = 0;
    if (s.has_top && t == s.top) return;
    s.top = t;
    s.row_ofi = s.ofi.update(t.has_bid ? t.bid.value() : 0, t.has_bid ? t.bid_qty.value() : 0,
                             t.has_ask ? t.ask.value() : 0, t.has_ask ? t.ask_qty.value() : 0);
    s.has_top = true;
  }
  // Multi-level OFI takes the book's best levels whenever one of them changed.
  void rebuild_depth(Instrument& s) {
    const size_t n = s.mlofi->levels();
    depth_.resize(n);
    bool changed = s.ml_bids.empty();
    s.ml_bids.resize(n), s.ml_asks.resize(n);
    for (int k = 0; k < 2; ++k) {
      std::vector<micro::Level>& out = k == 0 ? s.ml_bids : s.ml_asks;
      const size_t got = s.book->depth(k == 0 ? Side::kBuy : Side::kSell, depth_);
      for (size_t j = 0; j < n; ++j) {
        const micro::Level l = j < got ? micro::Level{depth_[j].price.value(),
                                                      depth_[j].qty.value()}
                                       : micro::Level{};
        changed = changed || l.price != out[j].price || l.qty != out[j].qty;
        out[j] = l;
      }
    }
    if (changed) s.mlofi->update(s.ml_bids, s.ml_asks);
  }
  // bid,bid_qty,ask,ask_qty of the rebuilt book after a message (empty without OFI, or for an
  // empty side).
  void top_columns(const Instrument& s, const InstrumentSpec& spec, Row& row) {
    const TopOfBook& t = s.top;
    if (!s.book || !t.has_bid) {
      row.empty(2);
    } else {
      row.text(format_price(t.bid.value(), spec)).integer(t.bid_qty.value());
    }
    if (!s.book || !t.has_ask) {
      row.empty(2);
    } else {
      row.text(format_price(t.ask.value(), spec)).integer(t.ask_qty.value());
    }
  }
  template <typename Other>
  void feed(Instrument&, const InstrumentSpec&, int64_t, const Other&, Row&) {}

  void print(Instrument& s, int64_t ts, int64_t price, int64_t qty, Hawkes::Side side,
             bool event) {
    if (o_.vpin) s.vpin.add(ts, price, qty);
    if (o_.hawkes && event) s.hawkes.add(ts, side);
  }

  void columns(Instrument& s, int64_t ts, Row& row) {
    FeatureInstrumentSummary& sum = s.summary;
    const int ml = s.mlofi ? static_cast<int>(s.mlofi->levels()) : 0;
    if (o_.ofi && !s.has_top) {
      row.empty(3 + ml);  // no top of book seen yet: OFI is not defined
    } else if (o_.ofi) {
      row.integer(s.book ? s.row_ofi : s.ofi.last());
      row.integer(s.ofi.window_sum()).integer(s.ofi.cumulative());
      sum.ofi_cumulative = s.ofi.cumulative();
      for (int m = 0; m < ml; ++m) row.integer(s.mlofi->cumulative(static_cast<uint32_t>(m)));
    }
    if (o_.vpin) {
      if (s.vpin.window_count() > 0) {
        const double v = s.vpin.value();
        row.number(v);
        sum.vpin_last = v;
        if (v > sum.vpin_max) sum.vpin_max = v;
      } else {
        row.empty();
      }
      row.integer(static_cast<int64_t>(s.vpin.buckets())).integer(s.vpin.bucket_fill());
      row.number(s.vpin.sigma());
      sum.vpin_buckets = s.vpin.buckets();
    }
    if (o_.hawkes) {
      const double b = s.hawkes.intensity_at(ts, Hawkes::kBuy);
      const double a = s.hawkes.intensity_at(ts, Hawkes::kSell);
      row.number(b).number(a);
      if (b > sum.hawkes_buy_max) sum.hawkes_buy_max = b;
      if (a > sum.hawkes_sell_max) sum.hawkes_sell_max = a;
    }
  }

  const FeatureOptions& o_;
  const InstrumentTable& table_;
  TimeStyle style_;
  ResolvedSeeds seeds_;
  std::vector<std::unique_ptr<Instrument>> states_;
  uint64_t rows_ = 0;
  std::vector<L3Fill> no_fills_;
  std::vector<LevelView> depth_;  // scratch of rebuild_depth()
};

// The books' seeds of a backtest log (meta data.book_seeds); none for other logs.
Result<ResolvedSeeds> seeds_of(const EventLog& log, const InstrumentTable& table) {
  ASSIGN_OR_RETURN(std::optional<std::string> data, log.get_meta(kMetaData));
  const Json none;
  if (!data) return seeds_from_meta(none, table);
  const std::optional<Json> d = parse_json(*data);
  if (!d || !d->is_object()) return seeds_from_meta(none, table);
  if (d->contains("book_seeds")) return seeds_from_meta((*d)["book_seeds"], table);
  // A run on another venue recorded no seeds: LOBSTER files of more than one level
  // ("..._message_N.csv", N > 1) are rebuilt without the level-1 inference, as the L3 venue does.
  ASSIGN_OR_RETURN(ResolvedSeeds out, seeds_from_meta(none, table));
  if (d->contains("files") && (*d)["files"].is_array()) {
    for (const Json& f : (*d)["files"]) {
      const std::string stem = std::filesystem::path(f.value("path", "")).stem().string();
      const size_t at = stem.rfind("_message_");
      if (at == std::string::npos) continue;
      const std::string n = stem.substr(at + 9);
      if (!n.empty() && n.find_first_not_of("0123456789") == std::string::npos &&
          n.find_first_not_of('0') != std::string::npos && n != "1") {
        out.level1 = false;
      }
    }
  }
  return out;
}

// The import record that says how times read: a data log's meta "import", or the copy a
// backtest keeps in meta "data" (as the report reads it); "" (UTC) for neither.
Result<std::string> import_meta_of(const EventLog& log) {
  ASSIGN_OR_RETURN(std::optional<std::string> text, log.get_meta(kMetaImport));
  if (text) return *text;
  ASSIGN_OR_RETURN(std::optional<std::string> data, log.get_meta(kMetaData));
  if (!data) return std::string();
  const std::optional<Json> d = parse_json(*data);
  if (d && d->is_object() && d->contains("import")) return dump_json((*d)["import"]);
  return std::string();
}

}  // namespace

std::vector<std::string> feature_columns(const FeatureOptions& o) {
  std::vector<std::string> c = {"seq", "ts_ns", "time",  "symbol",  "event", "price",
                                "qty", "bid",   "bid_qty", "ask",   "ask_qty"};
  if (o.ofi) c.insert(c.end(), {"ofi", "ofi_window", "ofi_cum"});
  if (o.ofi && o.ofi_levels > 1) {
    for (uint32_t m = 1; m <= o.ofi_levels; ++m) c.push_back("ofi_cum_l" + std::to_string(m));
  }
  if (o.vpin) c.insert(c.end(), {"vpin", "vpin_buckets", "vpin_bucket_fill", "vpin_sigma"});
  if (o.hawkes) c.insert(c.end(), {"hawkes_buy", "hawkes_sell"});
  return c;
}

Json FeatureSummary::to_json() const {
  Json inst = Json::array();
  for (const FeatureInstrumentSummary& s : instruments) {
    inst.push_back({{"symbol", s.symbol},
                    {"rows", s.rows},
                    {"quotes", s.quotes},
                    {"prints", s.prints},
                    {"bars", s.bars},
                    {"book_messages", s.book_messages},
                    {"vpin_bucket_volume", s.vpin_bucket_volume},
                    {"vpin_buckets", s.vpin_buckets},
                    {"vpin_last", s.vpin_last},
                    {"vpin_max", s.vpin_max},
                    {"ofi_cum", s.ofi_cumulative},
                    {"hawkes_buy_max", s.hawkes_buy_max},
                    {"hawkes_sell_max", s.hawkes_sell_max}});
  }
  return Json{{"path", path}, {"rows", rows}, {"columns", columns}, {"instruments", inst}};
}

Result<FeatureSummary> write_features(const EventLog& log, const FeatureOptions& options,
                                      const std::string& path) {
  ASSIGN_OR_RETURN(InstrumentTable table, log_instruments(log));
  ASSIGN_OR_RETURN(std::string import_meta, import_meta_of(log));
  ASSIGN_OR_RETURN(TimeStyle style, TimeStyle::from_import_meta(import_meta));
  // (Without VPIN the bucket is unused; 1 keeps the indicator constructible.)
  std::vector<int64_t> buckets(table.size(), std::max<int64_t>(1, options.vpin_bucket_volume));
  if (options.vpin && options.vpin_bucket_volume == 0) {
    ASSIGN_OR_RETURN(buckets, auto_buckets(log, table.size()));
  }
  FeatureSummary summary;
  summary.path = path;
  summary.columns = feature_columns(options);
  const std::string tmp = path + ".tmp";
  std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
  if (!f) return Status::io("cannot write " + path);
  auto fail = [&](Status st) {
    f.close();
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    return st;
  };
  std::string chunk;
  for (size_t i = 0; i < summary.columns.size(); ++i) {
    chunk += (i ? "," : "") + summary.columns[i];
  }
  chunk += '\n';
  ASSIGN_OR_RETURN(ResolvedSeeds seeds, seeds_of(log, table));
  Writer w(options, table, style, buckets, std::move(seeds));
  Status st = each_input(log, [&](const Input& in) -> Status {
    RETURN_IF_ERROR(w.input(in, chunk));
    if (chunk.size() >= (1u << 20)) {
      if (!f.write(chunk.data(), static_cast<std::streamsize>(chunk.size()))) {
        return Status::io("cannot write " + path);
      }
      chunk.clear();
    }
    return Status::ok();
  });
  if (!st.is_ok()) return fail(st);
  if (!f.write(chunk.data(), static_cast<std::streamsize>(chunk.size())) || !f.flush()) {
    return fail(Status::io("cannot write " + path));
  }
  f.close();
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return fail(Status::io("cannot write " + path + ": " + ec.message()));
  summary.rows = w.rows();
  summary.instruments = w.summaries();
  return summary;
}

}  // namespace tape
