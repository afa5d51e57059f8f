#include "auth/key_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>

#include "auth/bootstrap.h"
#include "auth/private_file.h"
#include "auth/sqlite_key_store.h"
#include "common/fs.h"

namespace surveyor::auth {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            ("surveyor-auth-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string File(const std::string& name) const { return (path_ / name).string(); }
  std::string path() const { return path_.string(); }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

unsigned Mode(const std::string& path) {
  struct stat st;
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

// Both implementations must behave the same.
struct StoreFactory {
  const char* name;
  std::function<std::unique_ptr<KeyStore>(const TempDir&, const Clock&)> make;
};

class KeyStoreContractTest : public ::testing::TestWithParam<StoreFactory> {};

TEST_P(KeyStoreContractTest, CreateLookupListDelete) {
  TempDir dir;
  FakeClock clock(FromEpochSeconds(1700000000));
  auto store = GetParam().make(dir, clock);
  ASSERT_NE(store, nullptr);

  auto a = store->Create("alice");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  clock.Advance(std::chrono::seconds(1));
  auto b = store->Create("bob");
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(std::regex_match(a->info.access_key_id, std::regex("AKIA[A-Z2-7]{16}")));
  EXPECT_TRUE(std::regex_match(a->secret_access_key, std::regex("[A-Za-z0-9+/]{40}")));
  EXPECT_NE(a->info.access_key_id, b->info.access_key_id);
  EXPECT_NE(a->secret_access_key, b->secret_access_key);

  auto found = store->Lookup(a->info.access_key_id);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->secret_access_key, a->secret_access_key);
  EXPECT_EQ(found->info.user_name, "alice");
  EXPECT_EQ(ToUnixMillis(found->info.created_at), 1700000000000);

  auto list = store->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].user_name, "alice");
  EXPECT_EQ((*list)[1].user_name, "bob");

  EXPECT_TRUE(store->Delete(a->info.access_key_id).ok());
  EXPECT_EQ(store->Lookup(a->info.access_key_id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store->Delete(a->info.access_key_id).code(), StatusCode::kNotFound);
  EXPECT_EQ(store->Lookup("AKIANOSUCHKEY0000000").status().code(), StatusCode::kNotFound);
  list = store->List();
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 1u);
}

