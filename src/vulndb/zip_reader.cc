#include "vulndb/zip_reader.h"

#include <fcntl.h>
#include <isa-l/crc.h>
#include <isa-l/igzip_lib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace surveyor::vulndb {
namespace {

constexpr uint32_t kLocalHeaderSig = 0x04034b50;
constexpr uint32_t kCentralHeaderSig = 0x02014b50;
constexpr uint32_t kEndSig = 0x06054b50;
constexpr uint32_t kZip64EndSig = 0x06064b50;
constexpr uint32_t kZip64LocatorSig = 0x07064b50;
constexpr size_t kEndSize = 22, kZip64EndSize = 56, kZip64LocatorSize = 20;
constexpr size_t kCentralHeaderSize = 46, kLocalHeaderSize = 30;
constexpr size_t kInputChunk = 1 << 16;

uint16_t U16(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<uint16_t>(u[0] | (u[1] << 8));
}
uint32_t U32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<uint32_t>(u[0]) | (static_cast<uint32_t>(u[1]) << 8) |
         (static_cast<uint32_t>(u[2]) << 16) | (static_cast<uint32_t>(u[3]) << 24);
}
uint64_t U64(const char* p) { return U32(p) | (static_cast<uint64_t>(U32(p + 4)) << 32); }

// [offset, offset + n) lies within [0, limit).
bool Within(uint64_t offset, uint64_t n, uint64_t limit) { return offset <= limit && n <= limit - offset; }

}  // namespace

// ------------------------------------------------------------------ inputs

Result<std::unique_ptr<ZipFile>> ZipFile::Open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) return NotFound("no such file: " + path);
    return Internal("cannot open " + path + ": " + std::strerror(err));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return Internal("cannot stat " + path + ": " + std::strerror(err));
  }
  return std::unique_ptr<ZipFile>(new ZipFile(fd, static_cast<uint64_t>(st.st_size), path));
}

ZipFile::~ZipFile() { ::close(fd_); }

Status ZipFile::ReadAt(uint64_t offset, char* buf, size_t n) {
  while (n > 0) {
    const ssize_t got = ::pread(fd_, buf, n, static_cast<off_t>(offset));
    if (got < 0) {
      if (errno == EINTR) continue;
      return Internal("cannot read " + path_ + ": " + std::strerror(errno));
    }
    if (got == 0) return DataLoss("unexpected end of " + path_);
    buf += got;
    offset += static_cast<uint64_t>(got);
    n -= static_cast<size_t>(got);
  }
  return Status::Ok();
}

Status ZipBytes::ReadAt(uint64_t offset, char* buf, size_t n) {
  if (!Within(offset, n, bytes_.size())) return DataLoss("read past the end of the archive");
  std::memcpy(buf, bytes_.data() + offset, n);
  return Status::Ok();
}

// ------------------------------------------------------------------ reader

struct ZipReader::Inflater {
  inflate_state st;
};

ZipReader::ZipReader(ZipInput& in, uint64_t entries, uint64_t cd_offset, uint64_t cd_end)
    : in_(in), entries_(entries), cd_cursor_(cd_offset), cd_end_(cd_end), cd_start_(cd_offset),
      inflater_(std::make_unique<Inflater>()),
      inbuf_(std::make_unique_for_overwrite<char[]>(kInputChunk)) {}

ZipReader::~ZipReader() = default;

