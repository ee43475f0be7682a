#include "feed/import_setup.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include "feed/json.h"

#include "store/log_dir.h"

namespace tape {
namespace fs = std::filesystem;

const char* import_format_name(ImportFormat f) {
  switch (f) {
    case ImportFormat::kBars: return "bars";
    case ImportFormat::kQuotes: return "quotes";
    case ImportFormat::kTrades: return "trades";
    case ImportFormat::kJsonl: return "jsonl";
    case ImportFormat::kLobster: return "lobster";
  }
  return "?";
}

bool parse_import_format(std::string_view text, ImportFormat& out) {
  for (ImportFormat f : {ImportFormat::kBars, ImportFormat::kQuotes, ImportFormat::kTrades,
                         ImportFormat::kJsonl, ImportFormat::kLobster}) {
    if (text == import_format_name(f)) {
      out = f;
      return true;
    }
  }
  return false;
}

Result<std::string> file_sha256(const std::string& path, uint64_t& bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::io(path + ": cannot open: " + std::strerror(errno));
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  std::vector<unsigned char> buf(size_t{1} << 20);
  bytes = 0;
  for (;;) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return Status::io(path + ": read failed: " + std::strerror(err));
    }
    if (n == 0) break;
    EVP_DigestUpdate(ctx.get(), buf.data(), static_cast<size_t>(n));
    bytes += static_cast<uint64_t>(n);
  }
  ::close(fd);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), md, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) {
    hex += kHex[md[i] >> 4];
    hex += kHex[md[i] & 15];
  }
  return hex;
}

Result<ResolvedImport> resolve_import(const ImportOptions& options) {
  ResolvedImport r;
  r.options = options;
  r.options.batch_inputs = std::clamp<uint32_t>(options.batch_inputs, 1, 65536);
  const ImportFormat f = options.format;
  r.csv = options.csv;
  if (f == ImportFormat::kBars) r.csv.kind = CsvKind::kBars;
  if (f == ImportFormat::kQuotes) r.csv.kind = CsvKind::kQuotes;
  if (f == ImportFormat::kTrades) r.csv.kind = CsvKind::kTrades;
  if (options.tz) {
    ASSIGN_OR_RETURN(r.csv.tz, TimeZone::parse(*options.tz));
    r.lobster.tz = *options.tz;
  }
  const int scale = options.price_scale.value_or(f == ImportFormat::kLobster ? 4 : 0);
  if (scale < 0 || scale > kDecimalScaleMax) {
    return Status::usage("--price-scale " + std::to_string(scale) + " is outside 0..18");
  }
  r.csv.price_scale = scale;
  r.lobster.price_scale_digits = scale;
  r.lobster.symbol = options.csv.symbol;
  if (!options.date.empty() && f != ImportFormat::kLobster) {
    return Status::usage("--date applies to --format lobster only (other formats carry their dates)");
  }
  r.lobster.date = options.date;
  r.jsonl.default_symbol = options.csv.symbol;
  if (options.csv.lot_size < 1) return Status::usage("--lot-size must be at least 1");
  if (options.csv.adjusted && f != ImportFormat::kBars) {
    return Status::usage("--adjusted applies to --format bars only");
  }
  r.rounding = options.rounding.value_or(options.csv.adjusted ? Rounding::kNearest
                                                              : Rounding::kReject);
  r.scan = options.tick_auto || (f == ImportFormat::kBars && options.csv.bar_period_ns < 0);
  return r;
}

Result<OpenedReader> open_reader(const std::string& path, const ResolvedImport& r,
                                 const CsvOptions& csv, TickConverter& ticks, CsvScan* scan) {
  OpenedReader out;
  switch (r.options.format) {
    case ImportFormat::kBars:
    case ImportFormat::kQuotes:
    case ImportFormat::kTrades: {
      ASSIGN_OR_RETURN(out.reader, open_csv_reader(path, csv, ticks, scan));
      return out;
    }
    case ImportFormat::kLobster: {
      ASSIGN_OR_RETURN(out.reader, open_lobster_reader(path, r.lobster, ticks, &out.lobster));
      return out;
    }
    case ImportFormat::kJsonl: {
      ASSIGN_OR_RETURN(out.reader, open_jsonl_reader(path, r.jsonl, ticks));
      return out;
    }
  }
  return Status::usage("unknown format");
}

Result<ScanResult> scan_files(const std::vector<std::string>& files, const ResolvedImport& r,
                              const std::function<void(uint64_t, uint64_t)>& progress) {
  ScanResult result;
  for (const std::string& path : files) {
    TickConverter scanner = TickConverter::scanner();
    CsvScan scan;
    ASSIGN_OR_RETURN(OpenedReader opened, open_reader(path, r, r.csv, scanner, &scan));
    FeedRecord rec;
    BadRow bad;
    uint64_t n = 0;
    for (;;) {
      ASSIGN_OR_RETURN(const RecordReader::Step step, opened.reader->next(rec, bad));
      if (step == RecordReader::Step::kEnd) break;
      if ((++n & 0xFFFF) == 0 && progress) progress(result.bytes + opened.reader->bytes_read(), n);
    }
    result.bytes += opened.reader->bytes_read();
    for (const auto& [symbol, s] : scanner.scales()) {
      int& best = result.scales[symbol];
      best = std::max(best, s);
    }
    result.bar_periods_ns.push_back(scan.bar_periods_ns());
  }
  return result;
}

