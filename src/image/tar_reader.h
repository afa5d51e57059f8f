// TarReader: walks a tar stream (ustar, pax and GNU extensions, via libarchive) read from a
// ByteSource that we decompress ourselves; nothing touches disk. Entry paths are normalised to
// image-root-relative form ("usr/bin/x"); entries whose path would leave the root ("..", absolute
// escapes) are reported as unsafe. The reader borrows its source; one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "image/byte_source.h"

struct archive;

namespace surveyor::image {

enum class EntryType { kFile, kDir, kSymlink, kHardlink, kOther };

struct TarEntry {
  std::string path;         // normalised, no leading "/" or "./", no trailing "/"
  EntryType type = EntryType::kOther;
  uint64_t size = 0;
  uint32_t mode = 0;
  std::string link_target;  // symlink target as written; hard link target normalised
  bool unsafe_path = false; // the raw name escaped the root or was empty
  std::string raw_path;
};

// Lexically normalises `raw` relative to the root. Returns nullopt when ".." climbs above it.
std::optional<std::string> NormalizeTarPath(std::string_view raw);

// Resolves a symlink `target` found at `link_path` to a root-relative path, clamping at the root
// the way a chroot does (an absolute target starts at the root, ".." at the root stays there).
std::string ResolveLinkTarget(std::string_view link_path, std::string_view target);

class TarReader {
 public:
  explicit TarReader(ByteSource& source);
  ~TarReader();
  TarReader(const TarReader&) = delete;
  TarReader& operator=(const TarReader&) = delete;

  // The next entry, nullopt at the end of the archive, DataLoss for a corrupt/truncated tar.
  Result<std::optional<TarEntry>> Next();
  // Reads the current entry's data; 0 at its end. Unread data is skipped by Next().
  Result<size_t> ReadData(char* buf, size_t n);

 private:
  static long ReadCallback(struct archive*, void* self, const void** buf);  // NOLINT
  ByteSource& source_;
  struct archive* a_;
  std::unique_ptr<char[]> buf_;
  Status source_error_;
  bool opened_ = false;
  uint64_t bytes_read_ = 0;
};

}  // namespace surveyor::image