Result<std::unique_ptr<ZipReader>> ZipReader::Open(ZipInput& in) {
  const uint64_t size = in.size();
  if (size < kEndSize) return InvalidArgument("not a zip archive (too short)");
  // The end record is the last thing in the file, followed only by its comment (< 64 KiB).
  const size_t tail_len = static_cast<size_t>(std::min<uint64_t>(size, kEndSize + 0xFFFF));
  const uint64_t tail_at = size - tail_len;
  std::string tail(tail_len, '\0');
  RETURN_IF_ERROR(in.ReadAt(tail_at, tail.data(), tail_len));
  size_t at = std::string::npos;
  for (size_t i = tail_len - kEndSize + 1; i-- > 0;) {
    if (U32(&tail[i]) == kEndSig && i + kEndSize + U16(&tail[i + 20]) <= tail_len) {
      at = i;
      break;
    }
  }
  if (at == std::string::npos) return InvalidArgument("no end of central directory record");
  const char* e = &tail[at];
  const uint64_t end_pos = tail_at + at;
  uint64_t disk = U16(e + 4), cd_disk = U16(e + 6), entries = U16(e + 10);
  uint64_t cd_size = U32(e + 12), cd_offset = U32(e + 16);
  uint64_t cd_limit = end_pos;
  if (entries == 0xFFFF || cd_size == 0xFFFFFFFF || cd_offset == 0xFFFFFFFF) {
    // Zip64: a locator just before the end record points to the zip64 end record.
    if (end_pos < kZip64LocatorSize) return InvalidArgument("zip64 locator missing");
    char loc[kZip64LocatorSize];
    RETURN_IF_ERROR(in.ReadAt(end_pos - kZip64LocatorSize, loc, sizeof loc));
    if (U32(loc) != kZip64LocatorSig) return InvalidArgument("zip64 locator missing");
    const uint64_t z64_at = U64(loc + 8);
    if (U32(loc + 4) != 0 || U32(loc + 16) > 1) return Unimplemented("multi-disk zip archive");
    if (!Within(z64_at, kZip64EndSize, end_pos - kZip64LocatorSize)) {
      return InvalidArgument("zip64 end record outside the archive");
    }
    char z[kZip64EndSize];
    RETURN_IF_ERROR(in.ReadAt(z64_at, z, sizeof z));
    if (U32(z) != kZip64EndSig) return InvalidArgument("bad zip64 end record");
    disk = U32(z + 16);
    cd_disk = U32(z + 20);
    entries = U64(z + 32);
    cd_size = U64(z + 40);
    cd_offset = U64(z + 48);
    cd_limit = z64_at;
  }
  if (disk != 0 || cd_disk != 0) return Unimplemented("multi-disk zip archive");
  if (!Within(cd_offset, cd_size, cd_limit)) return InvalidArgument("central directory outside the archive");
  if (entries > cd_size / kCentralHeaderSize) return InvalidArgument("central directory too small for its entries");
  return std::unique_ptr<ZipReader>(new ZipReader(in, entries, cd_offset, cd_offset + cd_size));
}

