#include "analyze/rpm/rpm.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdio>

#include "analyze/test_util.h"

namespace surveyor::analyze::rpm {
namespace {

void Put32(std::string& s, uint32_t v) {
  for (int i = 3; i >= 0; --i) s += static_cast<char>((v >> (8 * i)) & 0xff);
}

// Builds a header blob by hand: (tag, type, value) with strings, string arrays and int32s.
struct Entry {
  uint32_t tag, type;
  std::vector<std::string> strings;
  std::vector<uint32_t> ints;
};

std::string Blob(const std::vector<Entry>& entries) {
  std::string index, data;
  for (const auto& e : entries) {
    if (e.type == 4) while (data.size() % 4) data += '\0';
    Put32(index, e.tag);
    Put32(index, e.type);
    Put32(index, static_cast<uint32_t>(data.size()));
    Put32(index, static_cast<uint32_t>(e.type == 4 ? e.ints.size() : e.strings.size()));
    if (e.type == 4) for (auto v : e.ints) Put32(data, v);
    else for (const auto& s : e.strings) data += s + std::string(1, '\0');
  }
  std::string out;
  Put32(out, static_cast<uint32_t>(entries.size()));
  Put32(out, static_cast<uint32_t>(data.size()));
  return out + index + data;
}

std::string Bash() {
  return Blob({{1000, 6, {"bash"}, {}},
               {1001, 6, {"5.1.8"}, {}},
               {1002, 6, {"6.el9"}, {}},
               {1003, 4, {}, {2}},
               {1022, 6, {"x86_64"}, {}},
               {1044, 6, {"bash-5.1.8-6.el9.src.rpm"}, {}},
               {1116, 4, {}, {0, 1}},
               {1117, 8, {"bash", "bash.1.gz"}, {}},
               {1118, 8, {"/usr/bin/", "/usr/share/man/man1/"}, {}}});
}

TEST(RpmHeader, HandBuilt) {
  auto h = ParseHeaderBlob(Bash());
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(h->package.name, "bash");
  EXPECT_EQ(h->package.version, "2:5.1.8-6.el9");
  EXPECT_EQ(h->package.arch, "x86_64");
  EXPECT_EQ(h->package.source_name, "bash");
  EXPECT_EQ(h->package.source_version, "2:5.1.8-6.el9");
  EXPECT_EQ(h->files, (std::vector<std::string>{"usr/bin/bash", "usr/share/man/man1/bash.1.gz"}));
}

TEST(RpmHeader, Corrupt) {
  std::string b = Bash();
  EXPECT_FALSE(ParseHeaderBlob(b.substr(0, 20)).ok());
  std::string huge = b;
  huge[0] = '\x7f';  // absurd index count
  EXPECT_FALSE(ParseHeaderBlob(huge).ok());
  EXPECT_FALSE(ParseHeaderBlob("").ok());
}

// Expected from `rpm --dbpath DIR -D '_db_backend bdb_ro' -qa`: hello 1:0.0.1-rls x86_64.
TEST(RpmBerkeleyDb, SharedFixture) {
  LOAD_SHARED_OR_SKIP(db, "osv-scalibr/extractor/filesystem/os/rpm/testdata/Packages_epoch");
  auto blobs = BlobsFromBerkeleyDb(db);
  ASSERT_TRUE(blobs.ok()) << blobs.status().ToString();
  std::vector<std::string> got;
  for (const auto& b : *blobs) {
    auto h = ParseHeaderBlob(b);
    ASSERT_TRUE(h.ok());
    got.push_back(h->package.name + " " + h->package.version + " " + h->package.arch + " " +
                  h->package.source_name + " " + h->package.source_version);
  }
  EXPECT_EQ(got, std::vector<std::string>{"hello 1:0.0.1-rls x86_64 hello 1:0.0.1-rls"});
}

TEST(RpmSqlite, InMemoryDatabase) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)",
                         nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "INSERT INTO Packages (blob) VALUES (?)", -1, &st, nullptr), SQLITE_OK);
  std::string b = Bash();
  sqlite3_bind_blob(st, 1, b.data(), static_cast<int>(b.size()), SQLITE_STATIC);
  ASSERT_EQ(sqlite3_step(st), SQLITE_DONE);
  sqlite3_finalize(st);
  sqlite3_int64 size = 0;
  unsigned char* bytes = sqlite3_serialize(db, "main", &size, 0);
  std::string file(reinterpret_cast<char*>(bytes), static_cast<size_t>(size));
  sqlite3_free(bytes);
  sqlite3_close(db);
  auto blobs = BlobsFromSqlite(file);
  ASSERT_TRUE(blobs.ok()) << blobs.status().ToString();
  ASSERT_EQ(blobs->size(), 1u);
  EXPECT_EQ((*blobs)[0], b);
  EXPECT_FALSE(BlobsFromSqlite("not sqlite").ok());
  LOAD_SHARED_OR_SKIP(invalid, "osv-scalibr/extractor/filesystem/os/rpm/testdata/invalid");
  EXPECT_FALSE(BlobsFromSqlite(invalid).ok());
}

std::string Slurp(const std::string& path) {
  auto s = testing::ReadPath(path);
  return s ? *s : std::string();
}

// A WAL-mode database whose rows live only in the -wal file (as rpm 4.18 leaves it).
TEST(RpmSqlite, WalJournalIsApplied) {
  std::string dir = std::string(::testing::TempDir()) + "/rpmwal" + std::to_string(::getpid());
  std::string path = dir + ".sqlite";
  std::remove(path.c_str());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;"
                             "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob BLOB NOT NULL)",
                         nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "INSERT INTO Packages (blob) VALUES (?)", -1, &st, nullptr), SQLITE_OK);
  std::string b = Bash();
  sqlite3_bind_blob(st, 1, b.data(), static_cast<int>(b.size()), SQLITE_STATIC);
  ASSERT_EQ(sqlite3_step(st), SQLITE_DONE);
  sqlite3_finalize(st);
  // Copy while the connection is open: nothing has been checkpointed into the main file.
  std::string main_file = Slurp(path), wal = Slurp(path + "-wal");
  sqlite3_close(db);
  ASSERT_FALSE(wal.empty());
  auto without = BlobsFromSqlite(main_file);
  EXPECT_TRUE(!without.ok() || without->empty());
  auto with = BlobsFromSqlite(main_file, wal);
  ASSERT_TRUE(with.ok()) << with.status().ToString();
  ASSERT_EQ(with->size(), 1u);
  EXPECT_EQ((*with)[0], b);
  std::remove(path.c_str());
}

TEST(RpmNdb, Blobs) {
  std::string b = Bash();
  std::string db = "RpmP";
  db.resize(16, '\0');
  std::string blk = "BlbS";
  auto le = [](std::string& s, uint32_t v) { for (int i = 0; i < 4; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff); };
  le(blk, 1);
  le(blk, 1);
  le(blk, static_cast<uint32_t>(b.size()));
  db += blk + b;
  db.resize((db.size() + 15) / 16 * 16, '\0');
  auto blobs = BlobsFromNdb(db);
  ASSERT_TRUE(blobs.ok());
  ASSERT_EQ(blobs->size(), 1u);
  EXPECT_EQ((*blobs)[0], b);
  EXPECT_FALSE(BlobsFromNdb("garbage").ok());
}

}  // namespace
}  // namespace surveyor::analyze::rpm
