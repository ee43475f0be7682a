// `tape publish` (docs/live.md): sends a JSONL file's lines, or a data log's inputs in the same
// JSONL form (feed/jsonl_reader.h format_jsonl), into a JetStream stream, so a live session can
// be tried on the shipped data: `tape import` any format into a data log, publish it, and run
// `tape live`. Lines go as they are (a bad line is published too: the session rejects it).
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"
#include "live/live_config.h"

namespace tape {

struct PublishOptions {
  NatsSettings nats;    // url, stream and the stream's subjects (created when missing)
  std::string subject;  // Required. The subject every message is published to.
  // Default: 0 (as fast as JetStream acknowledges). Messages per second otherwise.
  double rate = 0;
  // Default: 0 (all). Publish at most this many messages.
  uint64_t limit = 0;
};

struct PublishReport {
  uint64_t messages = 0;
  uint64_t last_stream_seq = 0;  // 0 when not known
  double elapsed_s = 0;
};

// Every nonblank line of `path`.
Result<PublishReport> publish_jsonl_file(const std::string& path, const PublishOptions& options);
// A file of any format `tape import` reads (bars, quotes, trades, lobster; `symbol` for files
// whose name or rows do not give it), imported into a temporary data log, then published as by
// publish_data_log. "jsonl" is publish_jsonl_file.
Result<PublishReport> publish_file(const std::string& path, const std::string& format,
                                   const std::string& symbol, const PublishOptions& options);
// Every input of the data log in `dir` (tape import's output).
Result<PublishReport> publish_data_log(const std::string& dir, const PublishOptions& options);

}  // namespace tape
