// The zip reader: archives written by libarchive (deflated and stored) and by hand (zip64 end
// records and extra fields, sizes after the data, comments), read back entry by entry; broken
// archives (CRC, sizes, deflate data, headers) fail with the right error; and an import through
// it stores the same records with the same fingerprint as the same import through libarchive.
#include "vulndb/zip_reader.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "vulndb/db.h"
#include "vulndb/importer.h"

namespace surveyor::vulndb {
namespace {

namespace fs = std::filesystem;

#ifdef SURVEYOR_HAVE_ISAL_ZIP

// CRC-32 (IEEE, reflected), bit by bit: the reference the reader's ISA-L CRC is checked against.
uint32_t Crc32(std::string_view data) {
  uint32_t crc = 0xFFFFFFFF;
  for (unsigned char c : data) {
    crc ^= c;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
  }
  return ~crc;
}

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("zip-reader-test-" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Item {
  std::string name;
  std::string data;
  mode_t type = AE_IFREG;
};

// A zip written by libarchive; `store` selects the stored method instead of deflate.
std::string LibarchiveZip(const fs::path& path, const std::vector<Item>& items, bool store = false) {
  struct archive* a = archive_write_new();
  archive_write_set_format_zip(a);
  if (store) archive_write_zip_set_compression_store(a);
  archive_write_open_filename(a, path.c_str());
  for (const Item& it : items) {
    struct archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, it.name.c_str());
    archive_entry_set_filetype(e, it.type);
    archive_entry_set_perm(e, 0644);
    if (it.type == AE_IFLNK) archive_entry_set_symlink(e, it.data.c_str());
    archive_entry_set_size(e, it.type == AE_IFREG ? static_cast<la_int64_t>(it.data.size()) : 0);
    archive_write_header(a, e);
    if (it.type == AE_IFREG) archive_write_data(a, it.data.data(), it.data.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  return ReadAll(path);
}

// Everything the reader yields: (name, regular, data); an error ends the list.
struct ReadResult {
  std::vector<std::tuple<std::string, bool, std::string>> entries;
  Status status = Status::Ok();
};

ReadResult ReadZip(std::string_view bytes, size_t chunk = 65536) {
  ReadResult out;
  ZipBytes in(bytes);
  auto reader = ZipReader::Open(in);
  if (!reader.ok()) {
    out.status = reader.status();
    return out;
  }
  ZipEntry e;
  std::vector<char> buf(chunk);
  while (true) {
    auto more = (*reader)->Next(e);
    if (!more.ok()) {
      out.status = more.status();
      return out;
    }
    if (!*more) return out;
    std::string data;
    while (true) {
      auto n = (*reader)->Read(buf.data(), buf.size());
      if (!n.ok()) {
        out.status = n.status();
        return out;
      }
      if (*n == 0) break;
      data.append(buf.data(), *n);
    }
    out.entries.emplace_back(e.name, e.regular, data);
  }
}

std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

std::string Compressible(size_t n) {
  std::string s;
  for (size_t i = 0; s.size() < n; ++i) s += "{\"id\":\"GO-" + std::to_string(i) + "\",\"affected\":[]}\n";
  s.resize(n);
  return s;
}

TEST(ZipReaderTest, ReadsWhatLibarchiveWrote) {
  TempDir dir;
  const std::vector<Item> items = {
      {"empty.json", ""},
      {"small.json", "{\"id\":\"X\"}"},
      {"random.bin", RandomBytes(200000, 1)},          // stored blocks inside deflate, many chunks
      {"compressible.json", Compressible(1500000)},  // far more output than one read
      {"dir/", "", AE_IFDIR},
      {"link", "small.json", AE_IFLNK},
      {"dir/last.json", "last"},
  };
  for (bool store : {false, true}) {
    for (size_t chunk : {size_t{1}, size_t{4096}, size_t{65536}}) {
      if (chunk == 1 && !store) continue;  // one byte at a time: stored only, it is slow otherwise
      const std::string zip = LibarchiveZip(dir.path / "a.zip", items, store);
      ZipBytes in(zip);
      ASSERT_TRUE(ZipReader::Check(in).ok()) << ZipReader::Check(in).ToString();
      const ReadResult r = ReadZip(zip, chunk);
      ASSERT_TRUE(r.status.ok()) << r.status.ToString();
      ASSERT_EQ(r.entries.size(), items.size());
      for (size_t i = 0; i < items.size(); ++i) {
        const auto& [name, regular, data] = r.entries[i];
        EXPECT_EQ(name, items[i].name);
        EXPECT_EQ(regular, items[i].type == AE_IFREG) << name;
        if (items[i].type == AE_IFREG) {
          EXPECT_TRUE(data == items[i].data) << name << " store=" << store;
        }
      }
    }
  }
}

// A zip written by hand, stored entries: the forms libarchive does not write.
struct RawEntry {
  RawEntry(std::string n, std::string d, bool at_end = false, bool z64 = false)
      : name(std::move(n)), data(std::move(d)), size_at_end(at_end), zip64_extra(z64) {}
  std::string name;
  std::string data;
  bool size_at_end = false;  // flag bit 3 and a data descriptor
  bool zip64_extra = false;  // sizes and offset in a zip64 extra field
  uint16_t flags = 0;
  uint16_t method = 0;
  std::optional<uint32_t> crc;  // a wrong one, for the corruption cases
  std::string stored_bytes;     // the bytes stored when not the data itself (method != 0)
};

void Put16(std::string& s, uint32_t v) {
  s += static_cast<char>(v & 0xFF);
  s += static_cast<char>((v >> 8) & 0xFF);
}
void Put32(std::string& s, uint32_t v) {
  Put16(s, v & 0xFFFF);
  Put16(s, v >> 16);
}
void Put64(std::string& s, uint64_t v) {
  Put32(s, static_cast<uint32_t>(v));
  Put32(s, static_cast<uint32_t>(v >> 32));
}

std::string BuildZip(const std::vector<RawEntry>& entries, bool zip64_end = false,
                     const std::string& comment = "") {
  std::string out, cd;
  for (const RawEntry& e : entries) {
    const std::string& body = e.method == 0 ? e.data : e.stored_bytes;
    const uint32_t crc = e.crc ? *e.crc : Crc32(e.data);
    const uint64_t offset = out.size();
    const uint16_t flags = static_cast<uint16_t>(e.flags | (e.size_at_end ? 8 : 0));
    std::string local_extra;
    if (e.zip64_extra) {
      Put16(local_extra, 1);
      Put16(local_extra, 16);
      Put64(local_extra, e.data.size());
      Put64(local_extra, body.size());
    }
    Put32(out, 0x04034b50);
    Put16(out, e.zip64_extra ? 45 : 20);
    Put16(out, flags);
    Put16(out, e.method);
    Put16(out, 0);
    Put16(out, 0x21);
    Put32(out, e.size_at_end ? 0 : crc);
    Put32(out, e.size_at_end ? 0 : (e.zip64_extra ? 0xFFFFFFFF : static_cast<uint32_t>(body.size())));
    Put32(out, e.size_at_end ? 0 : (e.zip64_extra ? 0xFFFFFFFF : static_cast<uint32_t>(e.data.size())));
    Put16(out, static_cast<uint32_t>(e.name.size()));
    Put16(out, static_cast<uint32_t>(local_extra.size()));
    out += e.name + local_extra + body;
    if (e.size_at_end) {
      Put32(out, 0x08074b50);
      Put32(out, crc);
      Put32(out, static_cast<uint32_t>(body.size()));
      Put32(out, static_cast<uint32_t>(e.data.size()));
    }
    std::string extra;
    if (e.zip64_extra) {
      Put16(extra, 1);
      Put16(extra, 24);
      Put64(extra, e.data.size());
      Put64(extra, body.size());
      Put64(extra, offset);
    }
    Put32(cd, 0x02014b50);
    Put16(cd, (3 << 8) | 45);
    Put16(cd, e.zip64_extra ? 45 : 20);
    Put16(cd, flags);
    Put16(cd, e.method);
    Put16(cd, 0);
    Put16(cd, 0x21);
    Put32(cd, crc);
    Put32(cd, e.zip64_extra ? 0xFFFFFFFF : static_cast<uint32_t>(body.size()));
    Put32(cd, e.zip64_extra ? 0xFFFFFFFF : static_cast<uint32_t>(e.data.size()));
    Put16(cd, static_cast<uint32_t>(e.name.size()));
    Put16(cd, static_cast<uint32_t>(extra.size()));
    Put16(cd, 0);
    Put16(cd, 0);
    Put16(cd, 0);
    Put32(cd, 0100644u << 16);
    Put32(cd, e.zip64_extra ? 0xFFFFFFFF : static_cast<uint32_t>(offset));
    cd += e.name + extra;
  }
  const uint64_t cd_offset = out.size();
  out += cd;
  if (zip64_end) {
    const uint64_t z64 = out.size();
    Put32(out, 0x06064b50);
    Put64(out, 44);
    Put16(out, 45);
    Put16(out, 45);
    Put32(out, 0);
    Put32(out, 0);
    Put64(out, entries.size());
    Put64(out, entries.size());
    Put64(out, cd.size());
    Put64(out, cd_offset);
    Put32(out, 0x07064b50);
    Put32(out, 0);
    Put64(out, z64);
    Put32(out, 1);
  }
  Put32(out, 0x06054b50);
  Put16(out, 0);
  Put16(out, 0);
  Put16(out, zip64_end ? 0xFFFF : static_cast<uint32_t>(entries.size()));
  Put16(out, zip64_end ? 0xFFFF : static_cast<uint32_t>(entries.size()));
  Put32(out, zip64_end ? 0xFFFFFFFF : static_cast<uint32_t>(cd.size()));
  Put32(out, zip64_end ? 0xFFFFFFFF : static_cast<uint32_t>(cd_offset));
  Put16(out, static_cast<uint32_t>(comment.size()));
  return out + comment;
}

TEST(ZipReaderTest, HandWrittenForms) {
  const std::vector<RawEntry> entries = {
      {"a.json", "{\"id\":\"A\"}"},
      {"b.json", std::string(70000, 'b'), /*at_end=*/true},
      {"c.json", "ccc", false, /*z64=*/true},
      {"d.json", "", true, true},
  };
  struct Case {
    std::string what;
    std::string zip;
  };
  const std::vector<Case> cases = {
      {"plain", BuildZip(entries)},
      {"zip64 end record", BuildZip(entries, true)},
      {"comment", BuildZip(entries, false, "a comment with PK\x05\x06 inside it")},
      {"zip64 end and comment", BuildZip(entries, true, std::string(65535, 'c'))},
  };
  for (const Case& c : cases) {
    ZipBytes in(c.zip);
    EXPECT_TRUE(ZipReader::Check(in).ok()) << c.what << ": " << ZipReader::Check(in).ToString();
    const ReadResult r = ReadZip(c.zip);
    ASSERT_TRUE(r.status.ok()) << c.what << ": " << r.status.ToString();
    ASSERT_EQ(r.entries.size(), entries.size()) << c.what;
    for (size_t i = 0; i < entries.size(); ++i) {
      EXPECT_EQ(std::get<0>(r.entries[i]), entries[i].name) << c.what;
      EXPECT_TRUE(std::get<1>(r.entries[i])) << c.what;
      EXPECT_TRUE(std::get<2>(r.entries[i]) == entries[i].data) << c.what << " " << entries[i].name;
    }
  }
}

// Archives from another writer (Python's zipfile, see testdata/zip/README): sizes after the
// data, zip64 extra fields, a directory entry, an archive comment.
TEST(ZipReaderTest, PythonWrittenArchives) {
  const fs::path dir = fs::path(SURVEYOR_SOURCE_DIR) / "src/vulndb/testdata/zip";
  struct Case {
    std::string file;
    std::vector<std::tuple<std::string, bool, std::string>> entries;
  };
  const std::vector<Case> cases = {
      {"sizes-after-data.zip", {{"a.json", true, R"({"id":"A"})"}, {"b.json", true, std::string(100000, 'x')}}},
      {"stored.zip",
       {{"GHSA-aaaa-bbbb-cccc.json", true, R"({"id":"GHSA-aaaa-bbbb-cccc","affected":[]})"},
        {"README", true, "not an advisory"}}},
      {"zip64.zip", {{"GO-2020-0001.json", true, R"({"id":"GO-2020-0001","affected":[]})"}, {"dir/", false, ""}}},
  };
  for (const Case& c : cases) {
    const std::string bytes = ReadAll(dir / c.file);
    ASSERT_FALSE(bytes.empty()) << c.file;
    ZipBytes in(bytes);
    EXPECT_TRUE(ZipReader::Check(in).ok()) << c.file << ": " << ZipReader::Check(in).ToString();
    const ReadResult r = ReadZip(bytes);
    ASSERT_TRUE(r.status.ok()) << c.file << ": " << r.status.ToString();
    EXPECT_TRUE(r.entries == c.entries) << c.file;
  }
}

TEST(ZipReaderTest, BrokenArchives) {
  TempDir dir;
  const std::string deflated = LibarchiveZip(dir.path / "d.zip", {{"x.json", Compressible(300000)}});
  const std::string good = BuildZip({{"a.json", "hello"}});
  auto flip = [](std::string s, size_t at) {
    s[at] = static_cast<char>(s[at] ^ 0x5A);
    return s;
  };
  RawEntry bad_crc{"a.json", "hello"};
  bad_crc.crc = Crc32("hellO");
  RawEntry encrypted{"a.json", "hello"};
  encrypted.flags = 1;
  RawEntry bzip2{"a.json", "hello"};
  bzip2.method = 12;
  bzip2.stored_bytes = "BZh9";
  RawEntry short_deflate{"a.json", "hello"};
  short_deflate.method = 8;
  short_deflate.stored_bytes = std::string("\x01\x05\x00\xfa\xff", 5) + "hel";  // stored block cut short
  RawEntry long_deflate{"a.json", "hi"};
  long_deflate.method = 8;
  long_deflate.stored_bytes = std::string("\x01\x05\x00\xfa\xff", 5) + "hello";  // 5 bytes, 2 declared
  struct Case {
    std::string what;
    std::string zip;
    StatusCode code;
    bool check_fails;  // Check refuses it (else only reading the data fails)
  };
  const std::vector<Case> cases = {
      {"empty", "", StatusCode::kInvalidArgument, true},
      {"no end record", good.substr(0, good.size() - 22), StatusCode::kInvalidArgument, true},
      {"truncated", good.substr(0, good.size() / 2), StatusCode::kInvalidArgument, true},
      {"wrong crc", BuildZip({bad_crc}), StatusCode::kDataLoss, false},
      {"encrypted", BuildZip({encrypted}), StatusCode::kUnimplemented, true},
      {"bzip2", BuildZip({bzip2}), StatusCode::kUnimplemented, true},
      {"non-ASCII name", BuildZip({{"\xc3\xa9.json", "x"}}), StatusCode::kUnimplemented, true},
      {"prepended bytes", "#!/bin/sh\n" + good, StatusCode::kInvalidArgument, true},
      {"deflate cut short", BuildZip({short_deflate}), StatusCode::kDataLoss, false},
      {"deflate longer than declared", BuildZip({long_deflate}), StatusCode::kDataLoss, false},
      {"local header signature", flip(good, 0), StatusCode::kInvalidArgument, true},
      {"stored data byte", flip(good, 36), StatusCode::kDataLoss, false},
      {"deflate data byte", flip(deflated, 40 + 1000), StatusCode::kDataLoss, false},
  };
  for (const Case& c : cases) {
    ZipBytes in(c.zip);
    const Status check = ZipReader::Check(in);
    EXPECT_EQ(!check.ok(), c.check_fails) << c.what << ": " << check.ToString();
    if (c.check_fails) {
      EXPECT_EQ(check.code(), c.code) << c.what << ": " << check.ToString();
      continue;
    }
    const ReadResult r = ReadZip(c.zip);
    EXPECT_EQ(r.status.code(), c.code) << c.what << ": " << r.status.ToString();
  }
}

// The same feed imported through the reader and through libarchive: the same records, index,
// diff and fingerprint (the fingerprint counts names, sizes and bytes of every document).
TEST(ZipReaderTest, ImportMatchesLibarchive) {
  TempDir dir;
  std::vector<Item> items;
  const fs::path go = fs::path(SURVEYOR_SHARED_DIR) / "data/advisories/golang-vulndb/osv";
  if (fs::exists(go)) {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(go)) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) items.push_back({f.filename().string(), ReadAll(f)});
  }
  for (int i = 0; i < 50; ++i) {
    const std::string id = "GHSA-zzzz-" + std::to_string(1000 + i);
    items.push_back({"local/" + id + ".json",
                     R"({"id":")" + id + R"(","affected":[{"package":{"ecosystem":"PyPI","name":"p)" +
                         std::to_string(i) + R"("},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.)" +
                         std::to_string(i) + R"("}]}]}]})"});
  }
  items.push_back({"README.md", "not an advisory"});
  items.push_back({"sub/", "", AE_IFDIR});
  for (bool store : {false, true}) {
    const fs::path zip = dir.path / (store ? "stored" : "deflated") / "all.zip";
    fs::create_directories(zip.parent_path());
    LibarchiveZip(zip, items, store);
    {
      auto f = ZipFile::Open(zip.string());
      ASSERT_TRUE(f.ok());
      ASSERT_TRUE(ZipReader::Check(**f).ok()) << "the reader must take this archive, or the test compares nothing";
    }
    std::vector<std::string> index[2];
    ImportSummary summary[2];
    for (int via_libarchive = 0; via_libarchive < 2; ++via_libarchive) {
      const fs::path dbdir = dir.path / ("db-" + std::to_string(store) + std::to_string(via_libarchive));
      auto db = VulnDb::Open(dbdir.string());
      ASSERT_TRUE(db.ok());
      ImportRequest req;
      req.location = zip.string();
      req.zip_with_libarchive_for_test = via_libarchive == 1;
      auto r = RunImport(**db, req);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      summary[via_libarchive] = r->summary;
      ASSERT_TRUE((*db)->ForEachIndexEntry([&](const std::string& e, const std::string& n, const PackageRef& ref) {
                         index[via_libarchive].push_back(e + " " + n + " " + ref.key + " " + ref.id);
                       }).ok());
      auto shown = (*db)->RecordsFor("GHSA-zzzz-1049");
      ASSERT_TRUE(shown.ok() && shown->size() == 1u);
    }
    EXPECT_EQ(summary[0].fingerprint, summary[1].fingerprint) << "store=" << store;
    EXPECT_EQ(summary[0].records, summary[1].records);
    EXPECT_EQ(summary[0].added, summary[1].added);
    EXPECT_EQ(summary[0].packages, summary[1].packages);
    EXPECT_EQ(summary[0].records, static_cast<int64_t>(items.size()) - 2);
    EXPECT_TRUE(index[0] == index[1]);
  }
}

