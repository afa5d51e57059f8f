#include "store/blob_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

namespace surveyor::store {

Status BlobStore::Init() {
  RETURN_IF_ERROR(fs_.MakeDirs(JoinPath(root_, "blobs/sha256")));
  RETURN_IF_ERROR(fs_.MakeDirs(JoinPath(root_, "blobs/sha512")));
  return fs_.MakeDirs(JoinPath(root_, "uploads"));
}

std::string BlobStore::BlobPath(const Digest& d) const {
  return JoinPath(root_, "blobs/" + std::string(DigestAlgorithmName(d.algorithm())) + "/" +
                             d.hex().substr(0, 2) + "/" + d.hex());
}

std::string BlobStore::UploadPath(std::string_view id) const {
  return JoinPath(root_, "uploads/" + std::string(id));
}

Result<uint64_t> BlobStore::BlobSize(const Digest& d) { return fs_.FileSize(BlobPath(d)); }
bool BlobStore::Exists(const Digest& d) { return fs_.Exists(BlobPath(d)); }

Status BlobStore::CreateUpload(std::string_view id) {
  ASSIGN_OR_RETURN(auto file, fs_.OpenWritable(UploadPath(id), false));
  return file->Close();
}

Result<uint64_t> BlobStore::UploadSize(std::string_view id) {
  auto size = fs_.FileSize(UploadPath(id));
  if (!size.ok() && size.status().code() == StatusCode::kNotFound) {
    return NotFound("upload not found", "BLOB_UPLOAD_UNKNOWN");
  }
  return size;
}

Result<uint64_t> BlobStore::AppendToUpload(std::string_view id, ByteSource& source, Hasher* hasher,
                                           uint64_t max_total) {
  const std::string path = UploadPath(id);
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return NotFound("upload not found", "BLOB_UPLOAD_UNKNOWN");
    return ErrnoStatus(errno, "open " + path);
  }
  const off_t start = ::lseek(fd, 0, SEEK_END);
  uint64_t size = static_cast<uint64_t>(start);
  std::vector<char> buffer(1 << 20);
  Status failure;
  for (;;) {
    auto n = source.Read(buffer.data(), buffer.size());
    if (!n.ok()) {
      failure = n.status();
      break;
    }
    if (*n == 0) break;
    if (size + *n > max_total) {
      failure = ResourceExhausted("upload exceeds the maximum blob size of " +
                                      std::to_string(max_total) + " bytes",
                                  "SIZE_INVALID");
      break;
    }
    const char* p = buffer.data();
    size_t left = *n;
    while (left > 0) {
      const ssize_t w = ::write(fd, p, left);
      if (w < 0) {
        if (errno == EINTR) continue;
        failure = ErrnoStatus(errno, "write upload");
        break;
      }
      p += w;
      left -= static_cast<size_t>(w);
    }
    if (!failure.ok()) break;
    if (hasher) hasher->Update(buffer.data(), *n);
    size += *n;
  }
  if (!failure.ok()) {
    (void)!::ftruncate(fd, start);
    ::close(fd);
    return failure;
  }
  ::close(fd);
  return size;
}

Result<Digest> BlobStore::HashUpload(std::string_view id, DigestAlgorithm algorithm) {
  const std::string path = UploadPath(id);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "open " + path);
  Hasher hasher(algorithm);
  std::vector<char> buffer(1 << 20);
  for (;;) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return ErrnoStatus(err, "read " + path);
    }
    if (n == 0) break;
    hasher.Update(buffer.data(), static_cast<size_t>(n));
  }
  ::close(fd);
  return hasher.Finish();
}

Status BlobStore::CommitUpload(std::string_view id, const Digest& digest) {
  const std::string from = UploadPath(id);
  const std::string to = BlobPath(digest);
  if (fs_.Exists(to)) return DeleteUpload(id);
  {
    const int fd = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus(errno, "open " + from);
    const int rc = ::fdatasync(fd);
    const int err = errno;
    ::close(fd);
    if (rc != 0) return ErrnoStatus(err, "fsync " + from);
  }
  RETURN_IF_ERROR(fs_.MakeDirs(DirName(to)));
  RETURN_IF_ERROR(fs_.Rename(from, to));
  return fs_.SyncDir(DirName(to));
}

Status BlobStore::DeleteUpload(std::string_view id) {
  Status s = fs_.Remove(UploadPath(id));
  if (!s.ok() && s.code() == StatusCode::kNotFound) return Status::Ok();
  return s;
}

Status BlobStore::PutSmall(const Digest& digest, std::string_view content) {
  const std::string to = BlobPath(digest);
  if (fs_.Exists(to)) return Status::Ok();
  RETURN_IF_ERROR(fs_.MakeDirs(DirName(to)));
  return fs_.WriteFileAtomic(to, content);
}

Result<std::string> BlobStore::ReadSmall(const Digest& digest, uint64_t max_bytes) {
  return fs_.ReadFile(BlobPath(digest), max_bytes);
}

Status BlobStore::Delete(const Digest& digest) {
  Status s = fs_.Remove(BlobPath(digest));
  if (!s.ok() && s.code() == StatusCode::kNotFound) {
    return NotFound("blob not found", "BLOB_UNKNOWN");
  }
  return s;
}

}  // namespace surveyor::store
