#include "analyze/rpm/rpm.h"

#include <sqlite3.h>

#include <cstring>

namespace surveyor::analyze::rpm {
namespace {

constexpr uint64_t kMaxDbBytes = 40 << 20;
constexpr uint32_t kMaxEntries = 65536;

uint32_t Be32(std::string_view b, size_t off) {
  return (static_cast<uint32_t>(static_cast<uint8_t>(b[off])) << 24) |
         (static_cast<uint32_t>(static_cast<uint8_t>(b[off + 1])) << 16) |
         (static_cast<uint32_t>(static_cast<uint8_t>(b[off + 2])) << 8) |
         static_cast<uint32_t>(static_cast<uint8_t>(b[off + 3]));
}
uint32_t Le32(std::string_view b, size_t off) {
  uint32_t v;
  std::memcpy(&v, b.data() + off, 4);
  return v;
}
uint16_t Le16(std::string_view b, size_t off) {
  uint16_t v;
  std::memcpy(&v, b.data() + off, 2);
  return v;
}

enum Tag : uint32_t {
  kName = 1000, kVersion = 1001, kRelease = 1002, kEpoch = 1003, kArch = 1022, kSourceRpm = 1044,
  kDirIndexes = 1116, kBaseNames = 1117, kDirNames = 1118,
};

std::string RootOf(std::string_view db_path) {
  for (std::string_view suffix : {"var/lib/rpm/", "usr/lib/sysimage/rpm/"}) {
    size_t pos = db_path.rfind(suffix);
    if (pos != std::string_view::npos) return std::string(db_path.substr(0, pos));
  }
  return "";
}

class RpmAnalyzer final : public Analyzer {
 public:
  std::string_view name() const override { return "rpm"; }
  int version() const override { return 1; }
  bool Required(const FileMeta& f) const override {
    std::string_view base = BaseName(f.path);
    std::string_view dir = BaseName(ParentDir(f.path));
    if (dir != "rpm") return false;
    return base == "rpmdb.sqlite" || base == "rpmdb.sqlite-wal" || base == "Packages" ||
           base == "Packages.db";
  }
  Result<Findings> Analyze(const FileMeta&, FileContent&) const override {
    return Internal("rpm analyses its files as a group");
  }
  bool WantsGroup() const override { return true; }
  uint64_t GroupByteLimit() const override { return kMaxDbBytes; }
  std::vector<GroupResult> AnalyzeGroup(const std::vector<GroupFile>& files) const override {
    std::vector<GroupResult> out;
    for (const auto& f : files) {
      std::string_view base = BaseName(f.path);
      if (base == "rpmdb.sqlite-wal") continue;
      std::string_view wal;
      if (base == "rpmdb.sqlite") {
        for (const auto& g : files)
          if (g.path == f.path + "-wal") wal = g.content;
      }
      Result<std::vector<std::string>> blobs = base == "rpmdb.sqlite" ? BlobsFromSqlite(f.content, wal)
                                               : base == "Packages.db" ? BlobsFromNdb(f.content)
                                                                       : BlobsFromBerkeleyDb(f.content);
      if (!blobs.ok()) {
        out.push_back({f.path, blobs.status()});
        continue;
      }
      Findings found;
      std::string root = RootOf(f.path);
      size_t bad = 0;
      for (const auto& b : *blobs) {
        auto h = ParseHeaderBlob(b);
        if (!h.ok()) {
          ++bad;
          continue;
        }
        if (h->package.name == "gpg-pubkey") continue;  // imported keys, not software
        found.packages.push_back(std::move(h->package));
        for (auto& file : h->files) found.owned_files.push_back(root + file);
      }
      if (bad) found.warnings.push_back(std::to_string(bad) + " unreadable rpm header(s)");
      out.push_back({f.path, std::move(found)});
    }
    return out;
  }
};

}  // namespace

Result<HeaderInfo> ParseHeaderBlob(std::string_view blob) {
  if (blob.size() < 8) return InvalidArgument("rpm header too short");
  uint32_t il = Be32(blob, 0), dl = Be32(blob, 4);
  if (il == 0 || il > kMaxEntries || dl > blob.size()) return InvalidArgument("rpm header counts out of range");
  uint64_t data_off = 8 + uint64_t{il} * 16;
  if (data_off + dl > blob.size()) return InvalidArgument("rpm header truncated");
  std::string_view data = blob.substr(data_off, dl);
  HeaderInfo h;
  Package& p = h.package;
  p.type = PackageType::kRpm;
  std::string version, release, epoch, srpm;
  std::vector<std::string> basenames, dirnames;
  std::vector<uint32_t> dirindexes;
  auto strings = [&](uint32_t off, uint32_t count, std::vector<std::string>& out) {
    size_t pos = off;
    for (uint32_t i = 0; i < count && i < kMaxEntries * 16u; ++i) {
      if (pos >= data.size()) return false;
      size_t end = data.find('\0', pos);
      if (end == std::string_view::npos) return false;
      out.emplace_back(data.substr(pos, end - pos));
      pos = end + 1;
    }
    return true;
  };
  for (uint32_t i = 0; i < il; ++i) {
    size_t e = 8 + size_t{i} * 16;
    uint32_t tag = Be32(blob, e), type = Be32(blob, e + 4), off = Be32(blob, e + 8), count = Be32(blob, e + 12);
    if (off >= data.size()) continue;
    if (type == 6 || type == 9) {  // STRING / I18NSTRING
      std::vector<std::string> v;
      if (!strings(off, 1, v)) return InvalidArgument("bad string in rpm header");
      switch (tag) {
        case kName: p.name = v[0]; break;
        case kVersion: version = v[0]; break;
        case kRelease: release = v[0]; break;
        case kArch: p.arch = v[0]; break;
        case kSourceRpm: srpm = v[0]; break;
        default: break;
      }
    } else if (type == 8 && (tag == kBaseNames || tag == kDirNames)) {  // STRING_ARRAY
      if (!strings(off, count, tag == kBaseNames ? basenames : dirnames))
        return InvalidArgument("bad string array in rpm header");
    } else if (type == 4) {  // INT32
      if (uint64_t{off} + uint64_t{count} * 4 > data.size()) return InvalidArgument("bad int32 in rpm header");
      if (tag == kEpoch && count >= 1) epoch = std::to_string(Be32(data, off));
      if (tag == kDirIndexes)
        for (uint32_t k = 0; k < count; ++k) dirindexes.push_back(Be32(data, off + 4 * k));
    }
  }
  if (p.name.empty() || version.empty()) return InvalidArgument("rpm header without name or version");
  p.version = (epoch.empty() || epoch == "0" ? "" : epoch + ":") + version + (release.empty() ? "" : "-" + release);
  if (!srpm.empty()) {
    std::string s = srpm;
    for (std::string_view suffix : {".src.rpm", ".nosrc.rpm"})
      if (EndsWith(s, suffix)) s.resize(s.size() - suffix.size());
    size_t r = s.rfind('-');
    size_t v = r == std::string::npos ? std::string::npos : s.rfind('-', r - 1);
    if (v != std::string::npos) {
      p.source_name = s.substr(0, v);
      p.source_version = (epoch.empty() || epoch == "0" ? "" : epoch + ":") + s.substr(v + 1);
    }
  }
  if (dirindexes.size() == basenames.size()) {
    for (size_t i = 0; i < basenames.size(); ++i) {
      if (dirindexes[i] >= dirnames.size()) break;
      std::string path = dirnames[dirindexes[i]] + basenames[i];
      while (!path.empty() && path[0] == '/') path.erase(0, 1);
      h.files.push_back(std::move(path));
    }
  }
  return h;
}

Result<std::string> ApplySqliteWal(std::string_view db, std::string_view wal) {
  std::string out(db);
  if (wal.size() < 32) return out;
  uint32_t magic = Be32(wal, 0);
  if (magic != 0x377f0682 && magic != 0x377f0683) return InvalidArgument("bad WAL magic");
  uint32_t page_size = Be32(wal, 8);
  if (page_size == 1) page_size = 65536;
  if (page_size < 512 || page_size > 65536 || (page_size & (page_size - 1))) return InvalidArgument("bad WAL page size");
  uint32_t salt1 = Be32(wal, 16), salt2 = Be32(wal, 20);
  // Frames up to the last commit whose salts match the header are valid.
  struct Frame {
    uint32_t page;
    size_t offset;
  };
  std::vector<Frame> pending;
  std::vector<Frame> committed;
  uint32_t db_pages = static_cast<uint32_t>(db.size() / page_size);
  for (size_t off = 32; off + 24 + page_size <= wal.size(); off += 24 + page_size) {
    if (Be32(wal, off + 8) != salt1 || Be32(wal, off + 12) != salt2) break;
    uint32_t page = Be32(wal, off);
    if (page == 0) break;
    pending.push_back({page, off + 24});
    uint32_t commit_size = Be32(wal, off + 4);
    if (commit_size != 0) {
      committed.insert(committed.end(), pending.begin(), pending.end());
      pending.clear();
      db_pages = commit_size;
    }
  }
  if (uint64_t{db_pages} * page_size > kMaxDbBytes) return ResourceExhausted("database too large");
  out.resize(size_t{db_pages} * page_size, '\0');
  for (const auto& f : committed) {
    if (f.page > db_pages) continue;
    out.replace(size_t{f.page - 1} * page_size, page_size, wal.substr(f.offset, page_size));
  }
  // The copy is read without its journal: mark it as a rollback-journal database.
  if (out.size() >= 20 && out[18] == 2) {
    out[18] = 1;
    out[19] = 1;
  }
  return out;
}

Result<std::vector<std::string>> BlobsFromSqlite(std::string_view db_in, std::string_view wal) {
  std::string merged;
  if (!wal.empty()) {
    ASSIGN_OR_RETURN(merged, ApplySqliteWal(db_in, wal));
  } else {
    merged = std::string(db_in);
    if (merged.size() >= 20 && merged[18] == 2) {
      merged[18] = 1;
      merged[19] = 1;
    }
  }
  std::string_view db = merged;
  if (db.size() < 100 || db.substr(0, 16) != std::string_view("SQLite format 3\0", 16))
    return InvalidArgument("not an SQLite database");
  sqlite3* conn = nullptr;
  if (sqlite3_open_v2(":memory:", &conn, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    sqlite3_close(conn);
    return Internal("sqlite open failed");
  }
  // sqlite3_deserialize takes ownership of memory from sqlite3_malloc64.
  auto* buf = static_cast<unsigned char*>(sqlite3_malloc64(db.size()));
  if (!buf) {
    sqlite3_close(conn);
    return ResourceExhausted("no memory for rpmdb.sqlite");
  }
  std::memcpy(buf, db.data(), db.size());
  int rc = sqlite3_deserialize(conn, "main", buf, static_cast<sqlite3_int64>(db.size()),
                               static_cast<sqlite3_int64>(db.size()),
                               SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY);
  if (rc != SQLITE_OK) {
    sqlite3_close(conn);
    return InvalidArgument("cannot load rpmdb.sqlite");
  }
  sqlite3_stmt* st = nullptr;
  std::vector<std::string> out;
  if (sqlite3_prepare_v2(conn, "SELECT blob FROM Packages", -1, &st, nullptr) != SQLITE_OK) {
    std::string msg = sqlite3_errmsg(conn);
    sqlite3_close(conn);
    return InvalidArgument("rpmdb.sqlite: " + msg);
  }
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    const void* b = sqlite3_column_blob(st, 0);
    int n = sqlite3_column_bytes(st, 0);
    if (b && n > 0) out.emplace_back(static_cast<const char*>(b), static_cast<size_t>(n));
  }
  sqlite3_finalize(st);
  sqlite3_close(conn);
  if (rc != SQLITE_DONE) return InvalidArgument("rpmdb.sqlite: corrupt Packages table");
  return out;
}

Result<std::vector<std::string>> BlobsFromBerkeleyDb(std::string_view db) {
  // Hash database: metadata page 0 with magic 0x061561; P_HASH pages (type 13) hold key/data
  // pairs; the header blobs are H_OFFPAGE items (type 3) continued on P_OVERFLOW pages (type 7).
  if (db.size() < 512) return InvalidArgument("BerkeleyDB file too short");
  if (Le32(db, 12) != 0x061561) return InvalidArgument("not a BerkeleyDB hash database (or big-endian)");
  uint32_t page_size = Le32(db, 20);
  if (page_size < 512 || page_size > 65536 || (page_size & (page_size - 1))) return InvalidArgument("bad BerkeleyDB page size");
  size_t pages = db.size() / page_size;
  std::vector<std::string> out;
  for (size_t pg = 1; pg < pages; ++pg) {
    std::string_view page = db.substr(pg * page_size, page_size);
    if (static_cast<uint8_t>(page[25]) != 13) continue;  // P_HASH
    uint16_t entries = Le16(page, 20);
    if (26 + size_t{entries} * 2 > page.size()) continue;
    for (uint16_t i = 1; i < entries; i += 2) {  // odd indexes are data items
      uint16_t off = Le16(page, 26 + size_t{i} * 2);
      if (off + 12u > page.size()) continue;
      if (static_cast<uint8_t>(page[off]) != 3) continue;  // H_OFFPAGE
      uint32_t next = Le32(page, off + 4);
      uint32_t total = Le32(page, off + 8);
      if (total > kMaxDbBytes) continue;
      std::string blob;
      size_t hops = 0;
      while (next != 0 && next < pages && blob.size() < total && ++hops < pages) {
        std::string_view op = db.substr(size_t{next} * page_size, page_size);
        if (static_cast<uint8_t>(op[25]) != 7) break;  // P_OVERFLOW
        uint16_t len = Le16(op, 22);
        if (26u + len > op.size()) break;
        blob.append(op.substr(26, len));
        next = Le32(op, 16);
      }
      if (blob.size() == total) out.push_back(std::move(blob));
    }
  }
  return out;
}

Result<std::vector<std::string>> BlobsFromNdb(std::string_view db) {
  // NDB: a "RpmP" header, then 16-byte blocks; each package blob starts with "BlbS",
  // pkgidx, generation and length, followed by the header blob.
  if (db.size() < 32 || db.substr(0, 4) != "RpmP") return InvalidArgument("not an rpm NDB database");
  std::vector<std::string> out;
  for (size_t pos = 16; pos + 16 <= db.size(); pos += 16) {
    if (db.compare(pos, 4, "BlbS") != 0) continue;
    uint32_t len = Le32(db, pos + 12);
    if (len == 0 || pos + 16 + len > db.size()) continue;
    out.emplace_back(db.substr(pos + 16, len));
    pos += ((16 + len + 15) / 16) * 16 - 16;
  }
  return out;
}

std::unique_ptr<Analyzer> MakeAnalyzer() { return std::make_unique<RpmAnalyzer>(); }

}  // namespace surveyor::analyze::rpm
