// Engine::restore_state: rebuilds every book from the canonical state hash_state writes (see
// engine.h and OrderBook::hash_state), re-resting each order in priority order. Pool slots and
// ladder layout are not part of the state, so they may differ from the original; behaviour
// does not depend on them.
#include "core/engine.h"
#include "core/state_reader.h"

namespace tape {
Status Engine::restore_state(StateReader& r) {
  TAPE_CHECK(pool_.used() == 0, "restore_state needs a fresh engine");
  r.expect_tag("engine");
  if (r.u32() != books_.size() && r.ok()) r.fail("instrument count differs from the config");
  for (OrderBook& book : books_) {
    if (!r.ok()) break;
    if (r.v<InstrumentId>() != book.id() && r.ok()) r.fail("books out of order");
    const uint8_t halted = r.u8();
    if (halted > 1) r.fail("halted flag out of range");
    book.set_halted(halted == 1);
    for (Side side : {Side::kBuy, Side::kSell}) {
      if (r.u8() != static_cast<uint8_t>(side) && r.ok()) r.fail("book side out of order");
      const uint32_t levels = r.u32();
      for (uint32_t l = 0; l < levels && r.ok(); ++l) restore_level(r, book, side);
    }
  }
  const uint64_t used = r.u64();
  const uint32_t capacity = r.u32();
  if (r.ok()) restore_order_types(r);
  if (r.ok() && (used != pool_.used() || capacity != pool_.capacity())) {
    r.fail("resting order count or pool capacity differs");
  }
  RETURN_IF_ERROR(r.status());
  const std::string broken = check_invariants();
  if (!broken.empty()) return Status::mismatch("snapshot state: engine: " + broken);
  return Status::ok();
}

void Engine::restore_level(StateReader& r, OrderBook& book, Side side) {
  const Price price(r.i64());
  const uint32_t count = r.u32();
  // The domain entry enforces (core/bounds.h): a snapshot holds nothing a live book could not.
  if (!is_valid_price(price) || count == 0) {
    return r.fail("bad price level " + std::to_string(price.value()));
  }
  // Bids are restored first; an ask at or below the best bid would rest a crossed book, which
  // the book refuses by stopping the process. A snapshot saying so is corrupt, not fatal.
  if (side == Side::kSell && book.has_best(Side::kBuy) && price <= book.best_price(Side::kBuy)) {
    const int64_t bid = book.best_price(Side::kBuy).value();
    return r.fail("crossed book: ask level " + std::to_string(price.value()) +
                  " at or below the best bid " + std::to_string(bid));
  }
  for (uint32_t k = 0; k < count && r.ok(); ++k) {
    const OrderId id = r.v<OrderId>();
    const AccountId account = r.v<AccountId>();
    const Price order_price(r.i64());
    const Qty leaves(r.i64());
    if (!r.ok()) return;
    // Leaves within what entry admits (qty_above_instrument_max), so the level totals stay inside
    // the bound the loader checked (max_order_qty x pool capacity fits int64).
    if (order_price != price || leaves.value() <= 0 || leaves > max_order_qty_[book.id().value()] ||
        ids_.contains(id.value())) {
      return r.fail("bad resting order " + std::to_string(id.value()));
    }
    if (pool_.full() || !book.can_hold(price)) return r.fail("book cannot hold the snapshot");
    const uint32_t i = pool_.alloc();
    OrderNode& node = pool_[i];
    node.id = id;
    node.account = account;
    node.instrument = book.id();
    node.side = side;
    node.price = price;
    node.leaves = leaves;
    rest(book, i);
  }
}

}  // namespace tape
