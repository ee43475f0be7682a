// Live configs (`tape live CONFIG.toml`, docs/live.md): a backtest config (strategies, venue,
// latency, fees, risk, recorder, snapshot: session/backtest_config.h) whose [data] is replaced
// by the feed: a [live] table (the NATS server, stream, durable consumer, heartbeats, output
// subjects, metrics port) and the [[instruments]] the messages name. Every key is checked as in
// any tape config: an unknown one is Status::invalid (exit 2) naming it and the closest valid key.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "feed/instruments.h"
#include "session/backtest_config.h"

namespace tape {

struct NatsSettings {
  std::string url = "nats://127.0.0.1:4222";
  // Default: "TAPE". The JetStream stream the inputs are read from (created with `subjects`
  // when it does not exist).
  std::string stream = "TAPE";
  // Default: ["tape.in.>"]. The stream's subjects when tape creates it.
  std::vector<std::string> subjects = {"tape.in.>"};
  // Default: "tape-live". The durable pull consumer, placed at the stream sequence after the
  // last journaled input on every start.
  std::string durable = "tape-live";
  // Default: 1024. Messages asked for per fetch. Clamped to [1, 65536].
  int64_t fetch_batch = 1024;
  // Default: 65536. Messages fetched but not yet handed to the core (the queue between the
  // client thread and the core). [16, 4194304].
  int64_t queue_messages_max = 65536;
  // Default: 1000000. The consumer's cap on delivered but unacknowledged messages; a message is
  // acknowledged once the batch holding it is durable. [1024, 100000000].
  int64_t max_ack_pending = 1'000'000;
};

struct LiveSettings {
  NatsSettings nats;
  // Default: 100. A heartbeat input when no message arrived for this long (wall clock): it
  // moves timers and the recorder's time-bound flush on a quiet feed. [1, 60000].
  int64_t heartbeat_ms = 100;
  // Default: "tape.out". Outputs are published to "<prefix>.<type>" (accepted, rejected, fill,
  // cancelled, replaced, position, input_rejected) once durable; "" publishes nothing.
  std::string output_prefix = "tape.out";
  // Default: 0 (off). The /metrics HTTP port, on metrics_host.
  int64_t metrics_port = 0;
  // Default: "127.0.0.1". The address /metrics listens on.
  std::string metrics_host = "127.0.0.1";
  // Reconnect backoff: the delay doubles from backoff_min_ms up to backoff_max_ms, each with up
  // to 50% jitter drawn from the wall clock (it never reaches the core).
  int64_t backoff_min_ms = 50;
  int64_t backoff_max_ms = 2000;
};

struct LiveConfig {
  BacktestConfig backtest;      // backtest.live is true; its canonical_toml is the whole config
  InstrumentTable instruments;  // InstrumentId = index
  LiveSettings live;
};

Result<LiveConfig> load_live_file(const std::string& path,
                                  const std::vector<std::string>& overrides = {});
// A live config from its canonical text (the meta of a live session's log).
Result<LiveConfig> parse_live_text(std::string_view text, const std::string& source_name);

// What a resumed session must share with the recorded one: the canonical config without its
// [live] table (server, heartbeats, ports and subjects may change between runs; instruments,
// strategies, risk, recorder and snapshot settings may not).
Result<std::string> live_identity(std::string_view canonical_toml, const std::string& source_name);

}  // namespace tape
