#include "core/portfolio.h"

#include <limits>
#include <string>

#include "core/bounds.h"
#include "core/data_venue.h"
#include "core/status.h"

namespace tape {
namespace {

constexpr __int128 kMin64 = std::numeric_limits<int64_t>::min();
constexpr __int128 kMax64 = std::numeric_limits<int64_t>::max();

bool fits64(__int128 v) { return v >= kMin64 && v <= kMax64; }
int64_t saturate64(__int128 v) {
  return static_cast<int64_t>(v < kMin64 ? kMin64 : (v > kMax64 ? kMax64 : v));
}

// round(num / den), halves away from zero, for den > 0 and |num| < 2^127. Quotient and
// remainder rather than (2|num| + den) / 2den, which could pass 2^127.
__int128 round_half_away(__int128 num, __int128 den) {
  const bool negative = num < 0;
  const __int128 magnitude = negative ? -num : num;
  __int128 q = magnitude / den;
  if (2 * (magnitude % den) >= den) ++q;
  return negative ? -q : q;
}

}  // namespace

int64_t div_round_half_away(__int128 num, __int128 den) {
  const __int128 r = round_half_away(num, den);
  TAPE_CHECK(fits64(r), "rounded money leaves int64");
  return static_cast<int64_t>(r);
}

Portfolio::Portfolio(const CoreConfig& config, EventQueue& queue)
    : instruments_(config.instruments),
      fees_config_(config.fees),
      queue_(queue),
      accounts_(kExternalAccountBase),
      marks_(config.instruments.size()),
      track_orders_(config.fees.per_order != 0 || config.fees.min_per_order != 0) {}

void Portfolio::on(const Fill& fill) {
  const uint32_t inst = fill.instrument.value();
  TAPE_CHECK(inst < instruments_.size(), "fill for an unknown instrument");
  Mark& m = marks_[inst];
  m.has_trade = true;
  m.trade = fill.price.value();
  const Side taker_side = fill.aggressor;
  if (is_managed(fill.maker_account)) {
    book_side(fill.maker_account, fill.maker, fill.maker_leaves, fill, opposite(taker_side),
              fees_config_.maker_ppm);
  }
  if (is_managed(fill.taker_account)) {
    const bool venue_maker = venue_ != nullptr && venue_->maker_fill(fill);
    book_side(fill.taker_account, fill.taker, fill.taker_leaves, fill, taker_side,
              venue_maker ? fees_config_.maker_ppm : fees_config_.taker_ppm);
  }
}

void Portfolio::on(const OrderCancelled& cancelled) {
  if (track_orders_) filled_open_.erase({cancelled.account.value(), cancelled.id.value()});
}

void Portfolio::book_side(AccountId account, OrderId order, Qty leaves, const Fill& fill,
                          Side side, int64_t fee_ppm) {
  if (!status_.is_ok()) return;  // the run stops at the first unbookable fill
  const uint32_t inst = fill.instrument.value();
  const InstrumentConfig& cfg = instruments_[inst];
  FeeRule fee{fee_ppm, static_cast<__int128>(fees_config_.per_lot) * fill.qty.value(), false, 0};
  if (track_orders_) {
    const std::pair<uint32_t, uint64_t> key{account.value(), order.value()};
    const bool first = !filled_open_.contains(key);
    if (first) {
      fee.fixed += fees_config_.per_order;
      fee.has_min = true;
      fee.min = fees_config_.min_per_order;
    }
    if (leaves.value() > 0) {
      filled_open_.insert(key);
    } else {
      filled_open_.erase(key);
    }
  }
  Account& acct = accounts_[account.value()];
  if (acct.holdings.empty()) acct.holdings.resize(instruments_.size());
  Holding& h = acct.holdings[inst];
  int64_t cash = acct.cash;
  Holding next = h;
  if (!apply_fill(cfg, fill.price, fill.qty.value(), side, fee, &cash, &next)) {
    status_ = Status::invalid(
        "portfolio: account " + std::to_string(account.value()) + " instrument " +
        (cfg.symbol.empty() ? std::to_string(inst) : cfg.symbol) + ": a fill of " +
        std::to_string(fill.qty.value()) + " lots at " + std::to_string(fill.price.value()) +
        " ticks takes its money or position out of int64 (notional = price x tick_size x "
        "lot_size x qty in minor units); lower lot_size, tick_size or the order quantities");
    return;
  }
  acct.cash = cash;
  h = next;
  TAPE_CHECK(h.position != 0 || h.cost == 0, "flat position with a residual cost basis");
  queue_.publish(PositionUpdate{account, fill.instrument, h.position, Money(acct.cash),
                                Money(h.realized), Money(h.fees)});
}

// Every intermediate is an int64 notional or a product of two int64s, so __int128 holds it
// exactly; each stored figure is checked against int64 before anything is written back.
bool Portfolio::apply_fill(const InstrumentConfig& cfg, Price price, int64_t qty, Side side,
                           const FeeRule& rule, int64_t* cash_out, Holding* h) {
  const int64_t s = sign(side);
  int64_t fill_notional = 0;
  if (qty <= 0 || !checked_notional(cfg, price, Qty(qty), &fill_notional)) return false;
  // |fixed| <= 2^63 x 2^40 + 2^63: the sum stays far inside __int128.
  __int128 fee =
      round_half_away(static_cast<__int128>(fill_notional) * rule.ppm, 1'000'000) + rule.fixed;
  if (rule.has_min && fee < rule.min) fee = rule.min;
  const __int128 cash = static_cast<__int128>(*cash_out) - s * fill_notional - fee;
  const __int128 fees = h->fees + fee;
  __int128 position = h->position;
  __int128 cost = h->cost;
  __int128 realized = h->realized;
  // Reduce first (if the fill is against the position), then open whatever is left.
  __int128 open_qty = qty;
  if (position != 0 && (position > 0) != (s > 0)) {
    const __int128 held = position > 0 ? position : -position;
    const int64_t closed = static_cast<int64_t>(qty < held ? qty : held);
    int64_t closed_notional = 0;
    if (!checked_notional(cfg, price, Qty(closed), &closed_notional)) return false;
    // |removed| <= |cost|: closed <= held.
    const __int128 removed = closed == held ? cost : round_half_away(cost * closed, held);
    realized += -s * closed_notional - removed;
    cost -= removed;
    position += s * closed;
    open_qty = qty - closed;
  }
  if (open_qty > 0) {
    int64_t open_notional = 0;
    if (!checked_notional(cfg, price, Qty(static_cast<int64_t>(open_qty)), &open_notional)) {
      return false;
    }
    cost += s * open_notional;
    position += s * open_qty;
  }
  if (!fits64(fee) || !fits64(cash) || !fits64(fees) || !fits64(position) || !fits64(cost) ||
      !fits64(realized)) {
    return false;
  }
  *cash_out = static_cast<int64_t>(cash);
  h->fees = static_cast<int64_t>(fees);
  h->position = static_cast<int64_t>(position);
  h->cost = static_cast<int64_t>(cost);
  h->realized = static_cast<int64_t>(realized);
  return true;
}

void Portfolio::on(const TradeIn& trade) {
  const uint32_t inst = trade.instrument.value();
  if (inst >= marks_.size()) return;
  marks_[inst].has_trade = true;
  marks_[inst].trade = trade.price.value();
}

void Portfolio::on(const BarIn& bar) {
  on(TradeIn{bar.instrument, bar.close, bar.volume, Side::kBuy});
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
  __int128 sum = 0;
  for (const Holding& h : accounts_[account.value()].holdings) sum += h.fees;
  return Money(saturate64(sum));
}

Money Portfolio::fees(AccountId account, InstrumentId instrument) const {
  const Holding* h = holding(account, instrument);
  return Money(h ? h->fees : 0);
}

Money Portfolio::realized_pnl(AccountId account) const {
  if (!is_managed(account)) return Money(0);
  __int128 sum = 0;
  for (const Holding& h : accounts_[account.value()].holdings) sum += h.realized;
  return Money(saturate64(sum));
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

__int128 Portfolio::unit_notional(InstrumentId instrument) const {
  int64_t n = 0;
  if (checked_notional(instruments_[instrument.value()], mark(instrument), Qty(1), &n)) return n;
  return kMax64;  // marks are positive: a lot worth more than int64 reads as the most it can
}

Money Portfolio::unrealized_pnl(AccountId account) const {
  if (!is_managed(account)) return Money(0);
  const std::vector<Holding>& holdings = accounts_[account.value()].holdings;
  // Each term is at most 2^127 in magnitude before it is saturated; the sum of a few thousand
  // saturated terms stays far inside __int128.
  __int128 sum = 0;
  for (uint32_t i = 0; i < holdings.size(); ++i) {
    const Holding& h = holdings[i];
    if (h.position == 0 || !has_mark(InstrumentId(i))) continue;
    sum += saturate64(h.position * unit_notional(InstrumentId(i)) - h.cost);
  }
  return Money(saturate64(sum));
}

Money Portfolio::total_pnl() const {
  __int128 sum = 0;
  for (uint32_t a = 0; a < accounts_.size(); ++a) {
    if (accounts_[a].holdings.empty()) continue;
    const AccountId id(a);
    sum += static_cast<__int128>(realized_pnl(id).value()) + unrealized_pnl(id).value() -
           fees(id).value();
  }
  return Money(saturate64(sum));
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
  if (!track_orders_) return;
  h.tag("order_fees");
  h.u64(filled_open_.size());
  for (const auto& [account, order] : filled_open_) {
    h.u32(account);
    h.u64(order);
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
  if (!track_orders_) return r.status();
  r.expect_tag("order_fees");
  const uint64_t orders = r.u64();
  filled_open_.clear();
  std::pair<uint32_t, uint64_t> last{0, 0};
  for (uint64_t k = 0; k < orders && r.ok(); ++k) {
    const std::pair<uint32_t, uint64_t> key{r.u32(), r.u64()};
    if (key.first >= kExternalAccountBase || (k > 0 && key <= last)) {
      r.fail("order fee entry out of range or order");
      break;
    }
    filled_open_.insert(filled_open_.end(), key);
    last = key;
  }
  return r.status();
}

}  // namespace tape
