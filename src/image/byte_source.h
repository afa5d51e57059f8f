// Byte sources: the pull-based stream every layer reader is built from (file → decompressor → tar).
// A ByteSource is owned by one reader and used from one thread. Read returns 0 only at end of
// stream; errors are specific Statuses (DataLoss for corrupt data, ResourceExhausted for limits).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "common/stream.h"

namespace surveyor::image {

// common's ByteSource plus a count of consumed input, which the ratio limit needs.
class ByteSource : public surveyor::ByteSource {
 public:
  // Bytes consumed from the underlying input so far (compressed bytes for a decompressor).
  virtual uint64_t consumed() const = 0;
};

// Reads a file (or a byte range of it) with pread; the file is closed on destruction.
class FileSource final : public ByteSource {
 public:
  // `length` = UINT64_MAX reads to the end of the file.
  static Result<std::unique_ptr<FileSource>> Open(const std::string& path, uint64_t offset = 0,
                                                  uint64_t length = UINT64_MAX);
  ~FileSource() override;
  Result<size_t> Read(char* buf, size_t n) override;
  uint64_t consumed() const override { return pos_; }

 private:
  FileSource(int fd, uint64_t offset, uint64_t length) : fd_(fd), offset_(offset), length_(length) {}
  int fd_;
  uint64_t offset_;
  uint64_t length_;
  uint64_t pos_ = 0;
};

// Adapts any common ByteSource (an HTTP body, a store blob), counting the bytes it yields.
class CountingSource final : public ByteSource {
 public:
  explicit CountingSource(std::unique_ptr<surveyor::ByteSource> in) : in_(std::move(in)) {}
  Result<size_t> Read(char* buf, size_t n) override {
    ASSIGN_OR_RETURN(size_t got, in_->Read(buf, n));
    pos_ += got;
    return got;
  }
  uint64_t consumed() const override { return pos_; }

 private:
  std::unique_ptr<surveyor::ByteSource> in_;
  uint64_t pos_ = 0;
};

// Reads from a borrowed memory range (tests, nested archives).
class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(std::string_view data) : data_(data) {}
  Result<size_t> Read(char* buf, size_t n) override;
  uint64_t consumed() const override { return pos_; }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

}  // namespace surveyor::image
