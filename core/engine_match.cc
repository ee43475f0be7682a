// Engine matching, kill switch and state checks.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "core/engine.h"

namespace tape {

uint32_t Engine::match_slow(OrderBook& book, Taker& t, uint32_t fills_max) {
  const Side maker_side = opposite(t.side);
  const Qty wanted = t.leaves;
  uint32_t fills = 0;
  while (t.leaves.value() > 0 && fills < fills_max && book.has_best(maker_side)) {
    const Price price = book.best_price(maker_side);
    if (t.has_limit && (t.side == Side::kBuy ? price > t.limit : price < t.limit)) break;
    const uint32_t m = book.best_front(maker_side);
    const OrderNode& maker = pool_[m];
    const Qty qty = std::min(t.leaves, maker.leaves);
    t.leaves -= qty;
    book.fill_front(maker_side, qty);
    queue_.publish(Fill{book.id(), maker.id, maker.account, t.id, t.account, price, qty, t.side,
                        maker.leaves, t.leaves});
    ++fills;
    if (maker.leaves.value() == 0) release(m);
    if (counters_.stops != 0) note_trade(book.id(), price);
  }
  counters_.fills += fills;
  // Once per order, saturating: a run-long total of input-sized quantities may pass int64.
  const int64_t traded = (wanted - t.leaves).value();
  if (__builtin_add_overflow(counters_.filled_qty, traded, &counters_.filled_qty)) {
    counters_.filled_qty = INT64_MAX;
  }
  return fills;
}

bool Engine::fok_fillable(const OrderBook& book, const Taker& t, uint32_t fills_max) const {
  const Price* limit = t.has_limit ? &t.limit : nullptr;
  return book.fillable(opposite(t.side), limit, t.leaves, fills_max) == t.leaves;
}

void Engine::handle_kill_switch() {
  std::vector<InstrumentId> changed;
  for (OrderBook& book : books_) {
    const uint32_t before = book.resting_orders();
    for (Side side : {Side::kBuy, Side::kSell}) {
      book.for_each_order(side, [&](uint32_t i) {
        const OrderNode& node = pool_[i];
        if (!is_managed(node.account)) return;
        book.unlink(i);
        cancelled(node.id, node.account, node.instrument, node.leaves, CancelReason::kKillSwitch);
        release(i);
      });
    }
    if (book.resting_orders() != before) changed.push_back(book.id());
    std::vector<Stop>& list = stops_[book.id().value()];
    for (size_t k = 0; k < list.size();) {
      const OrderNode& node = pool_[list[k].node];
      if (!is_managed(node.account)) {
        ++k;
        continue;
      }
      const uint32_t i = list[k].node;
      remove_stop(book.id(), static_cast<ptrdiff_t>(k));
      cancelled(node.id, node.account, node.instrument, node.leaves, CancelReason::kKillSwitch);
      drop(i);
    }
  }
  for (InstrumentId id : changed) book_changed(id);
}

void Engine::hash_state(StateHasher& h) const {
  h.tag("engine");
  h.u32(static_cast<uint32_t>(books_.size()));
  for (const OrderBook& book : books_) {
    h.v(book.id());
    book.hash_state(h);
  }
  h.u64(pool_.used());
  h.u32(pool_.capacity());
  hash_order_types(h);
}

std::string Engine::check_invariants() const {
  uint64_t orders = 0;
  for (const OrderBook& book : books_) {
    std::string err = book.check_invariants(ids_, &orders);
    if (!err.empty()) return err;
  }
  if (orders + counters_.stops != pool_.used()) {
    return "pool in use differs from the orders resting in books and waiting as stops";
  }
  if (ids_.size() != pool_.used()) return "id map size differs from the resting orders";
  if (counters_.resting != orders) return "resting counter differs from the books";
  return check_order_types();
}

}  // namespace tape
