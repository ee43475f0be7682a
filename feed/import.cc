#include "feed/import.h"

#include <filesystem>
#include <limits>
#include <queue>

#include "core/codec.h"
#include "feed/data_log.h"
#include "feed/import_setup.h"
#include "store/event_log.h"

namespace tape {
namespace {

// One file being read in the merge.
struct Lane {
  OpenedReader opened;
  FeedRecord rec;
  size_t file = 0;
  bool live = false;
  std::string last_symbol;  // symbol -> id cache for this lane
  uint32_t last_id = 0;
  int64_t last_ts = std::numeric_limits<int64_t>::min();
};

// The merge order: (ts_ns, file position on the command line, line). Greater = later.
struct Later {
  const std::vector<Lane>* lanes;
  bool operator()(size_t a, size_t b) const {
    const Lane& x = (*lanes)[a];
    const Lane& y = (*lanes)[b];
    if (x.rec.ts_ns != y.rec.ts_ns) return x.rec.ts_ns > y.rec.ts_ns;
    if (x.file != y.file) return x.file > y.file;
    return x.rec.line > y.rec.line;
  }
};

void set_instrument(InputBody& body, InstrumentId id) {
  std::visit(
      [id](auto& e) {
        if constexpr (requires { e.instrument; }) e.instrument = id;
      },
      body);
}

class Importer {
 public:
  Importer(const std::vector<std::string>& files, ResolvedImport r, TickConverter ticks)
      : files_(files), r_(std::move(r)), ticks_(std::move(ticks)) {}

  Result<ImportReport> run(ImportReport report, uint64_t bytes_done, uint64_t bytes_total,
                           const std::vector<std::map<std::string, int64_t>>& periods);

 private:
  Status advance(Lane& lane);
  uint32_t instrument_of(Lane& lane);
  Status emit(Lane& lane);
  Status flush_batch();

