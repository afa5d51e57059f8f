#include "image/tar_index.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/fs.h"
#include "image/tar_reader.h"

namespace surveyor::image {
namespace {

bool ParseNumber(const char* field, size_t len, uint64_t& out) {
  const auto* f = reinterpret_cast<const unsigned char*>(field);
  if (f[0] & 0x80) {  // base-256 (GNU) for large sizes
    uint64_t v = f[0] & 0x7f;
    for (size_t i = 1; i < len; ++i) {
      if (v >> 56) return false;
      v = (v << 8) | f[i];
    }
    out = v;
    return true;
  }
  uint64_t v = 0;
  size_t i = 0;
  while (i < len && (field[i] == ' ' || field[i] == '\0')) ++i;
  for (; i < len && field[i] >= '0' && field[i] <= '7'; ++i) {
    if (v >> 60) return false;
    v = v * 8 + static_cast<uint64_t>(field[i] - '0');
  }
  out = v;
  return true;
}

std::string Field(const char* f, size_t len) { return std::string(f, strnlen(f, len)); }

bool ChecksumOk(const unsigned char* h) {
  uint64_t want;
  if (!ParseNumber(reinterpret_cast<const char*>(h) + 148, 8, want)) return false;
  uint64_t sum = 0;
  for (int i = 0; i < 512; ++i) sum += (i >= 148 && i < 156) ? ' ' : h[i];
  return sum == want;
}

// "len key=value\n" records; returns the path record if any.
std::string PaxPath(const std::string& data) {
  size_t i = 0;
  std::string path;
  while (i < data.size()) {
    size_t sp = data.find(' ', i);
    if (sp == std::string::npos) break;
    uint64_t len = std::strtoull(data.c_str() + i, nullptr, 10);
    if (len == 0 || i + len > data.size()) break;
    std::string rec = data.substr(sp + 1, i + len - sp - 2);
    if (rec.rfind("path=", 0) == 0) path = rec.substr(5);
    i += len;
  }
  return path;
}

}  // namespace

Result<TarIndex> TarIndex::Build(const std::string& path, uint64_t max_members) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "open " + path);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return ErrnoStatus(errno, "stat " + path);
  }
  uint64_t file_size = static_cast<uint64_t>(st.st_size);
  TarIndex idx;
  idx.path_ = path;
  uint64_t pos = 0;
  std::string long_name, long_link, pax_path;
  unsigned char h[512];
  Status status;
  auto read_at = [&](void* buf, size_t n, uint64_t at) -> bool {
    size_t done = 0;
    while (done < n) {
      ssize_t got = ::pread(fd, static_cast<char*>(buf) + done, n - done, static_cast<off_t>(at + done));
      if (got <= 0) return false;
      done += static_cast<size_t>(got);
    }
    return true;
  };
  while (true) {
    if (pos + 512 > file_size) {
      status = DataLoss("truncated tar archive " + path);
      break;
    }
    if (!read_at(h, 512, pos)) {
      status = DataLoss("read error in " + path);
      break;
    }
    bool zero = true;
    for (unsigned char c : h) zero &= c == 0;
    if (zero) break;  // end of archive
    if (!ChecksumOk(h)) {
      status = DataLoss("corrupt tar header at offset " + std::to_string(pos) + " in " + path);
      break;
    }
    uint64_t size;
    if (!ParseNumber(reinterpret_cast<char*>(h) + 124, 12, size)) {
      status = DataLoss("bad size field");
      break;
    }
    char type = static_cast<char>(h[156]);
    uint64_t data = pos + 512;
    if (data + size > file_size) {
      status = DataLoss("truncated tar member in " + path);
      break;
    }
    uint64_t next = data + ((size + 511) / 512) * 512;
    if (type == 'L' || type == 'K' || type == 'x') {
      if (size > (1 << 20)) {
        status = DataLoss("oversized extended header");
        break;
      }
      std::string buf(size, '\0');
      if (!read_at(buf.data(), size, data)) {
        status = DataLoss("read error");
        break;
      }
      if (type == 'L') long_name = buf.c_str();
      else if (type == 'K') long_link = buf.c_str();
      else pax_path = PaxPath(buf);
      pos = next;
      continue;
    }
    if (type == 'g') {
      pos = next;
      continue;
    }
    std::string name;
    if (!pax_path.empty()) name = pax_path;
    else if (!long_name.empty()) name = long_name;
    else {
      std::string prefix = std::memcmp(h + 257, "ustar", 5) == 0 ? Field(reinterpret_cast<char*>(h) + 345, 155) : "";
      name = Field(reinterpret_cast<char*>(h), 100);
      if (!prefix.empty()) name = prefix + "/" + name;
    }
    TarMember m;
    m.offset = data;
    m.size = (type == '0' || type == '\0' || type == '7') ? size : 0;
    m.type = type == '\0' ? '0' : type;
    m.link = !long_link.empty() ? long_link : Field(reinterpret_cast<char*>(h) + 157, 100);
    long_name.clear();
    long_link.clear();
    pax_path.clear();
    auto norm = NormalizeTarPath(name);
    if (norm && !norm->empty()) {
      if (idx.members_.size() >= max_members) {
        status = ResourceExhausted("archive has more than " + std::to_string(max_members) + " members");
        break;
      }
      idx.members_[*norm] = std::move(m);
    }
    pos = next;
  }
  ::close(fd);
  if (!status.ok()) return status;
  return idx;
}

const TarMember* TarIndex::Find(std::string name) const {
  for (int hops = 0; hops < 16; ++hops) {
    auto norm = NormalizeTarPath(name);
    if (!norm) return nullptr;
    auto it = members_.find(*norm);
    if (it == members_.end()) return nullptr;
    const TarMember& m = it->second;
    if (m.type == '0' || m.type == '7') return &m;
    if (m.type == '1') {  // hard link: target is a member name
      name = m.link;
    } else if (m.type == '2') {
      name = ResolveLinkTarget(*norm, m.link);
    } else {
      return nullptr;
    }
  }
  return nullptr;
}

}  // namespace surveyor::image
