#include "core/portfolio.h"

#include <limits>

#include "core/status.h"

namespace tape {

int64_t div_round_half_away(__int128 num, __int128 den) {
  const bool negative = num < 0;
  const __int128 magnitude = negative ? -num : num;
  // floor(|num| / den + 1/2), computed without fractions.
  const __int128 q = (2 * magnitude + den) / (2 * den);
  const __int128 r = negative ? -q : q;
  TAPE_CHECK(r >= std::numeric_limits<int64_t>::min() && r <= std::numeric_limits<int64_t>::max(),
             "rounded money leaves int64");
  return static_cast<int64_t>(r);
}

Money notional(const InstrumentConfig& instrument, Price price, Qty qty) {
  const __int128 n = static_cast<__int128>(price.value()) * instrument.tick_value *
                     instrument.lot_size * qty.value();
  TAPE_CHECK(n >= std::numeric_limits<int64_t>::min() && n <= std::numeric_limits<int64_t>::max(),
             "notional leaves int64: price x tick_value x lot_size x qty too large");
  return Money(static_cast<int64_t>(n));
}

Portfolio::Portfolio(const CoreConfig& config, EventQueue& queue)
    : instruments_(config.instruments),
      fees_config_(config.fees),
      queue_(queue),
      accounts_(kExternalAccountBase),
      marks_(config.instruments.size()) {}

void Portfolio::on(const Fill& fill) {
  const uint32_t inst = fill.instrument.value();
  TAPE_CHECK(inst < instruments_.size(), "fill for an unknown instrument");
  Mark& m = marks_[inst];
  m.has_trade = true;
  m.trade = fill.price.value();
  const Side taker_side = fill.aggressor;
  if (is_managed(fill.maker_account)) {
    book_side(fill.maker_account, fill, opposite(taker_side), fees_config_.maker_ppm);
  }
  if (is_managed(fill.taker_account)) {
    book_side(fill.taker_account, fill, taker_side, fees_config_.taker_ppm);
  }
}

void Portfolio::book_side(AccountId account, const Fill& fill, Side side, int64_t fee_ppm) {
  const uint32_t inst = fill.instrument.value();
  const InstrumentConfig& cfg = instruments_[inst];
  Account& acct = accounts_[account.value()];
  if (acct.holdings.empty()) acct.holdings.resize(instruments_.size());
  Holding& h = acct.holdings[inst];

  const int64_t s = sign(side);
  const int64_t qty = fill.qty.value();
  const int64_t fill_notional = notional(cfg, fill.price, fill.qty).value();
  const int64_t fee =
      div_round_half_away(static_cast<__int128>(fill_notional) * fee_ppm, 1'000'000);
  acct.cash += -s * fill_notional - fee;
  h.fees += fee;

  // Reduce first (if the fill is against the position), then open whatever is left.
  int64_t open_qty = qty;
  if (h.position != 0 && (h.position > 0) != (s > 0)) {
    const int64_t held = h.position > 0 ? h.position : -h.position;
    const int64_t closed = qty < held ? qty : held;
    const int64_t removed =
        closed == held ? h.cost : div_round_half_away(static_cast<__int128>(h.cost) * closed, held);
    h.realized += -s * notional(cfg, fill.price, Qty(closed)).value() - removed;
    h.cost -= removed;
    h.position += s * closed;
    open_qty = qty - closed;
  }
  if (open_qty > 0) {
    h.cost += s * notional(cfg, fill.price, Qty(open_qty)).value();
    h.position += s * open_qty;
  }
  TAPE_CHECK(h.position != 0 || h.cost == 0, "flat position with a residual cost basis");

  queue_.publish(PositionUpdate{account, fill.instrument, h.position, Money(acct.cash),
                                Money(h.realized), Money(h.fees)});
}

void Portfolio::on(const TradeIn& trade) {
  const uint32_t inst = trade.instrument.value();
  if (inst >= marks_.size()) return;
  marks_[inst].has_trade = true;
  marks_[inst].trade = trade.price.value();
}

void Portfolio::on(const QuoteIn& quote) {
  const uint32_t inst = quote.instrument.value();
  if (inst >= marks_.size()) return;
  if (quote.bid.value() <= 0 || quote.ask.value() <= 0 || quote.bid >= quote.ask) return;
  marks_[inst].has_mid = true;
  marks_[inst].mid = (quote.bid.value() + quote.ask.value()) / 2;
}

const Portfolio::Holding* Portfolio::holding(AccountId account, InstrumentId instrument) const {
  if (!is_managed(account)) return nullptr;
  const Account& acct = accounts_[account.value()];
  if (instrument.value() >= acct.holdings.size()) return nullptr;
  return &acct.holdings[instrument.value()];
}

int64_t Portfolio::position(AccountId account, InstrumentId instrument) const {
  const Holding* h = holding(account, instrument);
  return h ? h->position : 0;
}

Money Portfolio::cash(AccountId account) const {
  return is_managed(account) ? Money(accounts_[account.value()].cash) : Money(0);
}

Money Portfolio::fees(AccountId account) const {
  if (!is_managed(account)) return Money(0);
  int64_t sum = 0;
  for (const Holding& h : accounts_[account.value()].holdings) sum += h.fees;
  return Money(sum);
}

Money Portfolio::fees(AccountId account, InstrumentId instrument) const {
  const Holding* h = holding(account, instrument);
  return Money(h ? h->fees : 0);
}

Money Portfolio::realized_pnl(AccountId account) const {
  if (!is_managed(account)) return Money(0);
  int64_t sum = 0;
  for (const Holding& h : accounts_[account.value()].holdings) sum += h.realized;
  return Money(sum);
}

Money Portfolio::realized_pnl(AccountId account, InstrumentId instrument) const {
  const Holding* h = holding(account, instrument);
  return Money(h ? h->realized : 0);
}

bool Portfolio::has_mark(InstrumentId instrument) const {
  if (instrument.value() >= marks_.size()) return false;
  const Mark& m = marks_[instrument.value()];
  return m.has_trade || m.has_mid;
}

Price Portfolio::mark(InstrumentId instrument) const {
  if (!has_mark(instrument)) return Price(0);
  const Mark& m = marks_[instrument.value()];
  return Price(m.has_trade ? m.trade : m.mid);
}

int64_t Portfolio::unit_notional(InstrumentId instrument) const {
  return notional(instruments_[instrument.value()], mark(instrument), Qty(1)).value();
}

Money Portfolio::unrealized_pnl(AccountId account) const {
  if (!is_managed(account)) return Money(0);
  const std::vector<Holding>& holdings = accounts_[account.value()].holdings;
  int64_t sum = 0;
  for (uint32_t i = 0; i < holdings.size(); ++i) {
    const Holding& h = holdings[i];
    if (h.position == 0 || !has_mark(InstrumentId(i))) continue;
    sum += h.position * unit_notional(InstrumentId(i)) - h.cost;
  }
  return Money(sum);
}

Money Portfolio::total_pnl() const {
  int64_t sum = 0;
  for (uint32_t a = 0; a < accounts_.size(); ++a) {
    if (accounts_[a].holdings.empty()) continue;
    const AccountId id(a);
    sum += realized_pnl(id).value() + unrealized_pnl(id).value() - fees(id).value();
  }
  return Money(sum);
}

bool Portfolio::has_book(const Account& account) {
  if (account.cash != 0) return true;
  for (const Holding& x : account.holdings) {
    if (x.position != 0 || x.cost != 0 || x.realized != 0 || x.fees != 0) return true;
  }
  return false;
}

void Portfolio::hash_state(StateHasher& h) const {
  h.tag("portfolio");
  uint32_t n = 0;
  for (const Account& acct : accounts_) n += has_book(acct) ? 1 : 0;
  h.u32(n);
  for (uint32_t a = 0; a < accounts_.size(); ++a) {
    const Account& acct = accounts_[a];
    if (!has_book(acct)) continue;
    h.u32(a);
    h.i64(acct.cash);
    for (const Holding& x : acct.holdings) {
      h.i64(x.position);
      h.i64(x.cost);
      h.i64(x.realized);
      h.i64(x.fees);
    }
  }
  h.tag("marks");
  for (const Mark& m : marks_) {
    h.u8(m.has_trade);
    h.i64(m.trade);
    h.u8(m.has_mid);
    h.i64(m.mid);
  }
}

namespace {

bool read_flag(StateReader& r) {
  const uint8_t v = r.u8();
  if (v > 1) r.fail("flag out of range");
  return v == 1;
}

}  // namespace

Status Portfolio::restore_state(StateReader& r) {
  r.expect_tag("portfolio");
  const uint32_t n = r.u32();
  if (n > kExternalAccountBase) r.fail("more accounts than managed ids");
  int64_t previous = -1;
  for (uint32_t k = 0; k < n && r.ok(); ++k) {
    const uint32_t a = r.u32();
    if (a >= kExternalAccountBase || int64_t{a} <= previous) {
      r.fail("portfolio account id out of range or order");
      break;
    }
    previous = a;
    Account& acct = accounts_[a];
    acct.cash = r.i64();
    acct.holdings.resize(instruments_.size());
    for (Holding& x : acct.holdings) {
      x.position = r.i64();
      x.cost = r.i64();
      x.realized = r.i64();
      x.fees = r.i64();
      if (x.position == 0 && x.cost != 0) r.fail("flat holding with a cost basis");
    }
    if (r.ok() && !has_book(acct)) r.fail("portfolio account listed with an empty book");
  }
  r.expect_tag("marks");
  for (Mark& m : marks_) {
    m.has_trade = read_flag(r);
    m.trade = r.i64();
    m.has_mid = read_flag(r);
    m.mid = r.i64();
  }
  return r.status();
}

}  // namespace tape
