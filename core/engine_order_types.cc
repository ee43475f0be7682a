// Engine stop orders and expiry: the stop lists, triggering and the chain of triggered stops,
// day/GTD expiry and the optional "order_types" state section (rules in core/engine.h).
#include <algorithm>
#include <string>
#include <vector>

#include "core/engine.h"

namespace tape {
namespace {

bool triggers(Side side, Price stop_price, Price trade) {
  return side == Side::kBuy ? trade >= stop_price : trade <= stop_price;
}

}  // namespace

void Engine::note_trade(InstrumentId instrument, Price price) {
  std::vector<Stop>& list = stops_[instrument.value()];
  if (list.empty()) return;
  // Stable: the stops that stay keep their creation order, the triggered ones join the FIFO in it.
  auto kept = list.begin();
  for (auto it = list.begin(); it != list.end(); ++it) {
    if (triggers(pool_[it->node].side, it->stop_price, price)) {
      triggered_.push_back(*it);
      --counters_.stops;
    } else {
      *kept++ = *it;
    }
  }
  list.erase(kept, list.end());
}

bool Engine::enter_triggered(OrderBook& book, uint32_t fills_left) {
  bool changed = false;
  // Indexing, not iterators: the fills of an entering stop append the stops they trigger.
  for (size_t k = 0; k < triggered_.size(); ++k) {
    const Stop s = triggered_[k];
    OrderNode& node = pool_[s.node];
    ++counters_.triggered;
    const bool market = s.type == OrderType::kStop;
    Taker t{node.id, node.account, node.side, !market, node.price, node.leaves};
    if (s.tif == TimeInForce::kFok && !fok_fillable(book, t, fills_left)) {
      cancelled(node.id, node.account, node.instrument, node.leaves, CancelReason::kFokUnfilled);
      drop(s.node);
      continue;
    }
    const uint32_t fills = match(book, t, fills_left);
    fills_left -= fills;
    changed = changed || fills > 0;
    if (t.leaves.value() == 0) {
      drop(s.node);
      continue;
    }
    const bool rests = !market && (s.tif == TimeInForce::kGtc || s.tif == TimeInForce::kDay ||
                                   s.tif == TimeInForce::kGtd);
    CancelReason reason = fills > 0 ? CancelReason::kIocRemainder : CancelReason::kNoLiquidity;
    // Matching stops with quantity left while the order still crosses only when the budget ran
    // out: that remainder can neither trade nor rest.
    if (crosses(book, t)) {
      reason = CancelReason::kFillLimit;
    } else if (rests && book.can_hold(node.price)) {
      node.leaves = t.leaves;
      book.rest(s.node);  // the id stays indexed: the order never stopped being live
      ++counters_.resting;
      changed = true;
      continue;
    }
    cancelled(node.id, node.account, node.instrument, t.leaves, reason);
    drop(s.node);
  }
  triggered_.clear();
  return changed;
}

ptrdiff_t Engine::stop_index(uint32_t i) const {
  if (counters_.stops == 0) return -1;
  const std::vector<Stop>& list = stops_[pool_[i].instrument.value()];
  for (size_t k = 0; k < list.size(); ++k) {
    if (list[k].node == i) return static_cast<ptrdiff_t>(k);
  }
  return -1;
}

void Engine::remove_stop(InstrumentId instrument, ptrdiff_t k) {
  std::vector<Stop>& list = stops_[instrument.value()];
  list.erase(list.begin() + k);
  --counters_.stops;
}

void Engine::set_expiry(OrderId id, Timestamp expiry) {
  expiries_.emplace(expiry.value(), id.value());
  expiry_of_.emplace(id.value(), expiry.value());
}

void Engine::clear_expiry(OrderId id) {
  auto it = expiry_of_.find(id.value());
  if (it == expiry_of_.end()) return;
  expiries_.erase({it->second, id.value()});
  expiry_of_.erase(it);
}

void Engine::advance_time(Timestamp now) {
  now_ = now;
  if (expiries_.empty() || expiries_.begin()->first > now.value()) return;
  std::vector<bool> changed(books_.size(), false);
  while (!expiries_.empty() && expiries_.begin()->first <= now.value()) {
    const uint32_t i = ids_.find(expiries_.begin()->second);
    TAPE_CHECK(i != kNilIndex, "an expiry names an order that is not resting");
    const OrderNode& node = pool_[i];
    const ptrdiff_t k = stop_index(i);
    if (k >= 0) {
      remove_stop(node.instrument, k);
    } else {
      books_[node.instrument.value()].unlink(i);
      changed[node.instrument.value()] = true;
    }
    cancelled(node.id, node.account, node.instrument, node.leaves, CancelReason::kExpired);
    ++counters_.expired;
    if (k >= 0) {
      drop(i);  // erases the expiry
    } else {
      release(i);
    }
  }
  for (size_t b = 0; b < books_.size(); ++b) {
    if (changed[b]) book_changed(InstrumentId(static_cast<uint32_t>(b)));
  }
}

void Engine::hash_order_types(StateHasher& h) const {
  if (counters_.stops == 0 && expiries_.empty()) return;
  h.tag("order_types");
  for (const std::vector<Stop>& list : stops_) {
    h.u32(static_cast<uint32_t>(list.size()));
    for (const Stop& s : list) {
      const OrderNode& node = pool_[s.node];
      h.v(node.id);
      h.v(node.account);
      h.u8(static_cast<uint8_t>(node.side));
      h.u8(static_cast<uint8_t>(s.type));
      h.u8(static_cast<uint8_t>(s.tif));
      h.v(node.price);
      h.v(s.stop_price);
      h.v(node.leaves);
    }
  }
  h.u64(expiries_.size());
  for (const auto& [expiry, id] : expiries_) {
    h.i64(expiry);
    h.u64(id);
  }
}

void Engine::restore_order_types(StateReader& r) {
  // The section is there only when it holds something (hash_order_types).
  StateReader probe = r;
  probe.expect_tag("order_types");
  if (!probe.ok()) return;
  r = probe;
  for (size_t b = 0; b < stops_.size() && r.ok(); ++b) {
    const uint32_t count = r.u32();
    for (uint32_t k = 0; k < count && r.ok(); ++k) {
      const OrderId id = r.v<OrderId>();
      const AccountId account = r.v<AccountId>();
      const uint8_t side = r.u8();
      const uint8_t type = r.u8();
      const uint8_t tif = r.u8();
      const Price price(r.i64());
      const Price stop_price(r.i64());
      const Qty leaves(r.i64());
      if (!r.ok()) return;
      const bool stop_limit = type == static_cast<uint8_t>(OrderType::kStopLimit);
      // What validate_new admits, and no more.
      if (side > 1 || (type != static_cast<uint8_t>(OrderType::kStop) && !stop_limit) ||
          tif > static_cast<uint8_t>(TimeInForce::kGtd) || !is_valid_price(stop_price) ||
          (stop_limit && !is_valid_price(price)) || leaves.value() <= 0 ||
          leaves > max_order_qty_[b] || ids_.contains(id.value())) {
        return r.fail("bad waiting stop " + std::to_string(id.value()));
      }
      if (pool_.full()) return r.fail("pool cannot hold the snapshot's stops");
      const uint32_t i = pool_.alloc();
      OrderNode& node = pool_[i];
      node.id = id;
      node.account = account;
      node.instrument = InstrumentId(static_cast<uint32_t>(b));
      node.side = static_cast<Side>(side);
      node.price = price;
      node.leaves = leaves;
      ids_.insert(id.value(), i);
      stops_[b].push_back(
          Stop{i, stop_price, static_cast<OrderType>(type), static_cast<TimeInForce>(tif)});
      ++counters_.stops;
    }
  }
  const uint64_t n = r.u64();
  for (uint64_t k = 0; k < n && r.ok(); ++k) {
    const int64_t expiry = r.i64();
    const uint64_t id = r.u64();
    if (!r.ok()) return;
    const bool ordered = expiries_.empty() || *expiries_.rbegin() < std::make_pair(expiry, id);
    if (!ordered || !ids_.contains(id) || expiry_of_.contains(id)) {
      return r.fail("bad expiry of order " + std::to_string(id));
    }
    set_expiry(OrderId(id), Timestamp(expiry));
  }
  if (r.ok() && counters_.stops == 0 && expiries_.empty()) r.fail("empty order_types section");
}

std::string Engine::check_order_types() const {
  uint64_t stops = 0;
  for (size_t b = 0; b < stops_.size(); ++b) {
    for (const Stop& s : stops_[b]) {
      const OrderNode& node = pool_[s.node];
      if (node.instrument.value() != b || ids_.find(node.id.value()) != s.node) {
        return "stop " + std::to_string(node.id.value()) + " is not indexed in its instrument";
      }
      if (node.leaves.value() <= 0) return "stop with non-positive qty";
      ++stops;
    }
  }
  if (stops != counters_.stops) return "stop counter differs from the stop lists";
  if (!triggered_.empty()) return "triggered stops left between inputs";
  if (expiries_.size() != expiry_of_.size()) return "expiry indexes differ in size";
  for (const auto& [id, expiry] : expiry_of_) {
    if (!ids_.contains(id) || !expiries_.contains({expiry, id})) {
      return "expiry of order " + std::to_string(id) + " names no live order";
    }
  }
  return {};
}

}  // namespace tape
