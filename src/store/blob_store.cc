#include "store/blob_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "common/hash_pipeline.h"

namespace surveyor::store {
namespace {
constexpr uint64_t kWritebackBytes = 8 << 20;
// An upload is read in buffers of this size; a hashed one keeps this many in flight between the
// connection's thread and the hashing thread (1 MiB per upload in all, either way).
constexpr size_t kBufferBytes = 256 << 10;
constexpr size_t kHashBuffers = 4;
}  // namespace

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

Status BlobStore::CreateUpload(std::string_view id, std::string_view repository) {
  {
    ASSIGN_OR_RETURN(auto repo_file, fs_.OpenWritable(UploadPath(id) + ".repo", false));
    RETURN_IF_ERROR(repo_file->Append(repository));
    RETURN_IF_ERROR(repo_file->Close());
  }
  ASSIGN_OR_RETURN(auto file, fs_.OpenWritable(UploadPath(id), false));
  return file->Close();
}

Result<std::string> BlobStore::UploadRepository(std::string_view id) {
  auto repo = fs_.ReadFile(UploadPath(id) + ".repo", 4096);
  if (!repo.ok() && repo.status().code() == StatusCode::kNotFound) {
    return NotFound("upload not found", "BLOB_UPLOAD_UNKNOWN");
  }
  return repo;
}

Result<std::vector<std::string>> BlobStore::ListUploads() {
  ASSIGN_OR_RETURN(auto names, fs_.ListDir(JoinPath(root_, "uploads")));
  std::vector<std::string> ids;
  for (const auto& n : names) {
    if (n.size() > 5 && n.ends_with(".repo")) ids.push_back(n.substr(0, n.size() - 5));
  }
  return ids;
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
  uint64_t flushed = size;
  // With a hasher, the bytes are hashed on a second thread while the next ones arrive.
  std::optional<HashPipeline> pipeline;
  std::unique_ptr<char[]> plain;
  if (hasher) {
    pipeline.emplace(*hasher, kHashBuffers, kBufferBytes);
  } else {
    plain = std::make_unique_for_overwrite<char[]>(kBufferBytes);
  }
  Status failure;
  for (;;) {
    const std::span<char> buffer =
        pipeline ? pipeline->Borrow() : std::span<char>(plain.get(), kBufferBytes);
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
    if (pipeline) pipeline->Hash(*n);
    size += *n;
    // Start writeback of what has accumulated, without waiting for it, so that the fsync at
    // commit time finds most of the data already on disk.
    if (size - flushed >= kWritebackBytes) {
      ::sync_file_range(fd, static_cast<off_t>(flushed), static_cast<off_t>(size - flushed),
                        SYNC_FILE_RANGE_WRITE);
      flushed = size;
    }
  }
  if (!failure.ok()) {
    (void)!::ftruncate(fd, start);
    ::close(fd);
    return failure;
  }
  if (pipeline) pipeline->Finish();
  ::close(fd);
  return size;
}

namespace {
Result<Digest> HashFile(const std::string& path, DigestAlgorithm algorithm, uint64_t& size) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "open " + path);
  Hasher hasher(algorithm);
  std::vector<char> buffer(1 << 20);
  size = 0;
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
    size += static_cast<uint64_t>(n);
  }
  ::close(fd);
  return hasher.Finish();
}
}  // namespace

Result<Digest> BlobStore::HashUpload(std::string_view id, DigestAlgorithm algorithm) {
  uint64_t size = 0;
  return HashFile(UploadPath(id), algorithm, size);
}

Result<Digest> BlobStore::HashBlob(const Digest& digest, uint64_t& size) {
  return HashFile(BlobPath(digest), digest.algorithm(), size);
}

Status BlobStore::SyncUpload(std::string_view id) {
  const std::string path = UploadPath(id);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "open " + path);
  const int rc = ::fdatasync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return ErrnoStatus(err, "fsync " + path);
  return Status::Ok();
}

Status BlobStore::PublishUpload(std::string_view id, const Digest& digest) {
  const std::string from = UploadPath(id);
  const std::string to = BlobPath(digest);
  if (fs_.Exists(to)) return DeleteUpload(id);
  (void)fs_.Remove(from + ".repo");
  RETURN_IF_ERROR(fs_.MakeDirs(DirName(to)));
  RETURN_IF_ERROR(fs_.Rename(from, to));
  return fs_.SyncDir(DirName(to));
}

Status BlobStore::CommitUpload(std::string_view id, const Digest& digest) {
  if (fs_.Exists(BlobPath(digest))) return DeleteUpload(id);
  RETURN_IF_ERROR(SyncUpload(id));
  return PublishUpload(id, digest);
}

std::string BlobStore::TrashPath(const Digest& d) const {
  return JoinPath(root_, "trash/" + std::string(DigestAlgorithmName(d.algorithm())) + "-" + d.hex());
}

Status BlobStore::MoveToTrash(const Digest& digest) {
  RETURN_IF_ERROR(fs_.MakeDirs(JoinPath(root_, "trash")));
  Status s = fs_.Rename(BlobPath(digest), TrashPath(digest));
  if (!s.ok() && s.code() == StatusCode::kNotFound) return Status::Ok();  // already gone
  return s;
}

Status BlobStore::RestoreFromTrash(const Digest& digest) {
  RETURN_IF_ERROR(fs_.MakeDirs(DirName(BlobPath(digest))));
  return fs_.Rename(TrashPath(digest), BlobPath(digest));
}

Status BlobStore::EmptyTrashEntry(const Digest& digest) {
  Status s = fs_.Remove(TrashPath(digest));
  if (!s.ok() && s.code() == StatusCode::kNotFound) return Status::Ok();
  return s;
}

Result<std::vector<Digest>> BlobStore::ListTrash() {
  std::vector<Digest> out;
  auto names = fs_.ListDir(JoinPath(root_, "trash"));
  if (!names.ok()) {
    if (names.status().code() == StatusCode::kNotFound) return out;
    return names.status();
  }
  for (const auto& n : *names) {
    const size_t dash = n.find('-');
    if (dash == std::string::npos) continue;
    auto d = Digest::Parse(n.substr(0, dash) + ":" + n.substr(dash + 1));
    if (d.ok()) out.push_back(*d);
  }
  return out;
}

Status BlobStore::ForEachBlobBatch(
    const std::function<Status(const std::vector<Digest>&)>& fn) {
  for (const char* algorithm : {"sha256", "sha512"}) {
    const std::string dir = JoinPath(root_, std::string("blobs/") + algorithm);
    auto prefixes = fs_.ListDir(dir);
    if (!prefixes.ok()) continue;
    for (const auto& prefix : *prefixes) {
      auto names = fs_.ListDir(JoinPath(dir, prefix));
      if (!names.ok()) continue;
      std::vector<Digest> batch;
      for (const auto& name : *names) {
        auto d = Digest::Parse(std::string(algorithm) + ":" + name);
        if (d.ok()) batch.push_back(*d);
      }
      if (!batch.empty()) RETURN_IF_ERROR(fn(batch));
    }
  }
  return Status::Ok();
}

Status BlobStore::DeleteUpload(std::string_view id) {
  (void)fs_.Remove(UploadPath(id) + ".repo");
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