ImportDir::ImportDir(std::string dir, bool overwrite, bool sync)
    : dir_(std::move(dir)), overwrite_(overwrite), sync_(sync) {
  while (dir_.size() > 1 && dir_.back() == '/') dir_.pop_back();
  temp_ = dir_ + ".importing-" + std::to_string(::getpid());
}

ImportDir::~ImportDir() {
  std::error_code ec;
  if (!committed_) fs::remove_all(temp_, ec);
}

Status ImportDir::check() const {
  std::error_code ec;
  if (!fs::exists(dir_, ec)) return Status::ok();
  if (!fs::is_directory(dir_, ec)) return Status::invalid(dir_ + ": exists and is not a directory");
  if (fs::is_empty(dir_, ec)) return Status::ok();
  if (!overwrite_) {
    return Status::invalid(dir_ + ": not empty; pass --overwrite to replace the tape log in it");
  }
  ASSIGN_OR_RETURN(const store_internal::DirProbe probe, store_internal::probe_dir(dir_, LogOptions{}));
  if (probe.kind != store_internal::DirKind::kTapeLog &&
      probe.kind != store_internal::DirKind::kUnstarted) {
    return Status::invalid(dir_ + ": not a tape log; --overwrite replaces only a tape log");
  }
  return Status::ok();
}

Status ImportDir::commit() {
  std::error_code ec;
  const std::string old = dir_ + ".replaced-" + std::to_string(::getpid());
  const bool had = fs::exists(dir_, ec) && !fs::is_empty(dir_, ec);
  if (fs::exists(dir_, ec) && !had) fs::remove(dir_, ec);
  if (had) {
    fs::rename(dir_, old, ec);
    if (ec) return Status::io(dir_ + ": cannot move the old log aside: " + ec.message());
  }
  fs::rename(temp_, dir_, ec);
  if (ec) {
    std::error_code ignored;
    if (had) fs::rename(old, dir_, ignored);
    return Status::io(dir_ + ": cannot rename " + temp_ + " into place: " + ec.message());
  }
  committed_ = true;
  // The rename is durable once the parent dir is synced.
  const fs::path parent = fs::absolute(dir_).parent_path();
  const int fd = sync_ ? ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  if (had) fs::remove_all(old, ec);
  return Status::ok();
}

std::string import_meta_json(const ResolvedImport& r, const ImportReport& report) {
  using nlohmann::ordered_json;
  const ImportOptions& o = r.options;
  ordered_json files = ordered_json::array();
  for (const ImportFileReport& f : report.files) {
    files.push_back({{"path", f.path}, {"sha256", f.sha256}, {"bytes", f.bytes},
                     {"rows", f.rows}, {"imported", f.imported}, {"skipped", f.skipped}});
  }
  ordered_json ticks = ordered_json::object();
  for (const InstrumentSpec& s : report.instruments) ticks[s.symbol] = format_decimal(s.tick_size);
  ordered_json columns = ordered_json::object();
  for (const ColumnOverride& c : r.csv.columns) columns[csv_col_name(c.field)] = c.column;
  ordered_json opts = {
      {"symbol", o.csv.symbol},
      {"symbol_column", o.csv.symbol_column},
      {"columns", columns},
      {"delimiter", std::string(1, r.csv.delimiter)},
      {"header", r.csv.header},
      {"date_format", date_format_name(r.csv.date_format)},
      {"time_format", time_format_name(r.csv.time_format)},
      {"tz", o.format == ImportFormat::kLobster ? r.lobster.tz : r.csv.tz.name()},
      {"daily_close_ns", r.csv.daily_close_ns},
      {"adjusted", r.csv.adjusted},
      {"bar_period_ns", r.csv.bar_period_ns},
      {"tick_size", o.tick_auto ? "auto" : format_decimal(o.default_tick)},
      {"ticks", ticks},
      {"lot_size", r.csv.lot_size},
      {"price_scale", r.csv.price_scale},
      {"round", rounding_name(r.rounding)},
      {"on_bad_row", o.skip_bad_rows ? "skip" : "fail"},
      {"quote_size_default_lots", 1},
  };
  ordered_json doc = {{"importer_version", kImporterVersion},
                      {"tape_version", std::string(kTapeVersion)},
                      {"format", import_format_name(o.format)},
                      {"files", files},
                      {"options", opts},
                      {"bad_rows", report.bad_rows.by_reason},
                      {"inputs", report.inputs},
                      {"first_ts_ns", report.first_ts_ns},
                      {"last_ts_ns", report.last_ts_ns}};
  if (o.format == ImportFormat::kLobster) {
    doc["options"]["date"] = o.date.empty() ? "from the file name" : o.date;
    doc["unknown_orders"] = report.unknown_orders;
  }
  return dump_json(doc);
}

}  // namespace tape