// A broken deflated entry aborts the import like any corrupt archive: nothing changes.
TEST(ZipReaderTest, CorruptEntryAbortsTheImport) {
  TempDir dir;
  const fs::path zip = dir.path / "PyPI" / "all.zip";
  fs::create_directories(zip.parent_path());
  std::string bytes = LibarchiveZip(zip, {{"a.json", Compressible(300000)}});
  bytes[40 + 1000] = static_cast<char>(bytes[40 + 1000] ^ 0x5A);
  std::ofstream(zip, std::ios::binary) << bytes;
  auto db = VulnDb::Open((dir.path / "db").string());
  ASSERT_TRUE(db.ok());
  ImportRequest req;
  req.location = zip.string();
  auto r = RunImport(**db, req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << r.status().ToString();
  EXPECT_NE(r.status().message().find("corrupt or truncated zip"), std::string::npos) << r.status().ToString();
  auto sources = (*db)->Sources();
  ASSERT_TRUE(sources.ok());
  EXPECT_TRUE(sources->empty());
}

// An archive the reader does not take (a name that is not ASCII) is still imported, by libarchive.
TEST(ZipReaderTest, UnsupportedArchiveFallsBackToLibarchive) {
  TempDir dir;
  const fs::path zip = dir.path / "x" / "all.zip";
  fs::create_directories(zip.parent_path());
  LibarchiveZip(zip, {{"caf\xc3\xa9.json", R"({"id":"GHSA-cafe-0000-0001","affected":[]})"}});
  {
    auto f = ZipFile::Open(zip.string());
    ASSERT_TRUE(f.ok());
    EXPECT_EQ(ZipReader::Check(**f).code(), StatusCode::kUnimplemented);
  }
  auto db = VulnDb::Open((dir.path / "db").string());
  ASSERT_TRUE(db.ok());
  ImportRequest req;
  req.location = zip.string();
  auto r = RunImport(**db, req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->summary.records, 1);
}

#else
TEST(ZipReaderTest, NotBuilt) { GTEST_SKIP() << "built without ISA-L: zips are read by libarchive"; }
#endif

}  // namespace
}  // namespace surveyor::vulndb
