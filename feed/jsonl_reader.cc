// The JSONL reader: lines of a file through the line decoder (feed/jsonl_decode.h), with the
// checks that hold between lines (time_backwards, seq_not_increasing).
#include "feed/jsonl_reader.h"

#include <limits>

#include "feed/jsonl_decode.h"
#include "feed/line_reader.h"

namespace tape {
namespace {

class JsonlReader final : public RecordReader {
 public:
  JsonlReader(const JsonlOptions& options, TickConverter& ticks)
      : decoder_(JsonlDecodeOptions{options.default_symbol, /*need_time=*/true}, ticks) {}
  Status open(const std::string& path) { return lines_.open(path); }
  uint64_t bytes_read() const override { return lines_.bytes_read(); }

  Result<Step> next(FeedRecord& out, BadRow& bad) override {
    std::string_view line;
    ASSIGN_OR_RETURN(const bool more, lines_.next_nonblank(line));
    if (!more) return Step::kEnd;
    bad = BadRow{};
    bad.file = lines_.path();
    bad.line = lines_.line_number();
    return decode(line, out, bad) ? Step::kRecord : Step::kBadRow;
  }

 private:
  bool decode(std::string_view text, FeedRecord& out, BadRow& bad) {
    JsonlSeq seq;
    if (!decoder_.decode(text, out, bad, seq)) return false;
    if (seq.present && any_seq_ && seq.value <= last_seq_) {
      return fail(bad, seq.column, "seq", "seq_not_increasing",
                  std::to_string(seq.value) + " is not above the previous line's " +
                      std::to_string(last_seq_));
    }
    if (out.ts_ns < last_ts_ns_) {
      const JsonField* f = decoder_.find("ts_ns") != nullptr ? decoder_.find("ts_ns")
                                                             : decoder_.find("ts");
      return fail(bad, f->column, f->key, "time_backwards",
                  std::to_string(out.ts_ns) + " ns is before the previous line's " +
                      std::to_string(last_ts_ns_));
    }
    last_ts_ns_ = out.ts_ns;
    if (seq.present) {
      any_seq_ = true;
      last_seq_ = seq.value;
    }
    out.line = lines_.line_number();
    return true;
  }
  static bool fail(BadRow& bad, uint64_t column, const std::string& field, const char* reason,
                   std::string detail) {
    bad.column = column;
    bad.field = field;
    bad.reason = reason;
    bad.detail = std::move(detail);
    return false;
  }

  JsonlDecoder decoder_;
  LineReader lines_;
  int64_t last_ts_ns_ = std::numeric_limits<int64_t>::min();
  bool any_seq_ = false;
  uint64_t last_seq_ = 0;
};

}  // namespace

Result<std::unique_ptr<RecordReader>> open_jsonl_reader(const std::string& path,
                                                        const JsonlOptions& options,
                                                        TickConverter& ticks) {
  auto reader = std::make_unique<JsonlReader>(options, ticks);
  RETURN_IF_ERROR(reader->open(path));
  return std::unique_ptr<RecordReader>(std::move(reader));
}

}  // namespace tape
