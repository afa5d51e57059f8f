#include "image/tar_reader.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <vector>

namespace surveyor::image {
namespace {
constexpr size_t kBufSize = 1 << 20;
}

std::optional<std::string> NormalizeTarPath(std::string_view raw) {
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i <= raw.size()) {
    size_t j = raw.find('/', i);
    if (j == std::string_view::npos) j = raw.size();
    std::string_view part = raw.substr(i, j - i);
    if (part.empty() || part == ".") {
    } else if (part == "..") {
      if (parts.empty()) return std::nullopt;
      parts.pop_back();
    } else {
      parts.push_back(part);
    }
    i = j + 1;
  }
  std::string out;
  for (auto p : parts) {
    if (!out.empty()) out += '/';
    out += p;
  }
  return out;
}

std::string ResolveLinkTarget(std::string_view link_path, std::string_view target) {
  std::string joined;
  if (!target.empty() && target[0] == '/') {
    joined = std::string(target);
  } else {
    size_t slash = link_path.rfind('/');
    joined = slash == std::string_view::npos ? std::string()
                                             : std::string(link_path.substr(0, slash));
    joined += '/';
    joined += target;
  }
  // Clamp at the root: drop ".." components that would climb above it.
  std::vector<std::string_view> parts;
  std::string_view s = joined;
  size_t i = 0;
  while (i <= s.size()) {
    size_t j = s.find('/', i);
    if (j == std::string_view::npos) j = s.size();
    std::string_view part = s.substr(i, j - i);
    if (part.empty() || part == ".") {
    } else if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else {
      parts.push_back(part);
    }
    i = j + 1;
  }
  std::string out;
  for (auto p : parts) {
    if (!out.empty()) out += '/';
    out += p;
  }
  return out;
}

TarReader::TarReader(ByteSource& source)
    : source_(source), a_(archive_read_new()), buf_(new char[kBufSize]) {
  archive_read_support_format_tar(a_);
  archive_read_support_format_gnutar(a_);
  archive_read_support_filter_none(a_);
}

TarReader::~TarReader() { archive_read_free(a_); }

long TarReader::ReadCallback(struct archive* a, void* self_ptr, const void** buf) {  // NOLINT
  auto* self = static_cast<TarReader*>(self_ptr);
  auto got = self->source_.Read(self->buf_.get(), kBufSize);
  if (!got.ok()) {
    self->source_error_ = got.status();
    archive_set_error(a, EIO, "%s", got.status().message().c_str());
    return -1;
  }
  *buf = self->buf_.get();
  self->bytes_read_ += *got;
  return static_cast<long>(*got);  // NOLINT
}

Result<std::optional<TarEntry>> TarReader::Next() {
  if (!opened_) {
    opened_ = true;
    if (archive_read_open(a_, this, nullptr, &TarReader::ReadCallback, nullptr) != ARCHIVE_OK) {
      if (!source_error_.ok()) return source_error_;
      const char* e = archive_error_string(a_);
      // An empty stream is an empty layer.
      if (bytes_read_ == 0) return std::optional<TarEntry>();
      return DataLoss(std::string("not a tar stream: ") + e);
    }
  }
  struct archive_entry* e = nullptr;
  int rc = archive_read_next_header(a_, &e);
  if (rc == ARCHIVE_EOF) return std::optional<TarEntry>();
  if (!source_error_.ok()) return source_error_;
  if (rc == ARCHIVE_FATAL || rc == ARCHIVE_RETRY) {
    const char* msg = archive_error_string(a_);
    return DataLoss(std::string("corrupt or truncated tar: ") + (msg ? msg : "unknown error"));
  }
  // ARCHIVE_WARN (e.g. odd pax headers) still yields a usable entry.
  TarEntry out;
  const char* name = archive_entry_pathname(e);
  out.raw_path = name ? name : "";
  auto norm = NormalizeTarPath(out.raw_path);
  if (!norm) {
    out.unsafe_path = true;
  } else {
    out.path = std::move(*norm);
    if (out.path.empty()) out.unsafe_path = out.raw_path.empty();
  }
  out.size = archive_entry_size_is_set(e) ? static_cast<uint64_t>(archive_entry_size(e)) : 0;
  out.mode = static_cast<uint32_t>(archive_entry_perm(e));
  const char* hl = archive_entry_hardlink(e);
  if (hl != nullptr) {
    out.type = EntryType::kHardlink;
    auto t = NormalizeTarPath(hl);
    if (!t) out.unsafe_path = true; else out.link_target = *t;
  } else {
    switch (archive_entry_filetype(e)) {
      case AE_IFREG: out.type = EntryType::kFile; break;
      case AE_IFDIR: out.type = EntryType::kDir; break;
      case AE_IFLNK: {
        out.type = EntryType::kSymlink;
        const char* t = archive_entry_symlink(e);
        out.link_target = t ? t : "";
        break;
      }
      default: out.type = EntryType::kOther;
    }
  }
  return std::optional<TarEntry>(std::move(out));
}

Result<size_t> TarReader::ReadData(char* buf, size_t n) {
  la_ssize_t got = archive_read_data(a_, buf, n);
  if (got < 0) {
    if (!source_error_.ok()) return source_error_;
    const char* msg = archive_error_string(a_);
    return DataLoss(std::string("corrupt or truncated tar data: ") + (msg ? msg : "unknown"));
  }
  return static_cast<size_t>(got);
}

}  // namespace surveyor::image
