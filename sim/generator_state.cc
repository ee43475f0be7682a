// Generator snapshots. Layout (StateHasher fields, in this order):
//   tag "generator"
//   shape: u64 instruments, u64 phase flows, u64 controls, i64 end_ns, i64 heartbeat_ns
//   u64 next_order_id, u64 ticks, u64 next_control
//   i64 due_ns per stream (controls, heartbeat, background per instrument, phase flows)
//   per instrument: f64 walk, i64 last_ns, i64 mid, rng, u8 has_spare, f64 spare (0 when
//     has_spare = 0: a used spare is never read again), arrival rng, f64 arrival_ns,
//     u64 crashes + (i64 at, i64 fall, i64 recover, f64 drop) each [shape],
//     u64 live + (u64 id, u64 account, u8 side) each, in vector order
//   per phase flow: i64 at_ns, i64 duration_ns, u64 count, i64 instrument [shape],
//     u64 emitted, rng
//   i64 last_ns (latest timestamp emitted)
//   per phase flow: u8 bad_data [shape]
//   per instrument: u64 stale windows + (i64 at, i64 end, f64 jump) each [shape]
// (The last three came with the stale and bad_data phases; they trail the older fields so that
// those keep their offsets.)
// where rng = the four u64 words of Rng::state(). The live vector is written in its own order,
// not sorted: the next cancel draws an index into it, so its order is behaviour, and it is a
// function of the event history alone. Shape fields are scenario-derived; restore checks them
// against the scenario the generator was built from, so a state cannot load into another one.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "sim/generator.h"

