// The file-system seam. Components that touch disk go through FileSystem so that durability rules
// (write to a temporary file, fsync, rename, fsync the directory) live in one place.
// PosixFileSystem is stateless and thread-safe; a WritableFile belongs to one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace surveyor {

class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status Append(std::string_view data) = 0;
  // Flushes written data to stable storage.
  virtual Status Sync() = 0;
  virtual Status Close() = 0;
  virtual uint64_t size() const = 0;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // Opens for writing; `append` keeps existing content, otherwise the file is truncated.
  virtual Result<std::unique_ptr<WritableFile>> OpenWritable(const std::string& path,
                                                             bool append) = 0;
  // Reads a whole file; ResourceExhausted when it is larger than `max_bytes`.
  virtual Result<std::string> ReadFile(const std::string& path, uint64_t max_bytes) = 0;
  // Writes `data` so that readers see either the old or the new content, never a mix.
  virtual Status WriteFileAtomic(const std::string& path, std::string_view data) = 0;
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  virtual Status Remove(const std::string& path) = 0;  // NotFound when absent
  virtual Status MakeDirs(const std::string& path) = 0;
  virtual Status SyncDir(const std::string& path) = 0;
  virtual Result<uint64_t> FileSize(const std::string& path) = 0;
  virtual bool Exists(const std::string& path) = 0;
  // Names (not paths) of the entries of a directory, without "." and "..".
  virtual Result<std::vector<std::string>> ListDir(const std::string& path) = 0;
};

class PosixFileSystem final : public FileSystem {
 public:
  static FileSystem& Default();
  Result<std::unique_ptr<WritableFile>> OpenWritable(const std::string& path, bool append) override;
  Result<std::string> ReadFile(const std::string& path, uint64_t max_bytes) override;
  Status WriteFileAtomic(const std::string& path, std::string_view data) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status Remove(const std::string& path) override;
  Status MakeDirs(const std::string& path) override;
  Status SyncDir(const std::string& path) override;
  Result<uint64_t> FileSize(const std::string& path) override;
  bool Exists(const std::string& path) override;
  Result<std::vector<std::string>> ListDir(const std::string& path) override;
};

// "dir/name" joined with exactly one slash.
std::string JoinPath(std::string_view dir, std::string_view name);
std::string DirName(std::string_view path);
// An errno value as a Status: ENOENT → NotFound, ENOSPC → ResourceExhausted, otherwise Internal.
Status ErrnoStatus(int err, std::string_view what);

}  // namespace surveyor
