#include "live/publish.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <thread>

#include "feed/data_log.h"
#include "feed/import_options.h"
#include "feed/jsonl_reader.h"
#include "feed/line_reader.h"
#include "live/nats_feed.h"
#include "session/data_log_source.h"
#include "store/event_log.h"

namespace tape {
namespace {

using Clock = std::chrono::steady_clock;

// A JetStream publisher with a bounded number of unacknowledged messages in flight.
class StreamWriter {
 public:
  static Result<std::unique_ptr<StreamWriter>> open(const PublishOptions& o) {
    std::unique_ptr<StreamWriter> w(new StreamWriter(o));
    LiveSettings settings;
    settings.nats = o.nats;
    ASSIGN_OR_RETURN(w->feed_, NatsFeed::connect(settings, w->metrics_));
    RETURN_IF_ERROR(w->feed_->ensure_stream());
    jsOptions jo;
    jsOptions_Init(&jo);
    jo.PublishAsync.MaxPending = 65536;
    const natsStatus s = natsConnection_JetStream(&w->js_, w->feed_->connection(), &jo);
    if (s != NATS_OK) return Status::io("JetStream: " + nats_error(s));
    return w;
  }
  ~StreamWriter() {
    if (js_ != nullptr) jsCtx_Destroy(js_);
  }
  Status send(std::string_view data) {
    if (options_.rate > 0) {
      const auto due = start_ + std::chrono::nanoseconds(static_cast<int64_t>(
                                    static_cast<double>(sent_) * 1e9 / options_.rate));
      std::this_thread::sleep_until(due);
    }
    const natsStatus s = js_PublishAsync(js_, options_.subject.c_str(), data.data(),
                                         static_cast<int>(data.size()), nullptr);
    if (s != NATS_OK) return Status::io("publishing to " + options_.subject + ": " + nats_error(s));
    ++sent_;
    return Status::ok();
  }
  Result<PublishReport> finish() {
    jsPubOptions po;
    jsPubOptions_Init(&po);
    po.MaxWait = 60'000;
    const natsStatus s = js_PublishAsyncComplete(js_, &po);
    if (s != NATS_OK) return Status::io("waiting for JetStream's acks: " + nats_error(s));
    PublishReport r;
    r.messages = sent_;
    r.elapsed_s = std::chrono::duration<double>(Clock::now() - start_).count();
    return r;
  }
  bool full() const { return options_.limit != 0 && sent_ >= options_.limit; }

 private:
  explicit StreamWriter(const PublishOptions& o) : options_(o), start_(Clock::now()) {}
  PublishOptions options_;
  LiveMetrics metrics_;
  std::unique_ptr<NatsFeed> feed_;
  jsCtx* js_ = nullptr;
  Clock::time_point start_;
  uint64_t sent_ = 0;
};

}  // namespace

Result<PublishReport> publish_jsonl_file(const std::string& path, const PublishOptions& options) {
  if (options.subject.empty()) return Status::usage("publish: --subject is required");
  LineReader lines;
  RETURN_IF_ERROR(lines.open(path));
  ASSIGN_OR_RETURN(std::unique_ptr<StreamWriter> w, StreamWriter::open(options));
  std::string_view line;
  while (!w->full()) {
    ASSIGN_OR_RETURN(const bool more, lines.next_nonblank(line));
    if (!more) break;
    RETURN_IF_ERROR(w->send(line));
  }
  return w->finish();
}

Result<PublishReport> publish_data_log(const std::string& dir, const PublishOptions& options) {
  if (options.subject.empty()) return Status::usage("publish: --subject is required");
  ASSIGN_OR_RETURN(std::unique_ptr<EventLog> log, EventLog::open(dir, /*read_only=*/true));
  ASSIGN_OR_RETURN(InstrumentTable table, data_log_instruments(*log));
  ASSIGN_OR_RETURN(std::unique_ptr<DataLogSource> source, DataLogSource::open(*log));
  ASSIGN_OR_RETURN(std::unique_ptr<StreamWriter> w, StreamWriter::open(options));
  Timestamp ts;
  InputBody body;
  uint64_t n = 0;
  while (!w->full() && source->next(ts, body)) {
    const Input in{Seq(++n), ts, body};
    RETURN_IF_ERROR(w->send(format_jsonl(in, table)));
  }
  RETURN_IF_ERROR(source->status());
  return w->finish();
}

Result<PublishReport> publish_file(const std::string& path, const std::string& format,
                                   const std::string& symbol, const PublishOptions& options) {
  if (format == "jsonl") return publish_jsonl_file(path, options);
  ImportOptionText text;
  text.format = format;
  ImportOptions import;
  RETURN_IF_ERROR(apply_import_text(
      text, [](std::string_view o) { return "--" + std::string(o); }, import));
  import.csv.symbol = symbol;
  import.data_dir = (std::filesystem::temp_directory_path() /
                     ("tape_publish_" + std::to_string(::getpid())))
                        .string();
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  } cleanup{import.data_dir};
  RETURN_IF_ERROR(run_import({path}, import).status());
  return publish_data_log(import.data_dir, options);
}

}  // namespace tape