Result<bool> ZipReader::Next(ZipEntry& entry) {
  have_entry_ = false;
  if (next_entry_ == entries_) return false;
  if (!Within(cd_cursor_, kCentralHeaderSize, cd_end_)) return DataLoss("central directory truncated");
  char h[kCentralHeaderSize];
  RETURN_IF_ERROR(ReadAt(cd_cursor_, h, sizeof h));
  if (U32(h) != kCentralHeaderSig) return InvalidArgument("bad central directory record");
  const uint16_t made_by = U16(h + 4), flags = U16(h + 8), method = U16(h + 10);
  const uint16_t name_len = U16(h + 28), extra_len = U16(h + 30), comment_len = U16(h + 32);
  uint64_t compressed = U32(h + 20), size = U32(h + 24), local = U32(h + 42);
  uint32_t disk_start = U16(h + 34);
  const uint32_t external = U32(h + 38);
  const uint64_t record = kCentralHeaderSize + name_len + extra_len + comment_len;
  if (!Within(cd_cursor_, record, cd_end_)) return DataLoss("central directory truncated");
  std::string name_extra(name_len + extra_len, '\0');
  RETURN_IF_ERROR(ReadAt(cd_cursor_ + kCentralHeaderSize, name_extra.data(), name_extra.size()));
  ZipEntry e;
  e.name = name_extra.substr(0, name_len);
  if (flags & 0x41) return Unimplemented("encrypted entry " + e.name);
  if (method != 0 && method != 8) return Unimplemented("compression method " + std::to_string(method));
  for (const char c : e.name) {
    // libarchive converts names that are not ASCII (code page 437 or UTF-8); leave those to it.
    if (static_cast<unsigned char>(c) >= 0x80 || c == '\0') return Unimplemented("entry name not ASCII");
  }
  // The zip64 extra field holds the 64-bit values whose 32-bit fields are all ones, in order.
  const std::string_view extra = std::string_view(name_extra).substr(name_len);
  for (size_t p = 0; p + 4 <= extra.size();) {
    const uint16_t id = U16(&extra[p]), len = U16(&extra[p + 2]);
    if (p + 4 + len > extra.size()) return InvalidArgument("extra field overruns its record");
    if (id == 0x0001) {
      std::string_view v = extra.substr(p + 4, len);
      auto take64 = [&](uint64_t& field) -> bool {
        if (v.size() < 8) return false;
        field = U64(v.data());
        v.remove_prefix(8);
        return true;
      };
      if (size == 0xFFFFFFFF && !take64(size)) return InvalidArgument("zip64 extra field too short");
      if (compressed == 0xFFFFFFFF && !take64(compressed)) return InvalidArgument("zip64 extra field too short");
      if (local == 0xFFFFFFFF && !take64(local)) return InvalidArgument("zip64 extra field too short");
      if (disk_start == 0xFFFF) {
        if (v.size() < 4) return InvalidArgument("zip64 extra field too short");
        disk_start = U32(v.data());
      }
    }
    p += 4 + len;
  }
  if (disk_start != 0) return Unimplemented("multi-disk zip archive");
  // The local header: same method and name, and the data before the central directory.
  if (!Within(local, kLocalHeaderSize + name_len, cd_start_)) return InvalidArgument("local header outside the archive");
  std::string lh(kLocalHeaderSize + name_len, '\0');
  RETURN_IF_ERROR(ReadAt(local, lh.data(), lh.size()));
  if (U32(lh.data()) != kLocalHeaderSig) return InvalidArgument("bad local header for " + e.name);
  if (U16(&lh[8]) != method || U16(&lh[26]) != name_len ||
      std::string_view(lh).substr(kLocalHeaderSize) != e.name) {
    return InvalidArgument("local header disagrees with the central directory for " + e.name);
  }
  e.data_offset = local + kLocalHeaderSize + name_len + U16(&lh[28]);
  if (!Within(e.data_offset, compressed, cd_start_)) return InvalidArgument("entry data outside the archive: " + e.name);
  // libarchive reads entries in the order of their data; so does this reader when that is the
  // order of the central directory (it always is in archives that zip writers make).
  if (next_entry_ > 0 && local <= last_local_) return Unimplemented("central directory not in file order");
  last_local_ = local;
  if (method == 0 && compressed != size) return DataLoss("stored entry " + e.name + " has two sizes");
  e.compressed_size = compressed;
  e.size = size;
  e.crc32 = U32(h + 16);
  e.method = method;
  const uint32_t mode = external >> 16;
  if (!e.name.empty() && e.name.back() == '/') {
    e.regular = false;
  } else if ((made_by >> 8) == 3 && (mode & 0170000) != 0) {  // Unix: the mode's file type
    e.regular = (mode & 0170000) == 0100000;
  }
  cd_cursor_ += record;
  ++next_entry_;
  // Ready for Read.
  current_ = e;
  in_left_ = compressed;
  produced_ = 0;
  crc_ = 0;
  done_ = false;
  have_entry_ = true;
  if (method == 8) {
    isal_inflate_init(&inflater_->st);
    inflater_->st.crc_flag = ISAL_GZIP_NO_HDR;  // raw deflate; the CRC-32 of the output kept in st.crc
    inflater_->st.avail_in = 0;
  }
  entry = std::move(e);
  return true;
}

// Reads through two windows of the input, one for the central directory and one for the
// entries (the reader walks both in order, in small records): one system call per window
// instead of three or four per entry. Reads of a window's size or more go straight through.
Status ZipReader::ReadAt(uint64_t offset, char* buf, size_t n) {
  if (n >= kWindow) return in_.ReadAt(offset, buf, n);
  for (Window& w : windows_) {
    if (w.len > 0 && offset >= w.offset && offset - w.offset + n <= w.len) {
      std::memcpy(buf, w.data.get() + (offset - w.offset), n);
      w.used = ++clock_;
      return Status::Ok();
    }
  }
  Window& w = windows_[0].used <= windows_[1].used ? windows_[0] : windows_[1];
  if (!w.data) w.data = std::make_unique_for_overwrite<char[]>(kWindow);
  const uint64_t size = in_.size();
  if (offset > size || n > size - offset) return DataLoss("read past the end of the archive");
  w.len = 0;
  const size_t len = static_cast<size_t>(std::min<uint64_t>(kWindow, size - offset));
  RETURN_IF_ERROR(in_.ReadAt(offset, w.data.get(), len));
  w.offset = offset;
  w.len = len;
  w.used = ++clock_;
  std::memcpy(buf, w.data.get(), n);
  return Status::Ok();
}

