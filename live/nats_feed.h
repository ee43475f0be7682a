// The NATS JetStream side of a live session: one connection, the stream (created when missing),
// a durable pull consumer placed at a given stream sequence, and a client thread that fetches
// messages into a bounded queue for the core's thread. The client thread only feeds the queue:
// it never touches the core. Acknowledgements (AckAll: one ack covers every earlier message)
// and output publishing happen on the core's thread.
//
// Lag by configured subject: how many messages on it the stream holds past the consumer's
// position is the pending count of a consumer filtered on it placed there, so probe_lag()
// creates one (ephemeral, AckNone, in memory) per configured subject at that position, reads
// its NumPending and deletes it again: two JetStream API requests per subject, on start, about
// once a second from the client thread, and at the end of the session. Between probes each
// message fetched counts down its subject's figure, so messages taken + lag stay consistent.
//
// Disconnects: libnats reconnects forever with capped, jittered backoff (LiveSettings); after
// any failed fetch the consumer is placed again at the sequence after the last message queued,
// so a message lost in flight is fetched again and none is queued twice.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nats/nats.h>

#include "core/status.h"
#include "live/live_config.h"
#include "live/live_metrics.h"
#include "live/subjects.h"

namespace tape {

// One fetched message. The receiver owns `msg` (natsMsg_Destroy, or hand it to ack()).
struct FeedMessage {
  natsMsg* msg = nullptr;
  uint64_t stream_seq = 0;
  int64_t arrival_ns = 0;  // steady clock, when fetched
};

class NatsFeed {
 public:
  // Connects (Status::io naming the url when the server cannot be reached). `metrics` must
  // outlive the feed.
  static Result<std::unique_ptr<NatsFeed>> connect(const LiveSettings& settings,
                                                   LiveMetrics& metrics);
  ~NatsFeed();
  NatsFeed(const NatsFeed&) = delete;
  NatsFeed& operator=(const NatsFeed&) = delete;

  // Creates the stream with the configured subjects when it does not exist.
  Status ensure_stream();
  // Places the durable consumer at `next_stream_seq` (1 for the stream's start) and starts the
  // client thread.
  Status start(uint64_t next_stream_seq);
  // Moves up to `max` queued messages to the back of `out` (one lock for all), waiting at most
  // `timeout` for the first, or until `stop` (may be null) is set, looked at every 10 ms (a
  // signal handler sets it: it cannot wake a condition variable); false when none came.
  bool pop_many(std::deque<FeedMessage>& out, size_t max, std::chrono::milliseconds timeout,
                const std::atomic<bool>* stop = nullptr);
  // Acknowledges `msg` and with it every earlier message (AckAll), then destroys it.
  void ack(natsMsg* msg);
  // Publishes when connected: false when not (the caller's breaker holds the output).
  bool publish(const std::string& subject, const std::string& data);
  // Stops the client thread and destroys the queued messages. Idempotent.
  void stop();
  // Sets each configured subject's lag (LiveMetrics::subject_lag) to the messages on it in the
  // stream from `next_stream_seq` on; false (figures unchanged) when the server did not answer.
  // Not while the client thread runs (it probes by itself).
  bool probe_lag(uint64_t next_stream_seq);

  natsConnection* connection() const { return nc_; }

 private:
  NatsFeed(const LiveSettings& settings, LiveMetrics& metrics);
  void fetch_loop();
  bool place_consumer(uint64_t next_stream_seq);
  void push(std::vector<FeedMessage>& batch);  // empties `batch`
  void backoff_sleep(int attempt);
  static void on_closed(natsConnection*, void* closure);
  void count_down_lag(natsMsg* msg);  // client thread: one message of its subject delivered

  LiveSettings settings_;
  LiveMetrics& metrics_;
  natsOptions* opts_ = nullptr;
  natsConnection* nc_ = nullptr;
  jsCtx* js_ = nullptr;
  std::mutex sub_mu_;  // sub_'s replacement by the client thread against stop()'s unsubscribe
  natsSubscription* sub_ = nullptr;  // written by the client thread only after start()

  std::thread thread_;
  std::atomic<bool> stop_{false};
  uint64_t next_seq_ = 1;  // client thread: the stream sequence it asks for next
  std::vector<FeedMessage> batch_;  // client thread: one fetch's messages
  SubjectLabels labels_;            // client thread
  std::vector<std::atomic<uint64_t>*> lag_;  // per configured subject, in metrics_

  // Set by libnats's closed callback, the last it delivers (on its own thread, after
  // natsConnection_Close returns): the destructor waits for it before the callbacks' closures
  // (metrics_, this) can go.
  std::mutex closed_mu_;
  std::condition_variable closed_cv_;
  bool closed_ = false;

  std::mutex mu_;
  std::condition_variable has_items_;
  std::condition_variable has_space_;
  std::deque<FeedMessage> queue_;  // bounded by settings.nats.queue_messages_max
};

// "nats: <status text>: <last error>", for messages.
std::string nats_error(natsStatus s);

}  // namespace tape