TEST_P(KeyStoreContractTest, RejectsBadUserNames) {
  TempDir dir;
  auto store = GetParam().make(dir, SystemClock::Default());
  for (const char* bad : {"", "with space", "slash/x", "colon:x", "tab\t"}) {
    EXPECT_EQ(store->Create(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(store->Create(std::string(65, 'a')).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(store->Create(std::string(64, 'a')).ok());
  EXPECT_TRUE(store->Create("ci+bot=x,y.z@example_1-2").ok());
}

INSTANTIATE_TEST_SUITE_P(
    Impls, KeyStoreContractTest,
    ::testing::Values(
        StoreFactory{"memory",
                     [](const TempDir&, const Clock& c) -> std::unique_ptr<KeyStore> {
                       return std::make_unique<InMemoryKeyStore>(c);
                     }},
        StoreFactory{"sqlite",
                     [](const TempDir& d, const Clock& c) -> std::unique_ptr<KeyStore> {
                       auto s = SqliteKeyStore::Open({d.File("keys.db"), d.File("keys.key")}, c);
                       EXPECT_TRUE(s.ok()) << s.status().ToString();
                       return s.ok() ? std::move(*s) : nullptr;
                     }}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(SqliteKeyStoreTest, SecretsAreEncryptedAtRestAndSurviveReopen) {
  TempDir dir;
  SqliteKeyStoreOptions opts{dir.File("keys.db"), dir.File("master.key")};
  std::string id, secret;
  {
    auto store = SqliteKeyStore::Open(opts);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto key = (*store)->Create("alice");
    ASSERT_TRUE(key.ok());
    id = key->info.access_key_id;
    secret = key->secret_access_key;
  }
  EXPECT_EQ(Mode(opts.key_file_path), 0600u);
  // Neither the database nor its WAL holds the secret in clear; the id is there.
  std::string bytes = ReadAll(opts.db_path) + ReadAll(opts.db_path + "-wal");
  EXPECT_EQ(bytes.find(secret), std::string::npos);
  EXPECT_NE(bytes.find(id), std::string::npos);
  EXPECT_EQ(ReadAll(opts.key_file_path).size(), 65u);

  auto again = SqliteKeyStore::Open(opts);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  auto found = (*again)->Lookup(id);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->secret_access_key, secret);
}

TEST(SqliteKeyStoreTest, DatabaseCopyWithoutKeyFileRevealsNothing) {
  TempDir dir;
  SqliteKeyStoreOptions opts{dir.File("keys.db"), dir.File("master.key")};
  {
    auto store = SqliteKeyStore::Open(opts);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Create("alice").ok());
  }
  // Somebody copies the database and opens it with a fresh key file.
  SqliteKeyStoreOptions thief{opts.db_path, dir.File("other.key")};
  auto stolen = SqliteKeyStore::Open(thief);
  EXPECT_EQ(stolen.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(stolen.status().message().find("different key file"), std::string::npos);
}

TEST(SqliteKeyStoreTest, RefusesKeyFileReadableByOthers) {
  TempDir dir;
  SqliteKeyStoreOptions opts{dir.File("keys.db"), dir.File("master.key")};
  ASSERT_TRUE(SqliteKeyStore::Open(opts).ok());
  ASSERT_EQ(::chmod(opts.key_file_path.c_str(), 0644), 0);
  auto s = SqliteKeyStore::Open(opts);
  EXPECT_EQ(s.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.status().message().find("chmod 600"), std::string::npos);
}

TEST(SqliteKeyStoreTest, RefusesMalformedKeyFile) {
  TempDir dir;
  ASSERT_TRUE(WritePrivateFile(dir.File("master.key"), "not a key\n", false).ok());
  auto s = SqliteKeyStore::Open({dir.File("keys.db"), dir.File("master.key")});
  EXPECT_EQ(s.status().code(), StatusCode::kFailedPrecondition);
}

TEST(SqliteKeyStoreTest, SwappedCiphertextFailsAuthentication) {
  TempDir dir;
  SqliteKeyStoreOptions opts{dir.File("keys.db"), dir.File("master.key")};
  auto store = SqliteKeyStore::Open(opts);
  ASSERT_TRUE(store.ok());
  auto a = (*store)->Create("alice");
  auto b = (*store)->Create("bob");
  ASSERT_TRUE(a.ok() && b.ok());
  // Copy bob's sealed secret onto alice's row through a separate connection.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(opts.db_path.c_str(), &db), SQLITE_OK);
  std::string sql =
      "UPDATE access_keys SET secret_sealed = (SELECT secret_sealed FROM access_keys"
      " WHERE access_key_id = '" +
      b->info.access_key_id + "') WHERE access_key_id = '" + a->info.access_key_id + "'";
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_EQ(sqlite3_changes(db), 1);
  sqlite3_close(db);
  auto fresh = SqliteKeyStore::Open(opts);  // no cache
  ASSERT_TRUE(fresh.ok());
  auto looked = (*fresh)->Lookup(a->info.access_key_id);
  EXPECT_EQ(looked.status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(looked.status().message().find(b->secret_access_key), std::string::npos);
}

TEST(SqliteKeyStoreTest, CacheExpiresSoOtherProcessesDeletesTakeEffect) {
  TempDir dir;
  FakeClock clock(FromEpochSeconds(1700000000));
  SqliteKeyStoreOptions opts{dir.File("keys.db"), dir.File("master.key"), std::chrono::seconds(10)};
  auto reader = SqliteKeyStore::Open(opts, clock);
  auto writer = SqliteKeyStore::Open(opts, clock);
  ASSERT_TRUE(reader.ok() && writer.ok());
  auto key = (*writer)->Create("alice");
  ASSERT_TRUE(key.ok());
  ASSERT_TRUE((*reader)->Lookup(key->info.access_key_id).ok());  // now cached in reader
  ASSERT_TRUE((*writer)->Delete(key->info.access_key_id).ok());
  EXPECT_TRUE((*reader)->Lookup(key->info.access_key_id).ok());  // still cached
  clock.Advance(std::chrono::seconds(11));
  EXPECT_EQ((*reader)->Lookup(key->info.access_key_id).status().code(), StatusCode::kNotFound);
}

TEST(BootstrapTest, CreatesOneKeyOnceInA0600File) {
  TempDir dir;
  InMemoryKeyStore store;
  auto first = EnsureBootstrapKey(dir.path(), store);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->created);
  EXPECT_EQ(first->path, dir.File("bootstrap-credentials"));
  EXPECT_EQ(Mode(first->path), 0600u);
  auto keys = store.List();
  ASSERT_TRUE(keys.ok());
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ((*keys)[0].user_name, "admin");
  const std::string text = ReadAll(first->path);
  auto secret = store.Lookup((*keys)[0].access_key_id);
  ASSERT_TRUE(secret.ok());
  EXPECT_NE(text.find("[default]\naws_access_key_id = " + (*keys)[0].access_key_id +
                      "\naws_secret_access_key = " + secret->secret_access_key + "\n"),
            std::string::npos)
      << text;

  auto second = EnsureBootstrapKey(dir.path(), store);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->created);
  EXPECT_EQ(second->path, first->path);
  EXPECT_EQ(store.List()->size(), 1u);
}

TEST(BootstrapTest, DoesNothingWhenKeysExistAlready) {
  TempDir dir;
  InMemoryKeyStore store;
  ASSERT_TRUE(store.Create("someone").ok());
  auto r = EnsureBootstrapKey(dir.path(), store);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->created);
  EXPECT_TRUE(r->path.empty());
  EXPECT_FALSE(fs::exists(dir.File("bootstrap-credentials")));
}

TEST(BootstrapTest, RollsBackTheKeyWhenTheFileCannotBeWritten) {
  TempDir dir;
  InMemoryKeyStore store;
  // A data "directory" that is a regular file cannot hold the credentials file.
  ASSERT_TRUE(WritePrivateFile(dir.File("plain"), "x", false).ok());
  auto r = EnsureBootstrapKey(dir.File("plain"), store);
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(store.List()->empty());
}

TEST(PrivateFileTest, RefusesOverwriteUnlessAsked) {
  TempDir dir;
  ASSERT_TRUE(WritePrivateFile(dir.File("f"), "one", false).ok());
  EXPECT_EQ(WritePrivateFile(dir.File("f"), "two", false).code(), StatusCode::kAlreadyExists);
  ASSERT_TRUE(WritePrivateFile(dir.File("f"), "two", true).ok());
  auto text = ReadPrivateFile(dir.File("f"), 100);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "two");
  EXPECT_EQ(ReadPrivateFile(dir.File("f"), 2).status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(ReadPrivateFile(dir.File("absent"), 2).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace surveyor::auth