// More compressed input after the bytes inflate has not consumed yet.
Status ZipReader::Refill() {
  inflate_state& st = inflater_->st;
  const size_t keep = st.avail_in;
  if (keep > 0 && st.next_in != reinterpret_cast<uint8_t*>(inbuf_.get())) {
    std::memmove(inbuf_.get(), st.next_in, keep);
  }
  const size_t n = static_cast<size_t>(std::min<uint64_t>(kInputChunk - keep, in_left_));
  if (n == 0) return DataLoss(current_.name + ": deflate data makes no progress");
  RETURN_IF_ERROR(ReadAt(current_.data_offset + (current_.compressed_size - in_left_), inbuf_.get() + keep, n));
  in_left_ -= n;
  st.next_in = reinterpret_cast<uint8_t*>(inbuf_.get());
  st.avail_in = static_cast<uint32_t>(keep + n);
  return Status::Ok();
}

Result<size_t> ZipReader::Read(char* buf, size_t cap) {
  if (!have_entry_) return FailedPrecondition("no current zip entry");
  if (done_ || cap == 0) return size_t{0};
  cap = std::min<size_t>(cap, UINT32_MAX);
  auto finish = [&](uint32_t crc) -> Result<size_t> {
    if (produced_ != current_.size) {
      return DataLoss(current_.name + ": " + std::to_string(produced_) + " bytes, the directory says " +
                      std::to_string(current_.size));
    }
    if (crc != current_.crc32) return DataLoss(current_.name + ": CRC-32 mismatch");
    done_ = true;
    return size_t{0};
  };
  if (current_.method == 0) {
    if (in_left_ == 0) return finish(crc_);
    const size_t n = static_cast<size_t>(std::min<uint64_t>(cap, in_left_));
    RETURN_IF_ERROR(ReadAt(current_.data_offset + (current_.compressed_size - in_left_), buf, n));
    in_left_ -= n;
    produced_ += n;
    crc_ = crc32_gzip_refl(crc_, reinterpret_cast<const unsigned char*>(buf), n);
    return n;
  }
  inflate_state& st = inflater_->st;
  st.next_out = reinterpret_cast<uint8_t*>(buf);
  st.avail_out = static_cast<uint32_t>(cap);
  bool stalled = false;  // the last call took no input and gave no output: it needs more input
  while (st.avail_out == cap && st.block_state != ISAL_BLOCK_FINISH) {
    if ((st.avail_in == 0 || stalled) && in_left_ > 0) {
      RETURN_IF_ERROR(Refill());
    } else if (stalled) {  // all input given, and inflate has nothing more to say
      return DataLoss(current_.name + ": deflate data ends early");
    }
    const uint32_t avail_in = st.avail_in;
    const int rc = isal_inflate(&st);
    if (rc < 0) return DataLoss(current_.name + ": corrupt deflate data (igzip error " + std::to_string(rc) + ")");
    stalled = st.avail_in == avail_in && st.avail_out == cap && st.block_state != ISAL_BLOCK_FINISH;
  }
  const size_t n = cap - st.avail_out;
  produced_ += n;
  if (produced_ > current_.size) return DataLoss(current_.name + ": inflates beyond its declared size");
  if (n == 0) return finish(st.crc);
  return n;
}

Status ZipReader::Check(ZipInput& in) {
  ASSIGN_OR_RETURN(auto reader, Open(in));
  ZipEntry e;
  while (true) {
    ASSIGN_OR_RETURN(bool more, reader->Next(e));
    if (!more) return Status::Ok();
  }
}

}  // namespace surveyor::vulndb
