#include "image/byte_source.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/fs.h"

namespace surveyor::image {

Result<std::unique_ptr<FileSource>> FileSource::Open(const std::string& path, uint64_t offset,
                                                     uint64_t length) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "open " + path);
#ifdef POSIX_FADV_SEQUENTIAL
  (void)::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  return std::unique_ptr<FileSource>(new FileSource(fd, offset, length));
}

FileSource::~FileSource() { ::close(fd_); }

Result<size_t> FileSource::Read(char* buf, size_t n) {
  if (pos_ >= length_) return size_t{0};
  n = static_cast<size_t>(std::min<uint64_t>(n, length_ - pos_));
  while (true) {
    ssize_t got = ::pread(fd_, buf, n, static_cast<off_t>(offset_ + pos_));
    if (got < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "read");
    }
    pos_ += static_cast<uint64_t>(got);
    return static_cast<size_t>(got);
  }
}

Result<size_t> MemorySource::Read(char* buf, size_t n) {
  n = std::min(n, data_.size() - pos_);
  if (n > 0) std::memcpy(buf, data_.data() + pos_, n);
  pos_ += n;
  return n;
}

}  // namespace surveyor::image
