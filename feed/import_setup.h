// The parts of the import pipeline around the merge loop (feed/import.cc): options resolved
// per format, opening the reader of one file, the scan pass, the data dir's temporary sibling,
// and the meta "import" document. Internal to feed/.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "feed/import.h"
#include "feed/jsonl_reader.h"
#include "feed/lobster_reader.h"

namespace tape {

// ImportOptions with every default of its format filled in.
struct ResolvedImport {
  ImportOptions options;
  CsvOptions csv;          // kind, tz, price scale resolved
  LobsterOptions lobster;  // symbol, tz, price scale resolved
  JsonlOptions jsonl;
  Rounding rounding = Rounding::kReject;
  bool scan = false;  // a scan pass is needed (auto tick, or bar periods from the data)
};
Result<ResolvedImport> resolve_import(const ImportOptions& options);

struct OpenedReader {
  std::unique_ptr<RecordReader> reader;
  const LobsterStats* lobster = nullptr;  // lobster only
};
// The reader of `path` for the import's format; `csv` is the file's own CSV options.
Result<OpenedReader> open_reader(const std::string& path, const ResolvedImport& r,
                                 const CsvOptions& csv, TickConverter& ticks, CsvScan* scan);

// What the scan pass found in all files: finest scales per symbol, per file its bar periods.
struct ScanResult {
  std::map<std::string, int> scales;
  std::vector<std::map<std::string, int64_t>> bar_periods_ns;  // per file
  uint64_t bytes = 0;
};
// Reads every file once with a scanning converter (bad rows are left to the import pass).
// `progress` gets (bytes read, rows read).
Result<ScanResult> scan_files(const std::vector<std::string>& files, const ResolvedImport& r,
                              const std::function<void(uint64_t, uint64_t)>& progress);

// The data dir's lifecycle: check() refuses a non-empty dir (unless overwrite, and then only a
// tape log); temp() is the sibling to write into; commit() renames it into place. Destroying an
// uncommitted one removes the temporary dir.
class ImportDir {
 public:
  // sync: the rename into place is made durable (the parent dir fsynced).
  ImportDir(std::string dir, bool overwrite, bool sync = true);
  ~ImportDir();
  Status check() const;
  const std::string& temp() const { return temp_; }
  Status commit();

 private:
  std::string dir_;
  std::string temp_;
  bool overwrite_;
  bool sync_;
  bool committed_ = false;
};

// The meta "import" JSON document (feed/data_log.h).
std::string import_meta_json(const ResolvedImport& r, const ImportReport& report);

}  // namespace tape