namespace tape {

struct Generator::Staged {
  std::vector<InstrumentState> instruments;
  std::vector<Rng> arrival_rngs;
  std::vector<double> arrival_ns;
  std::vector<TickFlow> flows;
  std::vector<int64_t> due_ns;
  uint64_t next_control = 0;
  uint64_t next_order_id = 0;
  uint64_t ticks = 0;
  int64_t last_ns = 0;
};

namespace {

void save_rng(StateHasher& h, const Rng& rng) {
  for (uint64_t word : rng.state()) h.u64(word);
}

// xoshiro256** never reaches the all-zero state, so reading one back means corruption.
void restore_rng(StateReader& r, Rng& rng) {
  Rng::State s;
  for (uint64_t& word : s) word = r.u64();
  if ((s[0] | s[1] | s[2] | s[3]) == 0) r.fail("generator: all-zero rng state");
  rng.set_state(s);
}

// Reads a shape field and fails the reader unless it equals the scenario's value.
void expect_u64(StateReader& r, uint64_t want, const char* what) {
  if (r.u64() != want) r.fail(std::string("generator: ") + what + " differs from the scenario's");
}

void expect_i64(StateReader& r, int64_t want, const char* what) {
  expect_u64(r, static_cast<uint64_t>(want), what);
}

bool finite_at_least(double v, double lo) { return std::isfinite(v) && v >= lo; }

}  // namespace

void Generator::save_state(StateHasher& h) const {
  h.tag("generator");
  h.u64(instruments_.size());
  h.u64(flows_.size());
  h.u64(controls_.size());
  h.i64(end_ns_);
  h.i64(heartbeat_ns_);
  h.u64(next_order_id_);
  h.u64(ticks_);
  h.u64(next_control_);
  for (int64_t due : queue_.due()) h.i64(due);
  for (size_t i = 0; i < instruments_.size(); ++i) save_instrument(h, i);
  for (size_t f = 0; f < flows_.size(); ++f) save_flow(h, f);
  h.i64(last_ns_);
  save_shape_tail(h);
}

void Generator::save_shape_tail(StateHasher& h) const {
  for (const TickFlow& flow : flows_) h.u8(flow.bad ? 1 : 0);
  for (const InstrumentState& st : instruments_) {
    h.u64(st.gaps.size());
    for (const GapWindow& g : st.gaps) {
      h.i64(g.at_ns);
      h.i64(g.end_ns);
      h.f64(g.jump);
    }
  }
}

void Generator::check_shape_tail(StateReader& r) const {
  for (const TickFlow& flow : flows_) {
    if (r.u8() != (flow.bad ? 1 : 0)) {
      r.fail("generator: phase flow kind differs from the scenario's");
    }
  }
  for (const InstrumentState& st : instruments_) {
    expect_u64(r, st.gaps.size(), "stale window count");
    for (const GapWindow& g : st.gaps) {
      expect_i64(r, g.at_ns, "stale window start");
      expect_i64(r, g.end_ns, "stale window end");
      if (r.f64() != g.jump) r.fail("generator: stale jump differs from the scenario's");
    }
  }
}

Status Generator::restore_state(StateReader& r) {
  r.expect_tag("generator");
  expect_u64(r, instruments_.size(), "instrument count");
  expect_u64(r, flows_.size(), "phase flow count");
  expect_u64(r, controls_.size(), "control count");
  expect_i64(r, end_ns_, "duration");
  expect_i64(r, heartbeat_ns_, "heartbeat interval");
  if (!r.ok()) return r.status();
  // Everything is read into a copy and committed only once it all checks out, so a failed
  // restore leaves the generator as it was.
  Staged s{instruments_, arrival_rngs_, arrival_ns_, flows_, queue_.due(), 0, 0, 0, 0};
  s.next_order_id = r.u64();
  s.ticks = r.u64();
  s.next_control = r.u64();
  if (s.next_order_id == 0) r.fail("generator: next order id 0");
  for (int64_t& due : s.due_ns) due = r.i64();
  for (size_t i = 0; i < instruments_.size() && r.ok(); ++i) restore_instrument(r, i, s);
  for (size_t f = 0; f < flows_.size() && r.ok(); ++f) restore_flow(r, f, s);
  s.last_ns = r.i64();
  if (s.last_ns < 0 || s.last_ns > end_ns_) r.fail("generator: latest timestamp out of range");
  check_shape_tail(r);
  check_schedule(r, s);
  check_live_ids(r, s);
  if (!r.ok()) return r.status();

  for (InstrumentState& st : s.instruments) st.live.reserve(market_.live_orders_max);
  instruments_ = std::move(s.instruments);
  arrival_rngs_ = std::move(s.arrival_rngs);
  arrival_ns_ = std::move(s.arrival_ns);
  flows_ = std::move(s.flows);
  queue_.reset(std::move(s.due_ns));
  next_control_ = static_cast<size_t>(s.next_control);
  next_order_id_ = s.next_order_id;
  ticks_ = s.ticks;
  last_ns_ = s.last_ns;
  return Status::ok();
}

void Generator::save_instrument(StateHasher& h, size_t i) const {
  const InstrumentState& st = instruments_[i];
  h.f64(st.walk);
  h.i64(st.last_ns);
  h.i64(st.mid);
  save_rng(h, st.rng);
  h.u8(st.has_spare ? 1 : 0);
  h.f64(st.has_spare ? st.spare_normal : 0.0);
  save_rng(h, arrival_rngs_[i]);
  h.f64(arrival_ns_[i]);
  h.u64(st.crashes.size());
  for (const CrashWindow& c : st.crashes) {
    h.i64(c.at_ns);
    h.i64(c.fall_ns);
    h.i64(c.recover_ns);
    h.f64(c.drop);
  }
  h.u64(st.live.size());
  for (const LiveOrder& o : st.live) {
    h.v(o.id);
    h.v(o.account);
    h.u8(static_cast<uint8_t>(o.side));
  }
}

void Generator::restore_instrument(StateReader& r, size_t i, Staged& s) const {
  InstrumentState& st = s.instruments[i];
  st.walk = r.f64();
  st.last_ns = r.i64();
  st.mid = r.i64();
  restore_rng(r, st.rng);
  const uint8_t has_spare = r.u8();
  st.spare_normal = r.f64();
  st.has_spare = has_spare == 1;
  restore_rng(r, s.arrival_rngs[i]);
  s.arrival_ns[i] = r.f64();
  // The walk never goes below the floor and the mid never below it either (generator.cc).
  if (!finite_at_least(st.walk, static_cast<double>(mid_floor_)) || st.mid < mid_floor_ ||
      st.last_ns < 0 || st.last_ns > end_ns_ || has_spare > 1 ||
      !std::isfinite(st.spare_normal) || (!st.has_spare && st.spare_normal != 0.0) ||
      !finite_at_least(s.arrival_ns[i], 0.0)) {
    r.fail("generator: instrument " + std::to_string(i) + " mid or clock out of range");
  }
  expect_u64(r, st.crashes.size(), "flash crash count");
  for (const CrashWindow& c : st.crashes) {
    expect_i64(r, c.at_ns, "flash crash start");
    expect_i64(r, c.fall_ns, "flash crash fall");
    expect_i64(r, c.recover_ns, "flash crash recovery");
    if (r.f64() != c.drop) r.fail("generator: flash crash drop differs from the scenario's");
  }
  const uint64_t n = r.u64();
  if (n > market_.live_orders_max) r.fail("generator: live order count over live_orders_max");
  st.live.clear();
  for (uint64_t k = 0; k < n && r.ok(); ++k) {
    const OrderId id = r.v<OrderId>();
    const AccountId account = r.v<AccountId>();
    const uint8_t side = r.u8();
    if (id.value() == 0 || id.value() >= s.next_order_id ||
        account.value() < kExternalAccountBase ||
        account.value() - kExternalAccountBase >= market_.participants || side > 1) {
      r.fail("generator: live order " + std::to_string(id.value()) + " out of range");
    }
    st.live.push_back({id, account, static_cast<Side>(side)});
  }
}

void Generator::save_flow(StateHasher& h, size_t f) const {
  const TickFlow& flow = flows_[f];
  h.i64(flow.at_ns);
  h.i64(flow.duration_ns);
  h.u64(flow.count);
  h.i64(flow.instrument);
  h.u64(flow.emitted);
  save_rng(h, flow.rng);
}

void Generator::restore_flow(StateReader& r, size_t f, Staged& s) const {
  TickFlow& flow = s.flows[f];
  expect_i64(r, flow.at_ns, "phase start");
  expect_i64(r, flow.duration_ns, "phase duration");
  expect_u64(r, flow.count, "phase tick count");
  expect_i64(r, flow.instrument, "phase instrument");
  flow.emitted = r.u64();
  restore_rng(r, flow.rng);
  if (flow.emitted > flow.count) r.fail("generator: phase emitted more ticks than its count");
}

// Each stream's due time must be the one next() would have scheduled from the rest of the
// state: next() trusts it (a control due with no control left would index past the end).
void Generator::check_schedule(StateReader& r, const Staged& s) const {
  if (!r.ok()) return;
  const auto bad = [&r](const std::string& what) { r.fail("generator: " + what + " schedule"); };
  if (s.next_control > controls_.size()) return bad("control");
  const int64_t control_due =
      s.next_control < controls_.size() ? controls_[s.next_control].ts_ns : kNever;
  if (s.due_ns[kControlStream] != control_due) return bad("control");
  const int64_t beat = s.due_ns[kHeartbeatStream];
  if (beat != kNever &&
      (heartbeat_ns_ <= 0 || beat < heartbeat_ns_ || beat > end_ns_ || beat % heartbeat_ns_ != 0)) {
    return bad("heartbeat");
  }
  const size_t n = instruments_.size();
  for (size_t i = 0; i < n; ++i) {
    const double at = s.arrival_ns[i];
    const int64_t want = !(market_.rate_per_s > 0)          ? kNever
                         : at > static_cast<double>(end_ns_) ? kNever
                                                             : static_cast<int64_t>(at);
    if (s.due_ns[kFirstFlowStream + i] != want) return bad("background arrival");
  }
  for (size_t f = 0; f < s.flows.size(); ++f) {
    const TickFlow& flow = s.flows[f];
    const int64_t due = s.due_ns[kFirstFlowStream + n + f];
    const bool in_window =
        due >= flow.at_ns && due - flow.at_ns < flow.duration_ns && due <= end_ns_;
    if (flow.emitted == flow.count ? due != kNever : due != kNever && !in_window) {
      return bad("phase");
    }
  }
}

// An id is live in at most one instrument's set, once: a duplicate would be cancelled twice.
void Generator::check_live_ids(StateReader& r, const Staged& s) const {
  if (!r.ok()) return;
  std::vector<uint64_t> ids;
  for (const InstrumentState& st : s.instruments) {
    for (const LiveOrder& o : st.live) ids.push_back(o.id.value());
  }
  std::sort(ids.begin(), ids.end());
  if (std::adjacent_find(ids.begin(), ids.end()) != ids.end()) {
    r.fail("generator: duplicate live order id");
  }
}

}  // namespace tape
