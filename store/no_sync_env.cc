#include "store/no_sync_env.h"

#include <rocksdb/file_system.h>

#include <memory>
#include <utility>

namespace tape::store_internal {
namespace {

using rocksdb::FileOptions;
using rocksdb::FSDirectory;
using rocksdb::FSWritableFile;
using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;

class NoSyncFile final : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  explicit NoSyncFile(std::unique_ptr<FSWritableFile>&& file)
      : FSWritableFileOwnerWrapper(std::move(file)) {}
  IOStatus Sync(const IOOptions&, IODebugContext*) override { return IOStatus::OK(); }
  IOStatus Fsync(const IOOptions&, IODebugContext*) override { return IOStatus::OK(); }
  IOStatus RangeSync(uint64_t, uint64_t, const IOOptions&, IODebugContext*) override {
    return IOStatus::OK();
  }
  bool IsSyncThreadSafe() const override { return true; }
};

class NoSyncDirectory final : public rocksdb::FSDirectoryWrapper {
 public:
  explicit NoSyncDirectory(std::unique_ptr<FSDirectory>&& dir)
      : FSDirectoryWrapper(std::move(dir)) {}
  IOStatus Fsync(const IOOptions&, IODebugContext*) override { return IOStatus::OK(); }
  IOStatus FsyncWithDirOptions(const IOOptions&, IODebugContext*,
                               const rocksdb::DirFsyncOptions&) override {
    return IOStatus::OK();
  }
};

class NoSyncFileSystem final : public rocksdb::FileSystemWrapper {
 public:
  explicit NoSyncFileSystem(std::shared_ptr<rocksdb::FileSystem> target)
      : FileSystemWrapper(std::move(target)) {}
  static const char* kClassName() { return "TapeNoSyncFileSystem"; }
  const char* Name() const override { return kClassName(); }

  IOStatus NewWritableFile(const std::string& name, const FileOptions& options,
                           std::unique_ptr<FSWritableFile>* out, IODebugContext* dbg) override {
    return wrap(target()->NewWritableFile(name, options, out, dbg), out);
  }
  IOStatus ReopenWritableFile(const std::string& name, const FileOptions& options,
                              std::unique_ptr<FSWritableFile>* out, IODebugContext* dbg) override {
    return wrap(target()->ReopenWritableFile(name, options, out, dbg), out);
  }
  IOStatus ReuseWritableFile(const std::string& name, const std::string& old_name,
                             const FileOptions& options, std::unique_ptr<FSWritableFile>* out,
                             IODebugContext* dbg) override {
    return wrap(target()->ReuseWritableFile(name, old_name, options, out, dbg), out);
  }
  IOStatus NewDirectory(const std::string& name, const IOOptions& options,
                        std::unique_ptr<FSDirectory>* out, IODebugContext* dbg) override {
    IOStatus s = target()->NewDirectory(name, options, out, dbg);
    if (s.ok()) *out = std::make_unique<NoSyncDirectory>(std::move(*out));
    return s;
  }

 private:
  static IOStatus wrap(IOStatus s, std::unique_ptr<FSWritableFile>* out) {
    if (s.ok()) *out = std::make_unique<NoSyncFile>(std::move(*out));
    return s;
  }
};

}  // namespace

std::shared_ptr<rocksdb::FileSystem> no_sync_file_system(
    std::shared_ptr<rocksdb::FileSystem> target) {
  return std::make_shared<NoSyncFileSystem>(std::move(target));
}

rocksdb::Env* no_sync_env() {
  // Never destroyed: a log closed during static destruction may still use it.
  static rocksdb::Env* const env =
      rocksdb::NewCompositeEnv(no_sync_file_system(rocksdb::FileSystem::Default())).release();
  return env;
}

}  // namespace tape::store_internal
