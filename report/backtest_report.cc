// The walk over a run log that builds a BacktestReport (rules in the header).
#include "report/backtest_report.h"

#include <algorithm>
#include <deque>
#include <filesystem>
#include <limits>
#include <optional>

#include "core/portfolio.h"
#include "feed/data_log.h"
#include "replay/log_instruments.h"

namespace tape {
namespace {

constexpr __int128 kMin64 = std::numeric_limits<int64_t>::min();
constexpr __int128 kMax64 = std::numeric_limits<int64_t>::max();

bool fits64(__int128 v) { return v >= kMin64 && v <= kMax64; }

// floor(a / b) for b > 0.
int64_t floor_div(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

int64_t pow10(int n) {
  int64_t p = 1;
  while (n-- > 0) p *= 10;
  return p;
}

// Money per tick per lot at `money_scale`: tick x lot x money_scale, which must be whole.
Result<int64_t> unit_money(const InstrumentSpec& spec, int64_t money_scale) {
  const __int128 num = static_cast<__int128>(spec.tick_size.units) * spec.lot_size * money_scale;
  const __int128 den = pow10(spec.tick_size.scale);
  if (num % den != 0 || !fits64(num / den) || num <= 0) {
    return Status::invalid(
        "report: instrument " + spec.symbol + ": tick " + format_decimal(spec.tick_size) +
        " x lot " + std::to_string(spec.lot_size) + " is not a whole number of money units at " +
        std::to_string(money_scale) + " units per currency unit");
  }
  return static_cast<int64_t>(num / den);
}

struct Holding {
  int64_t position = 0;
  int64_t realized = 0;
  int64_t fees = 0;
  bool open = false;  // a trade is open (position != 0)
  TradeRow trade;     // the open trade
};

struct Account {
  int64_t cash = 0;
  std::vector<Holding> holdings;  // per instrument
};

struct Mark {
  bool has_trade = false, has_mid = false;
  int64_t trade = 0, mid = 0;
  int64_t value() const { return has_trade ? trade : (has_mid ? mid : 0); }
};

struct PendingSide {
  AccountId account;
  InstrumentId instrument;
  Side side;
  int64_t price, qty;
  bool maker;
  uint64_t order_id;
};

class Builder {
 public:
  // `r.settings.strategies` is the full list (a log without one had its accounts found first).
  Builder(BacktestReport& r, std::vector<int64_t> units, TextOut trades, TextOut fills,
          TextOut equity)
      : r_(r),
        units_(std::move(units)),
        trades_(std::move(trades)),
        fills_(std::move(fills)),
        equity_(std::move(equity)) {
    marks_.resize(r.instruments.size());
    r.mark_charts.assign(r.instruments.size(), ChartSeries(kChartPointsMax));
    marked_.assign(r.instruments.size(), 0);
    index_.assign(kExternalAccountBase, -1);
    for (size_t i = 0; i < r.settings.strategies.size(); ++i)
      add_strategy(r.settings.strategies[i]);
    r_.total_series = SeriesFigures(r_.settings.analytics);
    row_equity_.resize(r_.strategies.size());
    trades_.buf() += r_.trades_header();
    trades_.row_done();
    fills_.buf() += r_.fills_header();
    fills_.row_done();
    equity_.buf() += r_.equity_header();
    equity_.row_done();
  }

  Status input(const Input& in) {
    const int64_t ts = in.ts.value();
    if (r_.inputs == 0) r_.first_time = Stamp{ts, daily_bar(in)};
    r_.last_time = Stamp{ts, daily_bar(in)};
    RETURN_IF_ERROR(before_input(ts));
    ++r_.inputs;
    stamp_ = Stamp{ts, daily_bar(in)};
    seq_ = in.seq;
    // Per-bar sampling; a log without bars (quotes, trades) is sampled at each input that can
    // move a mark instead, so its equity curve is not empty.
    auto pend = [this] {
      if (r_.settings.equity_sample_ns != 0) return;
      // before_input flushed a pending sample of another time: a pending one is this time's.
      if (!bar_pending_) bar_stamp_ = stamp_;
      bar_stamp_.daily = bar_stamp_.daily || stamp_.daily;
      bar_pending_ = true;
    };
    if (const auto* bar = std::get_if<BarIn>(&in.body)) {
      ++r_.bars;
      mark_trade(bar->instrument, bar->close.value());
      pend();
    } else if (const auto* t = std::get_if<TradeIn>(&in.body)) {
      mark_trade(t->instrument, t->price.value());
      if (r_.bars == 0) pend();
    } else if (const auto* q = std::get_if<QuoteIn>(&in.body)) {
      const uint32_t i = q->instrument.value();
      if (i < marks_.size() && q->bid.value() > 0 && q->ask.value() > 0 && q->bid < q->ask) {
        marks_[i].has_mid = true;
        marks_[i].mid = (q->bid.value() + q->ask.value()) / 2;
      }
      if (r_.bars == 0) pend();
    } else if (const auto* m = std::get_if<BookMessageIn>(&in.body)) {
      // Order-level data: an execution is a print.
      if (m->action == BookAction::kExecute || m->action == BookAction::kHiddenExecute) {
        mark_trade(m->instrument, m->price.value());
        if (r_.bars == 0) pend();
      }
    }
    return Status::ok();
  }

  Status output(const Output& out) {
    if (const auto* f = std::get_if<Fill>(&out.body)) return fill(*f);
    if (const auto* p = std::get_if<PositionUpdate>(&out.body)) return position(*p);
    return Status::ok();
  }

  Status finish() {
    if (!pending_.empty()) return mismatch("a fill without its position update");
    if (bar_pending_) RETURN_IF_ERROR(sample(bar_stamp_));
    if (grid_active_) RETURN_IF_ERROR(sample(Stamp{grid_, false}));
    RETURN_IF_ERROR(trades_.close());
    RETURN_IF_ERROR(fills_.close());
    RETURN_IF_ERROR(equity_.close());
    r_.trades_text = trades_.text();
    r_.fills_text = fills_.text();
    r_.equity_text = equity_.text();
    return Status::ok();
  }

 private:
  static bool daily_bar(const Input& in) {
    const auto* bar = std::get_if<BarIn>(&in.body);
    return bar != nullptr && bar->period_ns == kNsPerDay;
  }

  Status mismatch(const std::string& what) const {
    return Status::mismatch("report: seq " + std::to_string(seq_.value()) + ": " + what);
  }

  void mark_trade(InstrumentId instrument, int64_t ticks) {
    if (instrument.value() >= marks_.size()) return;
    marks_[instrument.value()].has_trade = true;
    marks_[instrument.value()].trade = ticks;
  }

  // Samples due before an input stamped `ts` is applied.
  Status before_input(int64_t ts) {
    // The portfolio answers every managed fill side within the same input.
    if (!pending_.empty()) return mismatch("a fill without its position update");
    if (bar_pending_ && ts != bar_stamp_.ts_ns) {
      RETURN_IF_ERROR(sample(bar_stamp_));
      bar_pending_ = false;
    }
    const int64_t n = r_.settings.equity_sample_ns;
    if (n > 0) {
      const int64_t g = (floor_div(ts - 1, n) + 1) * n;  // the first grid time >= ts
      if (grid_active_ && g != grid_) RETURN_IF_ERROR(sample(Stamp{grid_, false}));
      grid_ = g;
      grid_active_ = true;
    }
    return Status::ok();
  }

  int32_t add_strategy(const StrategyReportSettings& s) {
    StrategyResult res;
    res.settings = s;
    res.series = SeriesFigures(r_.settings.analytics);
    res.final_equity = s.starting_cash;
    r_.strategies.push_back(std::move(res));
    Account a;
    a.holdings.resize(r_.instruments.size());
    accounts_.push_back(std::move(a));
    const int32_t idx = static_cast<int32_t>(r_.strategies.size() - 1);
    if (is_managed(s.account)) index_[s.account.value()] = idx;
    return idx;
  }

  Status fill(const Fill& f) {
    if (f.instrument.value() >= r_.instruments.size())
      return mismatch("fill for an unknown instrument");
    mark_trade(f.instrument, f.price.value());
    const Side taker = f.aggressor;
    if (is_managed(f.maker_account)) {
      pending_.push_back({f.maker_account, f.instrument, opposite(taker), f.price.value(),
                          f.qty.value(), true, f.maker.value()});
    }
    if (is_managed(f.taker_account)) {
      pending_.push_back({f.taker_account, f.instrument, taker, f.price.value(), f.qty.value(),
                          false, f.taker.value()});
    }
    return Status::ok();
  }

  Status position(const PositionUpdate& p) {
    if (pending_.empty()) return mismatch("a position update without a fill");
    const PendingSide side = pending_.front();
    pending_.pop_front();
    if (side.account != p.account || side.instrument != p.instrument) {
      return mismatch("a position update for another account or instrument than its fill");
    }
    const int32_t idx = is_managed(p.account) ? index_[p.account.value()] : -1;
    if (idx < 0) return Status::ok();  // an account the report was not asked about
    Account& acct = accounts_[static_cast<size_t>(idx)];
    Holding& h = acct.holdings[p.instrument.value()];
    const int64_t signed_qty = sign(side.side) * side.qty;
    if (static_cast<__int128>(h.position) + signed_qty != p.position) {
      return mismatch("a position update that does not add up to its fill");
    }
    const int64_t fee = p.fees.value() - h.fees;
    const int64_t realized = p.realized_pnl.value() - h.realized;
    StrategyResult& st = r_.strategies[static_cast<size_t>(idx)];
    if (fills_.enabled()) {
      r_.fill_row(fills_.buf(),
                  FillRow{stamp_, static_cast<uint32_t>(idx), p.instrument, side.side, side.price,
                          side.qty, fee, side.maker, side.order_id, seq_});
      fills_.row_done();
    }
    ++r_.fill_count;
    ++(side.maker ? r_.maker_fills : r_.taker_fills);
    (side.maker ? r_.maker_fill_lots : r_.taker_fill_lots) += static_cast<uint64_t>(side.qty);
    ++st.fills;
    st.fees += fee;
    const __int128 notional =
        static_cast<__int128>(side.price) * side.qty * units_[p.instrument.value()];
    st.traded_notional += notional < 0 ? -notional : notional;
    round_trip(static_cast<uint32_t>(idx), h, side, p.position, realized, fee);
    h.position = p.position;
    h.realized = p.realized_pnl.value();
    h.fees = p.fees.value();
    acct.cash = p.cash.value();
    return Status::ok();
  }

  void open_trade(uint32_t strategy, Holding& h, const PendingSide& s, int64_t lots, int64_t fee) {
    h.open = true;
    h.trade = TradeRow{};
    h.trade.strategy = strategy;
    h.trade.instrument = s.instrument;
    h.trade.side = s.side;
    h.trade.entry = stamp_;
    h.trade.entry_ticks_x_qty = static_cast<__int128>(s.price) * lots;
    h.trade.entry_qty = lots;
    h.trade.fees = fee;
  }

  // Applies one fill side to the holding's round trip (position p0 -> p1).
  void round_trip(uint32_t strategy, Holding& h, const PendingSide& s, int64_t p1, int64_t realized,
                  int64_t fee) {
    const int64_t p0 = h.position;
    if (p0 == 0) {
      open_trade(strategy, h, s, s.qty, fee);
      return;
    }
    TradeRow& t = h.trade;
    t.pnl += realized;
    if ((p0 > 0) == (sign(s.side) > 0)) {  // adds to the position
      t.entry_ticks_x_qty += static_cast<__int128>(s.price) * s.qty;
      t.entry_qty += s.qty;
      t.fees += fee;
      return;
    }
    const int64_t held = p0 > 0 ? p0 : -p0;
    const int64_t closed = std::min(held, s.qty);
    const int64_t close_fee =
        closed == s.qty ? fee : div_round_half_away(static_cast<__int128>(fee) * closed, s.qty);
    t.exit_ticks_x_qty += static_cast<__int128>(s.price) * closed;
    t.exit_qty += closed;
    t.fees += close_fee;
    if (p1 != 0 && (p1 > 0) == (p0 > 0)) return;  // reduced, still open
    t.exit = stamp_;
    closed_trade(t);
    h.open = false;
    if (p1 != 0) open_trade(strategy, h, s, s.qty - closed, fee - close_fee);  // flipped
  }

  void closed_trade(const TradeRow& t) {
    ++r_.trade_count;
    if (trades_.enabled()) {
      r_.trade_row(trades_.buf(), t);
      trades_.row_done();
    }
    r_.strategies[t.strategy].series.run.add_trade(t.pnl, t.fees);
    r_.total_series.run.add_trade(t.pnl, t.fees);
    r_.trade_nets.add(t.pnl - t.fees);
    if (marked_[t.instrument.value()] < kMarkersMax) {
      ++marked_[t.instrument.value()];
      r_.marked_trades.push_back(t);
    }
  }

  Status sample(const Stamp& at) {
    __int128 total = 0;
    bool any = false;
    const double scale = static_cast<double>(r_.settings.money_scale);
    for (size_t s = 0; s < r_.strategies.size(); ++s) {
      StrategyResult& st = r_.strategies[s];
      const Account& acct = accounts_[s];
      __int128 e = static_cast<__int128>(st.settings.starting_cash) + acct.cash;
      bool exposed = false;
      for (size_t i = 0; i < acct.holdings.size(); ++i) {
        const int64_t pos = acct.holdings[i].position;
        if (pos == 0) continue;
        exposed = true;
        e += static_cast<__int128>(pos) * marks_[i].value() * units_[i];
      }
      if (!fits64(e))
        return Status::invalid("report: equity of " + st.settings.name + " leaves int64");
      const int64_t e64 = static_cast<int64_t>(e);
      st.series.add(at, e64, exposed);
      st.final_equity = e64;
      if (r_.strategies.size() > 1) st.equity_chart.add(at, static_cast<double>(e64) / scale);
      row_equity_[s] = e64;
      total += e;
      any = any || exposed;
    }
    if (!fits64(total)) return Status::invalid("report: total equity leaves int64");
    const int64_t t64 = static_cast<int64_t>(total);
    ++r_.samples;
    r_.total_series.add(at, t64, any);
    r_.total_final_equity = t64;
    const double dd = r_.total_series.run.drawdown();
    r_.total_chart.add(at, static_cast<double>(t64) / scale);
    r_.drawdown_chart.add(at, -dd * 100);
    for (size_t i = 0; i < marks_.size(); ++i) {
      const int64_t m = marks_[i].value();
      if (m != 0) r_.mark_charts[i].add(at, static_cast<double>(m));
    }
    month(at, t64);
    if (equity_.enabled()) {
      r_.equity_row(equity_.buf(), at, row_equity_, t64, dd);
      equity_.row_done();
    }
    return Status::ok();
  }

  // The monthly returns (header: MonthReturn), one sample at a time.
  void month(const Stamp& at, int64_t e) {
    int y = 0, m = 0;
    r_.time_style.year_month(at.ts_ns, at.daily, y, m);
    if (r_.months.empty()) {
      month_base_ = e;
    } else if (r_.months.back().year != y || r_.months.back().month != m) {
      month_base_ = prev_total_;
    }
    if (r_.months.empty() || r_.months.back().year != y || r_.months.back().month != m) {
      r_.months.push_back(MonthReturn{y, m, std::nullopt});
    }
    if (month_base_ > 0) {
      r_.months.back().ret = static_cast<double>(e) / static_cast<double>(month_base_) - 1.0;
    }
    prev_total_ = e;
  }

  BacktestReport& r_;
  std::vector<int64_t> units_;
  std::vector<Mark> marks_;
  std::vector<int32_t> index_;     // by managed account id: strategy index or -1
  std::vector<Account> accounts_;  // by strategy index
  std::deque<PendingSide> pending_;
  TextOut trades_, fills_, equity_;
  std::vector<int64_t> row_equity_;  // the sample's equity per strategy
  std::vector<size_t> marked_;       // trades kept for markers, per instrument
  int64_t month_base_ = 0, prev_total_ = 0;
  Stamp stamp_;
  Seq seq_;
  bool bar_pending_ = false;
  Stamp bar_stamp_;
  bool grid_active_ = false;
  int64_t grid_ = 0;
};

Result<InstrumentTable> report_instruments(const EventLog& log, const BacktestReportSettings& s) {
  if (!s.instruments.empty()) return s.instruments;
  ASSIGN_OR_RETURN(std::optional<std::string> text, log.get_meta(kMetaInstruments));
  if (text) {
    Result<InstrumentTable> t = parse_instruments_json(*text);
    if (!t.is_ok()) return Status::mismatch(log.dir() + ": " + t.status().message());
    return t;
  }
  return log_instruments(log);
}

// A log without a strategy list: its managed accounts with a PositionUpdate, in account order.
Result<std::vector<StrategyReportSettings>> discover_accounts(const EventLog& log) {
  std::vector<uint32_t> ids;
  std::vector<Input> inputs;
  std::vector<Output> outputs;
  auto cursor = log.batches(Seq(1));
  while (true) {
    ASSIGN_OR_RETURN(const bool more, cursor.next());
    if (!more) break;
    RETURN_IF_ERROR(cursor.decode(inputs, &outputs));
    for (const Output& o : outputs) {
      const auto* p = std::get_if<PositionUpdate>(&o.body);
      if (p != nullptr && is_managed(p->account)) ids.push_back(p->account.value());
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  }
  std::vector<StrategyReportSettings> out;
  for (uint32_t id : ids)
    out.push_back({"account " + std::to_string(id), AccountId(id), 0, "", "", "", 0});
  return out;
}

Result<TextOut> csv_out(const ReportOutput& o, const char* name) {
  if (!o.csv_dir.empty()) return TextOut::file(o.csv_dir + "/" + name);
  return o.keep_csv_text ? TextOut::memory() : TextOut();
}

}  // namespace

void SeriesFigures::add(const Stamp& at, int64_t equity, bool exposed) {
  run.add_sample(at.ts_ns, equity, exposed);
  if (run.at_peak()) peak = at;
  if (run.at_new_max_drawdown()) {
    max_drawdown_peak = peak;
    max_drawdown_trough = at;
  }
}

struct BacktestReportPass::Impl {
  BacktestReport r;
  std::optional<Builder> b;
};

BacktestReportPass::BacktestReportPass() : impl_(std::make_unique<Impl>()) {}
BacktestReportPass::~BacktestReportPass() = default;

Result<std::unique_ptr<BacktestReportPass>> BacktestReportPass::start(
    const EventLog& log, const BacktestReportSettings& settings, const ReportOutput& output) {
  std::unique_ptr<BacktestReportPass> pass(new BacktestReportPass());
  BacktestReport& r = pass->impl_->r;
  r.settings = settings;
  int64_t scale = settings.money_scale;
  while (scale >= 10 && scale % 10 == 0) scale /= 10;
  if (settings.money_scale <= 0 || scale != 1) {
    return Status::invalid("report: money scale " + std::to_string(settings.money_scale) +
                           " is not a power of ten");
  }
  ASSIGN_OR_RETURN(r.instruments, report_instruments(log, settings));
  std::string import_meta = settings.import_meta;
  if (import_meta.empty()) {
    ASSIGN_OR_RETURN(std::optional<std::string> meta, log.get_meta(kMetaImport));
    if (meta) import_meta = *meta;
  }
  ASSIGN_OR_RETURN(r.time_style, TimeStyle::from_import_meta(import_meta));
  std::vector<int64_t> units;
  for (const InstrumentSpec& spec : r.instruments) {
    ASSIGN_OR_RETURN(int64_t u, unit_money(spec, settings.money_scale));
    units.push_back(u);
  }
  if (r.settings.strategies.empty()) {
    ASSIGN_OR_RETURN(r.settings.strategies, discover_accounts(log));
  }
  if (!output.csv_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(output.csv_dir, ec);
    if (ec) return Status::io("cannot create " + output.csv_dir + ": " + ec.message());
  }
  ASSIGN_OR_RETURN(TextOut trades, csv_out(output, "trades.csv"));
  ASSIGN_OR_RETURN(TextOut fills, csv_out(output, "fills.csv"));
  ASSIGN_OR_RETURN(TextOut equity, csv_out(output, "equity.csv"));
  pass->impl_->b.emplace(r, std::move(units), std::move(trades), std::move(fills),
                         std::move(equity));
  r.csv_dir = output.csv_dir;
  return pass;
}

Status BacktestReportPass::input(const Input& in, std::span<const Output> outputs) {
  Builder& b = *impl_->b;
  RETURN_IF_ERROR(b.input(in));
  for (const Output& o : outputs) RETURN_IF_ERROR(b.output(o));
  return Status::ok();
}

BacktestReportSettings& BacktestReportPass::settings() { return impl_->r.settings; }

Result<BacktestReport> BacktestReportPass::finish() {
  BacktestReport& r = impl_->r;
  RETURN_IF_ERROR(impl_->b->finish());
  for (StrategyResult& st : r.strategies) {
    st.series.run.add_notional(st.traded_notional);
    r.total_series.run.add_notional(st.traded_notional);
    st.figures = st.series.run.figures(r.settings.money_scale);
  }
  r.total = r.total_series.run.figures(r.settings.money_scale);
  impl_->b.reset();
  return std::move(r);
}

Status feed_report_pass(BacktestReportPass& pass, const EventLog& log) {
  std::vector<Input> inputs;
  std::vector<Output> outputs;
  auto cursor = log.batches(Seq(1));
  while (true) {
    ASSIGN_OR_RETURN(const bool more, cursor.next());
    if (!more) break;
    RETURN_IF_ERROR(cursor.decode(inputs, &outputs));
    size_t o = 0;
    for (const Input& in : inputs) {
      const size_t first = o;
      while (o < outputs.size() && outputs[o].seq == in.seq) ++o;
      RETURN_IF_ERROR(pass.input(in, std::span<const Output>(outputs.data() + first, o - first)));
    }
  }
  return Status::ok();
}

Result<BacktestReport> build_backtest_report(const EventLog& log,
                                             const BacktestReportSettings& settings,
                                             const ReportOutput& output) {
  ASSIGN_OR_RETURN(std::unique_ptr<BacktestReportPass> pass,
                   BacktestReportPass::start(log, settings, output));
  RETURN_IF_ERROR(feed_report_pass(*pass, log));
  return pass->finish();
}

}  // namespace tape
