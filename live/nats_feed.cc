#include "live/nats_feed.h"

#include <algorithm>
#include <vector>

#include "live/live_metrics.h"

namespace tape {
namespace {

using SteadyClock = std::chrono::steady_clock;

// The longest a fetch waits for messages (an idle session asks the server this often). A clean
// stop does not wait for it: stop() unsubscribes, which ends the fetch in flight. (50 ms here
// corrupted libnats 3.4.1's heap under load: its fetch-timeout handling, fixed upstream later.)
constexpr int64_t kFetchWaitMs = 200;

// How often the client thread probes each configured subject's lag (NatsFeed::probe_lag).
constexpr auto kLagProbeInterval = std::chrono::seconds(1);


// Capped exponential backoff with up to 50% jitter from the wall clock (it never reaches the
// core, DESIGN §9).
int64_t backoff_ms(const LiveSettings& s, int attempt) {
  const int shift = std::min(attempt, 20);
  const int64_t base = std::min(s.backoff_max_ms, s.backoff_min_ms << shift);
  const auto now = static_cast<uint64_t>(SteadyClock::now().time_since_epoch().count());
  const uint64_t mixed = (now ^ (now >> 17)) * 0x9E3779B97F4A7C15ull;
  const int64_t jitter = base / 2 == 0 ? 0 : static_cast<int64_t>(mixed % (base / 2 + 1));
  return std::max<int64_t>(1, base - base / 4 + jitter - base / 4);
}

int64_t reconnect_delay(natsConnection*, int attempts, void* closure) {
  return backoff_ms(*static_cast<const LiveSettings*>(closure), attempts);
}

void on_disconnected(natsConnection*, void* closure) {
  auto* m = static_cast<LiveMetrics*>(closure);
  m->connected.store(false);
  m->disconnects.fetch_add(1);
}

void on_reconnected(natsConnection*, void* closure) {
  auto* m = static_cast<LiveMetrics*>(closure);
  m->connected.store(true);
  m->reconnects.fetch_add(1);
}

}  // namespace

std::string nats_error(natsStatus s) {
  std::string out = std::string("nats: ") + natsStatus_GetText(s);
  natsStatus last = NATS_OK;
  const char* text = nats_GetLastError(&last);
  if (text != nullptr && *text != '\0') out += std::string(": ") + text;
  return out;
}

NatsFeed::NatsFeed(const LiveSettings& settings, LiveMetrics& metrics)
    : settings_(settings), metrics_(metrics), labels_(settings.nats.subjects) {}

void NatsFeed::on_closed(natsConnection*, void* closure) {
  auto* f = static_cast<NatsFeed*>(closure);
  std::lock_guard lock(f->closed_mu_);
  f->closed_ = true;
  f->closed_cv_.notify_all();
}

Result<std::unique_ptr<NatsFeed>> NatsFeed::connect(const LiveSettings& settings,
                                                    LiveMetrics& metrics) {
  std::unique_ptr<NatsFeed> f(new NatsFeed(settings, metrics));
  natsStatus s = natsOptions_Create(&f->opts_);
  if (s == NATS_OK) s = natsOptions_SetURL(f->opts_, settings.nats.url.c_str());
  if (s == NATS_OK) s = natsOptions_SetMaxReconnect(f->opts_, -1);
  if (s == NATS_OK) {
    s = natsOptions_SetCustomReconnectDelay(f->opts_, reconnect_delay, &f->settings_);
  }
  if (s == NATS_OK) s = natsOptions_SetDisconnectedCB(f->opts_, on_disconnected, &metrics);
  if (s == NATS_OK) s = natsOptions_SetReconnectedCB(f->opts_, on_reconnected, &metrics);
  if (s == NATS_OK) s = natsOptions_SetClosedCB(f->opts_, on_closed, f.get());
  if (s == NATS_OK) s = natsOptions_SetReconnectBufSize(f->opts_, 64 << 20);
  if (s == NATS_OK) s = natsConnection_Connect(&f->nc_, f->opts_);
  if (s != NATS_OK) {
    return Status::io("cannot connect to the NATS server at " + settings.nats.url + " (" +
                      nats_error(s) + ")");
  }
  metrics.connected.store(true);
  s = natsConnection_JetStream(&f->js_, f->nc_, nullptr);
  if (s != NATS_OK) return Status::io("JetStream at " + settings.nats.url + ": " + nats_error(s));
  return f;
}

NatsFeed::~NatsFeed() {
  stop();
  if (sub_ != nullptr) natsSubscription_Destroy(sub_);
  if (js_ != nullptr) jsCtx_Destroy(js_);
  if (nc_ != nullptr) {
    natsConnection_FlushTimeout(nc_, 1000);
    natsConnection_Close(nc_);
    // The disconnected callback (it writes metrics_) comes before the closed one.
    std::unique_lock lock(closed_mu_);
    closed_cv_.wait_for(lock, std::chrono::seconds(10), [this] { return closed_; });
    lock.unlock();
    natsConnection_Destroy(nc_);
  }
  if (opts_ != nullptr) natsOptions_Destroy(opts_);
}

Status NatsFeed::ensure_stream() {
  jsStreamInfo* si = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  natsStatus s = js_GetStreamInfo(&si, js_, settings_.nats.stream.c_str(), nullptr, &jerr);
  if (s == NATS_OK) {
    jsStreamInfo_Destroy(si);
    return Status::ok();
  }
  if (s != NATS_NOT_FOUND) {
    return Status::io("stream " + settings_.nats.stream + ": " + nats_error(s));
  }
  jsStreamConfig cfg;
  jsStreamConfig_Init(&cfg);
  cfg.Name = settings_.nats.stream.c_str();
  std::vector<const char*> subjects;
  for (const std::string& subject : settings_.nats.subjects) subjects.push_back(subject.c_str());
  cfg.Subjects = subjects.data();
  cfg.SubjectsLen = static_cast<int>(subjects.size());
  cfg.Storage = js_FileStorage;
  s = js_AddStream(&si, js_, &cfg, nullptr, &jerr);
  if (s != NATS_OK) {
    return Status::io("cannot create stream " + settings_.nats.stream + ": " + nats_error(s));
  }
  jsStreamInfo_Destroy(si);
  return Status::ok();
}

bool NatsFeed::place_consumer(uint64_t next_stream_seq) {
  {
    std::lock_guard lock(sub_mu_);
    if (sub_ != nullptr) {
      natsSubscription_Destroy(sub_);
      sub_ = nullptr;
    }
  }
  const char* stream = settings_.nats.stream.c_str();
  const char* durable = settings_.nats.durable.c_str();
  jsErrCode jerr = static_cast<jsErrCode>(0);
  natsStatus s = js_DeleteConsumer(js_, stream, durable, nullptr, &jerr);
  if (s != NATS_OK && s != NATS_NOT_FOUND) return false;
  jsConsumerConfig cc;
  jsConsumerConfig_Init(&cc);
  cc.Durable = durable;
  cc.DeliverPolicy = js_DeliverByStartSequence;
  cc.OptStartSeq = next_stream_seq;
  cc.AckPolicy = js_AckAll;
  cc.MaxAckPending = settings_.nats.max_ack_pending;
  cc.AckWait = int64_t{30} * 1'000'000'000;
  jsConsumerInfo* ci = nullptr;
  s = js_AddConsumer(&ci, js_, stream, &cc, nullptr, &jerr);
  if (s != NATS_OK) return false;
  jsConsumerInfo_Destroy(ci);
  jsSubOptions so;
  jsSubOptions_Init(&so);
  so.Stream = stream;
  so.Consumer = durable;
  natsSubscription* sub = nullptr;
  s = js_PullSubscribe(&sub, js_, settings_.nats.subjects.front().c_str(), durable, nullptr, &so,
                       &jerr);
  if (s != NATS_OK) return false;
  std::lock_guard lock(sub_mu_);
  sub_ = sub;
  if (stop_.load()) natsSubscription_Unsubscribe(sub_);  // stop() came in between
  return true;
}

bool NatsFeed::probe_lag(uint64_t next_stream_seq) {
  if (natsConnection_Status(nc_) != NATS_CONN_STATUS_CONNECTED) return false;
  jsOptions jo;
  jsOptions_Init(&jo);
  jo.Wait = 1000;  // the client thread waits at most this per request, never libnats' 5 s
  const char* stream = settings_.nats.stream.c_str();
  std::vector<uint64_t> pending;
  for (const std::string& subject : settings_.nats.subjects) {
    jsConsumerConfig cc;
    jsConsumerConfig_Init(&cc);
    cc.DeliverPolicy = js_DeliverByStartSequence;
    cc.OptStartSeq = std::max<uint64_t>(1, next_stream_seq);
    cc.FilterSubject = subject.c_str();
    cc.AckPolicy = js_AckNone;
    cc.MemoryStorage = true;
    // A probe left behind by a kill between its creation and deletion goes by itself.
    cc.InactiveThreshold = int64_t{10} * 1'000'000'000;
    jsConsumerInfo* ci = nullptr;
    jsErrCode jerr = static_cast<jsErrCode>(0);
    if (js_AddConsumer(&ci, js_, stream, &cc, &jo, &jerr) != NATS_OK) return false;
    pending.push_back(ci->NumPending);
    js_DeleteConsumer(js_, stream, ci->Name, &jo, &jerr);
    jsConsumerInfo_Destroy(ci);
  }
  for (size_t i = 0; i < pending.size(); ++i) {
    metrics_.subject_lag(settings_.nats.subjects[i]).store(pending[i], std::memory_order_relaxed);
  }
  return true;
}

void NatsFeed::count_down_lag(natsMsg* msg) {
  const int i = labels_.index_of(natsMsg_GetSubject(msg));
  if (i < 0) return;
  std::atomic<uint64_t>& lag = *lag_[static_cast<size_t>(i)];
  const uint64_t n = lag.load(std::memory_order_relaxed);  // this thread alone writes it now
  if (n > 0) lag.store(n - 1, std::memory_order_relaxed);
}

Status NatsFeed::start(uint64_t next_stream_seq) {
  next_seq_ = next_stream_seq;
  for (const std::string& subject : settings_.nats.subjects) {
    metrics_.subject_counter(subject);  // every configured subject is reported, from 0
    lag_.push_back(&metrics_.subject_lag(subject));
  }
  probe_lag(next_seq_);
  if (!place_consumer(next_seq_)) {
    return Status::io("cannot place consumer " + settings_.nats.durable + " on stream " +
                      settings_.nats.stream + " at sequence " + std::to_string(next_seq_) +
                      " (" + nats_error(NATS_ERR) + ")");
  }
  thread_ = std::thread([this] { fetch_loop(); });
  return Status::ok();
}

void NatsFeed::backoff_sleep(int attempt) {
  const auto until = SteadyClock::now() + std::chrono::milliseconds(backoff_ms(settings_, attempt));
  while (!stop_.load() && SteadyClock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void NatsFeed::fetch_loop() {
  int failures = 0;
  bool misplaced = false;  // a fetch failed: place the consumer again before the next one
  const int batch = static_cast<int>(settings_.nats.fetch_batch);
  uint64_t reconnects = metrics_.reconnects.load();
  auto probed = SteadyClock::now();
  while (!stop_.load()) {
    if (SteadyClock::now() - probed >= kLagProbeInterval) {
      probed = SteadyClock::now();
      probe_lag(next_seq_);
    }
    // After a reconnect too: what the server sent while the link was down is lost in flight.
    if (metrics_.reconnects.load() != reconnects) {
      reconnects = metrics_.reconnects.load();
      misplaced = true;
    }
    if (misplaced) {
      if (!place_consumer(next_seq_)) {
        backoff_sleep(failures++);
        continue;
      }
      misplaced = false;
    }
    natsMsgList list{};
    jsErrCode jerr = static_cast<jsErrCode>(0);
    const natsStatus s = natsSubscription_Fetch(&list, sub_, batch, kFetchWaitMs, &jerr);
    if (stop_.load()) {  // what came is fetched again by the next session
      natsMsgList_Destroy(&list);
      break;
    }
    if (s == NATS_TIMEOUT) {
      failures = 0;
      continue;
    }
    if (s != NATS_OK) {
      metrics_.fetch_errors.fetch_add(1);
      misplaced = true;
      natsMsgList_Destroy(&list);
      backoff_sleep(failures++);
      continue;
    }
    failures = 0;
    const int64_t now = steady_ns();
    batch_.clear();
    for (int i = 0; i < list.Count; ++i) {
      natsMsg* msg = list.Msgs[i];
      list.Msgs[i] = nullptr;
      jsMsgMetaData* meta = nullptr;
      if (natsMsg_GetMetaData(&meta, msg) != NATS_OK) {
        natsMsg_Destroy(msg);  // not a JetStream message (a status message): nothing to journal
        continue;
      }
      const uint64_t seq = meta->Sequence.Stream;
      metrics_.consumer_pending.store(meta->NumPending, std::memory_order_relaxed);
      jsMsgMetaData_Destroy(meta);
      if (seq < next_seq_) {  // sent twice: the core has it queued already
        natsMsg_Destroy(msg);
        continue;
      }
      next_seq_ = seq + 1;
      count_down_lag(msg);
      batch_.push_back(FeedMessage{msg, seq, now});
    }
    natsMsgList_Destroy(&list);
    push(batch_);
  }
}

void NatsFeed::push(std::vector<FeedMessage>& batch) {
  const auto max = static_cast<size_t>(settings_.nats.queue_messages_max);
  size_t i = 0;
  std::unique_lock<std::mutex> lock(mu_);
  while (i < batch.size()) {
    // Backpressure: the client thread waits (JetStream keeps the rest); nothing is dropped.
    has_space_.wait(lock, [&] { return queue_.size() < max || stop_.load(); });
    if (stop_.load()) break;
    const bool was_empty = queue_.empty();
    for (; i < batch.size() && queue_.size() < max; ++i) queue_.push_back(batch[i]);
    metrics_.queue_depth.store(queue_.size(), std::memory_order_relaxed);
    if (was_empty) has_items_.notify_one();
  }
  for (; i < batch.size(); ++i) natsMsg_Destroy(batch[i].msg);  // stopping
  batch.clear();
}

bool NatsFeed::pop_many(std::deque<FeedMessage>& out, size_t max,
                        std::chrono::milliseconds timeout, const std::atomic<bool>* stop) {
  const auto until = SteadyClock::now() + timeout;
  const auto slice = std::chrono::milliseconds(stop != nullptr ? 10 : timeout.count());
  std::unique_lock<std::mutex> lock(mu_);
  while (queue_.empty()) {
    const auto now = SteadyClock::now();
    if (now >= until || (stop != nullptr && stop->load(std::memory_order_relaxed))) return false;
    has_items_.wait_for(lock, std::min<SteadyClock::duration>(slice, until - now),
                        [&] { return !queue_.empty(); });
  }
  for (size_t n = 0; n < max && !queue_.empty(); ++n) {
    out.push_back(queue_.front());
    queue_.pop_front();
  }
  metrics_.queue_depth.store(queue_.size(), std::memory_order_relaxed);
  has_space_.notify_one();
  return true;
}

void NatsFeed::ack(natsMsg* msg) {
  // Published on the reply subject rather than through natsMsg_Ack, which reaches into the
  // message's subscription: that one may have been replaced since (place_consumer). A lost ack
  // is harmless: the next start places the consumer after the last journaled input anyway.
  const char* reply = natsMsg_GetReply(msg);
  if (reply != nullptr && *reply != '\0') natsConnection_PublishString(nc_, reply, "+ACK");
  natsMsg_Destroy(msg);
}

bool NatsFeed::publish(const std::string& subject, const std::string& data) {
  if (natsConnection_Status(nc_) != NATS_CONN_STATUS_CONNECTED) return false;
  return natsConnection_Publish(nc_, subject.c_str(), data.data(),
                                static_cast<int>(data.size())) == NATS_OK;
}

void NatsFeed::stop() {
  {
    std::lock_guard lock(sub_mu_);
    stop_.store(true);
    // Ends the fetch in flight at once; the durable consumer stays (tape made it, not libnats).
    if (sub_ != nullptr && thread_.joinable()) natsSubscription_Unsubscribe(sub_);
  }
  has_space_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> lock(mu_);
  for (FeedMessage& m : queue_) natsMsg_Destroy(m.msg);
  queue_.clear();
}

}  // namespace tape
