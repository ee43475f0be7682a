#include "store/rocks_status.h"

#include <array>
#include <string_view>

namespace tape::store_internal {
namespace {

bool contains(const rocksdb::Status& s, std::string_view what) {
  const char* state = s.getState();
  return state != nullptr && std::string_view(state).find(what) != std::string_view::npos;
}

bool state_is(const rocksdb::Status& s, std::string_view what) {
  const char* state = s.getState();
  return state != nullptr && std::string_view(state) == what;
}

// What the user can act on, before RocksDB's own words.
std::string environment_problem(const rocksdb::Status& s, const std::string& dir) {
  if (s.IsNoSpace() || contains(s, "No space left")) {
    return "no space left on the device of data dir '" + dir + "'";
  }
  if (contains(s, "While lock file") || contains(s, "lock hold")) {
    return "data dir '" + dir + "' is in use by another tape process (lock held)";
  }
  if (contains(s, "Permission denied") || contains(s, "Operation not permitted")) {
    return "permission denied in data dir '" + dir + "'";
  }
  if (contains(s, "Read-only file system")) return "data dir '" + dir + "' is on a read-only file system";
  if (s.IsPathNotFound()) return "a file of data dir '" + dir + "' is missing";
  return "I/O error in data dir '" + dir + "'";
}

}  // namespace

Status from_rocks(const rocksdb::Status& s, const std::string& dir, const std::string& doing) {
  if (s.ok()) return Status::ok();
  const std::string detail = " (" + doing + "): " + s.ToString();
  if (s.IsCorruption()) {
    return Status::mismatch("log in data dir '" + dir + "' is corrupt" + detail);
  }
  if (s.IsInvalidArgument() || s.IsNotSupported()) {
    return Status::invalid("data dir '" + dir + "' is not a usable tape log" + detail);
  }
  // IOError (no space, permission, lock, device), Busy, TimedOut, Aborted, TryAgain, ...:
  // the environment failed, not the data.
  return Status::io(environment_problem(s, dir) + detail);
}

bool is_torn_wal_tail(const rocksdb::Status& s) {
  static constexpr std::array<std::string_view, 3> kTorn = {
      "truncated header", "truncated record body", "error reading trailing data"};
  if (!s.IsCorruption()) return false;
  for (std::string_view t : kTorn) {
    if (state_is(s, t)) return true;
  }
  return false;
}

bool is_wal_corruption(const rocksdb::Status& s) {
  // log::Reader's reasons (db/log_reader.cc); table files' errors are worded differently.
  static constexpr std::array<std::string_view, 3> kWal = {
      "checksum mismatch", "bad record length", "unknown record type"};
  if (!s.IsCorruption()) return false;
  if (is_torn_wal_tail(s)) return true;
  for (std::string_view t : kWal) {
    if (state_is(s, t)) return true;
  }
  return contains(s, "partial record without end") || contains(s, "missing start of fragmented");
}

}  // namespace tape::store_internal
