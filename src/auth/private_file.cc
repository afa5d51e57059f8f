#include "auth/private_file.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "auth/crypto.h"
#include "common/digest.h"
#include "common/fs.h"

namespace surveyor::auth {
namespace {

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "write " + path);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

}  // namespace

Status WritePrivateFile(const std::string& path, std::string_view content, bool overwrite) {
  struct stat st;
  if (!overwrite && ::stat(path.c_str(), &st) == 0) {
    return AlreadyExists(path + " already exists");
  }
  ASSIGN_OR_RETURN(std::string suffix, RandomBytes(6));
  const std::string tmp = path + ".tmp-" + HexEncode(suffix);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoStatus(errno, "create " + tmp);
  Status s = WriteAll(fd, content, tmp);
  // The umask cannot widen 0600, but make the mode explicit in case the file system ignores it.
  if (s.ok() && ::fchmod(fd, 0600) != 0) s = ErrnoStatus(errno, "chmod " + tmp);
  if (s.ok() && ::fsync(fd) != 0) s = ErrnoStatus(errno, "fsync " + tmp);
  if (::close(fd) != 0 && s.ok()) s = ErrnoStatus(errno, "close " + tmp);
  if (s.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) s = ErrnoStatus(errno, "rename " + tmp);
  if (!s.ok()) {
    ::unlink(tmp.c_str());
    return s;
  }
  return PosixFileSystem::Default().SyncDir(DirName(path));
}

Result<std::string> ReadPrivateFile(const std::string& path, uint64_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "open " + path);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    Status s = ErrnoStatus(errno, "stat " + path);
    ::close(fd);
    return s;
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return FailedPrecondition(path + " holds key material but has mode " + mode +
                              "; run: chmod 600 " + path);
  }
  if (static_cast<uint64_t>(st.st_size) > max_bytes) {
    ::close(fd);
    return ResourceExhausted(path + " is larger than " + std::to_string(max_bytes) + " bytes");
  }
  std::string out(static_cast<size_t>(st.st_size), '\0');
  size_t got = 0;
  while (got < out.size()) {
    ssize_t n = ::read(fd, out.data() + got, out.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  out.resize(got);
  return out;
}

Result<std::string> LoadOrCreateKeyFile(const std::string& path) {
  auto text = ReadPrivateFile(path, 4096);
  if (!text.ok() && text.status().code() == StatusCode::kNotFound) {
    ASSIGN_OR_RETURN(std::string key, RandomBytes(32));
    std::string hex = HexEncode(key) + "\n";
    Status w = WritePrivateFile(path, hex, /*overwrite=*/false);
    OPENSSL_cleanse(hex.data(), hex.size());
    if (w.code() == StatusCode::kAlreadyExists) return LoadOrCreateKeyFile(path);  // a race
    RETURN_IF_ERROR(w);
    return key;
  }
  if (!text.ok()) return text.status();
  std::string_view t = *text;
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.remove_suffix(1);
  std::string key;
  if (t.size() == 64) {
    for (size_t i = 0; i < 64; i += 2) {
      auto nib = [](char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      };
      int hi = nib(t[i]), lo = nib(t[i + 1]);
      if (hi < 0 || lo < 0) break;
      key += static_cast<char>(hi * 16 + lo);
    }
  }
  OPENSSL_cleanse(text->data(), text->size());
  if (key.size() != 32) {
    return FailedPrecondition(path + " is not a key file (expected 64 lower-case hex characters)");
  }
  return key;
}

}  // namespace surveyor::auth
