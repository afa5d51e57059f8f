// Test helper (tests only): builds small tar archives in memory with libarchive's writer, and
// gzip/zstd compresses them, so that tests make their own layers and images.
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <zlib.h>
#include <zstd.h>

#include <cstring>
#include <string>
#include <vector>

namespace surveyor::image::testing {

struct TarSpec {
  std::string path;
  std::string data;
  char type = 'f';  // 'f' file, 'd' dir, 'l' symlink (data = target), 'h' hard link (data = target)
  unsigned mode = 0644;
};

enum class TarFormat { kPax, kGnu, kUstar };

inline std::string BuildTar(const std::vector<TarSpec>& specs, TarFormat format = TarFormat::kPax) {
  struct archive* a = archive_write_new();
  if (format == TarFormat::kPax) archive_write_set_format_pax_restricted(a);
  else if (format == TarFormat::kGnu) archive_write_set_format_gnutar(a);
  else archive_write_set_format_ustar(a);
  archive_write_set_bytes_in_last_block(a, 1);
  std::string out;
  archive_write_open(
      a, &out, nullptr,
      [](struct archive*, void* ctx, const void* buf, size_t n) -> la_ssize_t {
        static_cast<std::string*>(ctx)->append(static_cast<const char*>(buf), n);
        return static_cast<la_ssize_t>(n);
      },
      nullptr);
  for (const auto& s : specs) {
    struct archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, s.path.c_str());
    archive_entry_set_perm(e, s.mode);
    if (s.type == 'f') {
      archive_entry_set_filetype(e, AE_IFREG);
      archive_entry_set_size(e, static_cast<la_int64_t>(s.data.size()));
    } else if (s.type == 'd') {
      archive_entry_set_filetype(e, AE_IFDIR);
    } else if (s.type == 'l') {
      archive_entry_set_filetype(e, AE_IFLNK);
      archive_entry_set_symlink(e, s.data.c_str());
    } else {
      archive_entry_set_filetype(e, AE_IFREG);
      archive_entry_set_hardlink(e, s.data.c_str());
      archive_entry_set_size(e, 0);
    }
    archive_write_header(a, e);
    if (s.type == 'f' && !s.data.empty()) archive_write_data(a, s.data.data(), s.data.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

inline std::string Gzip(const std::string& in, int level = 6) {
  z_stream zs;
  std::memset(&zs, 0, sizeof zs);
  deflateInit2(&zs, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, in.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

inline std::string Zstd(const std::string& in, int level = 3) {
  std::string out(ZSTD_compressBound(in.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), in.data(), in.size(), level);
  out.resize(n);
  return out;
}

}  // namespace surveyor::image::testing