  const std::vector<std::string>& files_;
  ResolvedImport r_;
  TickConverter ticks_;
  ImportReport report_;
  std::unique_ptr<EventLog> log_;
  std::vector<Input> batch_;
  std::map<std::string, uint32_t> ids_;
  uint64_t seq_ = 0;
};

Status Importer::advance(Lane& lane) {
  BadRow bad;
  for (;;) {
    ASSIGN_OR_RETURN(const RecordReader::Step step, lane.opened.reader->next(lane.rec, bad));
    if (step == RecordReader::Step::kEnd) {
      lane.live = false;
      return Status::ok();
    }
    ImportFileReport& f = report_.files[lane.file];
    ++f.rows;
    if (step == RecordReader::Step::kRecord) {
      if (lane.rec.ts_ns >= lane.last_ts) {
        lane.last_ts = lane.rec.ts_ns;
        lane.live = true;
        return Status::ok();
      }
      // A reader that does not check time order itself: the pipeline's own guard.
      bad = BadRow{files_[lane.file], lane.rec.line, 1, "time", "time_backwards",
                   "the row's time is before the previous row's"};
    }
    if (!r_.options.skip_bad_rows) return Status::invalid(bad.message());
    report_.bad_rows.count(bad);
    ++f.skipped;
  }
}

uint32_t Importer::instrument_of(Lane& lane) {
  if (!lane.last_symbol.empty() && lane.last_symbol == lane.rec.symbol) return lane.last_id;
  auto [it, fresh] = ids_.try_emplace(lane.rec.symbol, static_cast<uint32_t>(ids_.size()));
  if (fresh) {
    InstrumentSpec spec;
    spec.symbol = lane.rec.symbol;
    spec.tick_size = ticks_.tick(lane.rec.symbol);
    spec.lot_size = r_.csv.lot_size;
    report_.instruments.push_back(std::move(spec));
  }
  lane.last_symbol = lane.rec.symbol;
  lane.last_id = it->second;
  return it->second;
}

Status Importer::emit(Lane& lane) {
  Input& in = batch_.emplace_back();
  in.seq = Seq(++seq_);
  in.ts = Timestamp(lane.rec.ts_ns);
  in.body = lane.rec.body;
  // A record without a symbol (a heartbeat, a kill switch) names no instrument: it registers
  // none and keeps instrument 0, which such inputs ignore.
  if (!lane.rec.symbol.empty()) set_instrument(in.body, InstrumentId(instrument_of(lane)));
  ++report_.files[lane.file].imported;
  if (seq_ == 1) report_.first_ts_ns = lane.rec.ts_ns;
  report_.last_ts_ns = lane.rec.ts_ns;
  if (batch_.size() >= r_.options.batch_inputs) return flush_batch();
  return Status::ok();
}

Status Importer::flush_batch() {
  if (batch_.empty()) return Status::ok();
  EncodedBatch b = encode_batch(batch_, {});
  batch_.clear();
  return log_->append(std::move(b));
}

Result<ImportReport> Importer::run(ImportReport report, uint64_t bytes_done,
                                   uint64_t bytes_total,
                                   const std::vector<std::map<std::string, int64_t>>& periods) {
  report_ = std::move(report);
  ImportDir dir(r_.options.data_dir, r_.options.overwrite, r_.options.sync_files);
  RETURN_IF_ERROR(dir.check());
  std::error_code ec;
  std::filesystem::remove_all(dir.temp(), ec);
  LogOptions log_options;
  log_options.memtable_bytes_max = r_.options.memtable_bytes_max;
  log_options.sync_files = r_.options.sync_files;
  // An import is never resumed (it writes into a temporary dir renamed into place only once
  // complete): no WAL, every key written once; the last flush() puts it all in table files.
  log_options.write_ahead_log = false;
  ASSIGN_OR_RETURN(log_, EventLog::create(dir.temp(), log_options, /*overwrite=*/false));
  batch_.reserve(r_.options.batch_inputs);

  std::vector<Lane> lanes(files_.size());
  for (size_t i = 0; i < files_.size(); ++i) {
    CsvOptions csv = r_.csv;
    if (i < periods.size()) csv.bar_periods_ns = periods[i];
    ASSIGN_OR_RETURN(lanes[i].opened, open_reader(files_[i], r_, csv, ticks_, nullptr));
    lanes[i].file = i;
  }
  std::priority_queue<size_t, std::vector<size_t>, Later> heap(Later{&lanes});
  for (size_t i = 0; i < lanes.size(); ++i) {
    RETURN_IF_ERROR(advance(lanes[i]));
    if (lanes[i].live) heap.push(i);
  }
  uint64_t n = 0;
  while (!heap.empty()) {
    const size_t i = heap.top();
    heap.pop();
    // Refill the same lane until another lane's record comes first (one file: no heap work).
    do {
      RETURN_IF_ERROR(emit(lanes[i]));
      RETURN_IF_ERROR(advance(lanes[i]));
      if ((++n & 0xFFFF) == 0 && r_.options.progress) {
        uint64_t read = bytes_done;
        for (const Lane& l : lanes) read += l.opened.reader->bytes_read();
        r_.options.progress(read, bytes_total, n);
      }
    } while (lanes[i].live && (heap.empty() || !Later{&lanes}(i, heap.top())));
    if (lanes[i].live) heap.push(i);
  }
  for (const Lane& l : lanes) {
    if (l.opened.lobster == nullptr) continue;
    for (const auto& [action, count] : l.opened.lobster->unknown_order_by_action) {
      report_.unknown_orders[action] += count;
    }
  }
  if (seq_ == 0) return Status::invalid("no rows to import (every row was bad or the files are empty)");
  RETURN_IF_ERROR(flush_batch());
  RETURN_IF_ERROR(log_->flush());
  report_.inputs = seq_;
  report_.last_seq = log_->last_seq().value();
  report_.chain_head = log_->chain_head();
  report_.import_meta = import_meta_json(r_, report_);
  RETURN_IF_ERROR(log_->put_meta(kMetaLogKind, kLogKindData));
  RETURN_IF_ERROR(log_->put_meta(kMetaInstruments, instruments_json(report_.instruments)));
  RETURN_IF_ERROR(log_->put_meta(kMetaImport, report_.import_meta));
  RETURN_IF_ERROR(log_->flush());
  log_.reset();
  RETURN_IF_ERROR(dir.commit());
  return std::move(report_);
}

}  // namespace

Result<ImportReport> run_import(const std::vector<std::string>& files,
                                const ImportOptions& options) {
  if (files.empty()) return Status::usage("no files to import");
  if (options.data_dir.empty()) return Status::usage("--data-dir is required");
  ASSIGN_OR_RETURN(ResolvedImport r, resolve_import(options));
  // Refuse a dir that may not be written before reading any file.
  RETURN_IF_ERROR(ImportDir(options.data_dir, options.overwrite).check());
  ImportReport report;
  uint64_t bytes = 0;
  for (const std::string& path : files) {
    ImportFileReport f;
    f.path = path;
    ASSIGN_OR_RETURN(f.sha256, file_sha256(path, f.bytes));
    bytes += f.bytes;
    report.files.push_back(std::move(f));
  }
  // Each pass reads every byte once: the progress runs over both.
  const uint64_t total = bytes * (r.scan ? 2 : 1);
  ScanResult scan;
  if (r.scan) {
    ASSIGN_OR_RETURN(scan, scan_files(files, r, [&](uint64_t done, uint64_t rows) {
                       if (options.progress) options.progress(done, total, rows);
                     }));
  }
  TickConverter ticks(options.default_tick, r.rounding);
  if (options.tick_auto) {
    for (const auto& [symbol, scale] : scan.scales) ticks.set_tick(symbol, Decimal{1, scale});
  }
  for (const auto& [symbol, tick] : options.symbol_ticks) ticks.set_tick(symbol, tick);
  const uint64_t scanned = r.scan ? bytes : 0;
  Importer importer(files, std::move(r), std::move(ticks));
  return importer.run(std::move(report), scanned, total, scan.bar_periods_ns);
}

}  // namespace tape
