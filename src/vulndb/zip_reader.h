// Reading zip archives (osv.dev's per-ecosystem all.zip and other plain zips) from their central
// directory, with ISA-L's inflate: about three times zlib's speed, and none of libarchive's
// per-entry costs (its DOS-time conversion calls mktime, which stats /etc/localtime each time).
// Scope: single-disk archives, zip64 included, whose entries are stored or deflated, not
// encrypted and have ASCII names; Check() says whether an archive is one, and the importer reads
// every other archive with libarchive as before. Every entry is checked against its CRC-32 and
// size. Memory: three 64 KiB buffers and the current entry; the central directory is read one
// record at a time, never held whole. Not thread-safe; one reader per archive.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "common/status.h"

namespace surveyor::vulndb {

// Random-access bytes of an archive.
class ZipInput {
 public:
  virtual ~ZipInput() = default;
  virtual uint64_t size() const = 0;
  // Reads exactly `n` bytes at `offset` (the caller keeps within size()); DataLoss or
  // Internal on failure.
  virtual Status ReadAt(uint64_t offset, char* buf, size_t n) = 0;
};

// A file opened for reading; NotFound/Internal from Open.
class ZipFile final : public ZipInput {
 public:
  static Result<std::unique_ptr<ZipFile>> Open(const std::string& path);
  ~ZipFile() override;
  uint64_t size() const override { return size_; }
  Status ReadAt(uint64_t offset, char* buf, size_t n) override;

 private:
  ZipFile(int fd, uint64_t size, std::string path) : fd_(fd), size_(size), path_(std::move(path)) {}
  int fd_;
  uint64_t size_;
  std::string path_;
};

// Bytes in memory (tests, the fuzzer); not copied, must outlive the reader.
class ZipBytes final : public ZipInput {
 public:
  explicit ZipBytes(std::string_view bytes) : bytes_(bytes) {}
  uint64_t size() const override { return bytes_.size(); }
  Status ReadAt(uint64_t offset, char* buf, size_t n) override;

 private:
  std::string_view bytes_;
};

struct ZipEntry {
  std::string name;
  uint64_t compressed_size = 0;
  uint64_t size = 0;
  uint64_t data_offset = 0;  // where the entry's (compressed) bytes start
  uint32_t crc32 = 0;
  uint16_t method = 0;  // 0 stored, 8 deflated
  bool regular = true;  // false for directories, symlinks and other special files
};

class ZipReader {
 public:
  // Whether this reader can read the whole archive (see the scope above): Ok, or Unimplemented
  // / InvalidArgument saying what it cannot read. Reads the central directory and every local
  // header once.
  static Status Check(ZipInput& in);

  // Reads the end of central directory record. InvalidArgument when it is missing or malformed.
  static Result<std::unique_ptr<ZipReader>> Open(ZipInput& in);
  ~ZipReader();
  ZipReader(const ZipReader&) = delete;
  ZipReader& operator=(const ZipReader&) = delete;

  uint64_t entries() const { return entries_; }

  // The next entry of the central directory, positioned for Read; false after the last one.
  // InvalidArgument/Unimplemented for records outside the scope, DataLoss for broken ones.
  Result<bool> Next(ZipEntry& entry);
  // Up to `cap` bytes of the current entry's data; 0 at its end, after its size and CRC-32 were
  // checked. DataLoss for corrupt or truncated data.
  Result<size_t> Read(char* buf, size_t cap);

 private:
  struct Inflater;
  ZipReader(ZipInput& in, uint64_t entries, uint64_t cd_offset, uint64_t cd_end);
  Status Refill();
  Status ReadAt(uint64_t offset, char* buf, size_t n);

  static constexpr size_t kWindow = 1 << 16;
  struct Window {
    std::unique_ptr<char[]> data;
    uint64_t offset = 0;
    size_t len = 0;
    uint64_t used = 0;  // for least-recently-used replacement
  };
  Window windows_[2];
  uint64_t clock_ = 0;

  ZipInput& in_;
  uint64_t entries_, next_entry_ = 0;
  uint64_t cd_cursor_, cd_end_, cd_start_;
  uint64_t last_local_ = 0;  // the previous entry's local header offset
  // The current entry.
  ZipEntry current_;
  bool have_entry_ = false;
  uint64_t in_left_ = 0;   // compressed bytes not yet read from the input
  uint64_t produced_ = 0;  // uncompressed bytes handed out
  uint32_t crc_ = 0;       // of the bytes handed out (stored entries)
  bool done_ = false;
  std::unique_ptr<Inflater> inflater_;
  std::unique_ptr<char[]> inbuf_;
};

}  // namespace surveyor::vulndb
