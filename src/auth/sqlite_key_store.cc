#include "auth/sqlite_key_store.h"

#include <openssl/crypto.h>
#include <sqlite3.h>

#include "auth/crypto.h"
#include "auth/private_file.h"
#include "common/digest.h"
#include "common/fs.h"

namespace surveyor::auth {
namespace {

constexpr std::string_view kAadPrefix = "surveyor-access-key-v1:";
constexpr size_t kMaxCacheEntries = 10000;

// A prepared statement that finalizes itself.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) { rc_ = sqlite3_prepare_v2(db, sql, -1, &s_, nullptr); }
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  bool ok() const { return rc_ == SQLITE_OK; }
  sqlite3_stmt* get() { return s_; }
  void BindText(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void BindBlob(int i, std::string_view v) {
    sqlite3_bind_blob(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void BindInt(int i, int64_t v) { sqlite3_bind_int64(s_, i, v); }
  std::string Text(int col) {
    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, col));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(s_, col))) : std::string();
  }
  std::string Blob(int col) {
    auto* p = static_cast<const char*>(sqlite3_column_blob(s_, col));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(s_, col))) : std::string();
  }

 private:
  sqlite3_stmt* s_ = nullptr;
  int rc_;
};

Status SqlError(sqlite3* db, std::string_view what) {
  return Internal("access key database: " + std::string(what) + ": " + sqlite3_errmsg(db));
}

Status Exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string m = err ? err : "unknown error";
    sqlite3_free(err);
    return Internal("access key database: " + m);
  }
  return Status::Ok();
}

std::string Aad(std::string_view access_key_id) {
  std::string aad(kAadPrefix);
  aad += access_key_id;
  return aad;
}

int64_t ToMillis(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace

SqliteKeyStoreOptions KeyStoreOptionsForDataDir(const std::string& data_dir) {
  SqliteKeyStoreOptions o;
  o.db_path = JoinPath(data_dir, "access-keys.db");
  o.key_file_path = JoinPath(data_dir, "access-keys.key");
  return o;
}

Result<std::unique_ptr<SqliteKeyStore>> SqliteKeyStore::Open(SqliteKeyStoreOptions options,
                                                             const Clock& clock) {
  ASSIGN_OR_RETURN(std::string master, LoadOrCreateKeyFile(options.key_file_path));
  // Identifies which key file sealed a row without revealing anything about the key.
  std::string fingerprint = Sha256Hex("surveyor-key-file-fingerprint:" + master).substr(0, 16);
  sqlite3* db = nullptr;
  int rc =
      sqlite3_open_v2(options.db_path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Status s = Internal("cannot open access key database " + options.db_path + ": " +
                        (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
    sqlite3_close(db);
    return s;
  }
  std::unique_ptr<SqliteKeyStore> store(
      new SqliteKeyStore(db, std::move(master), fingerprint, std::move(options), clock));
  sqlite3_busy_timeout(db, 5000);
  RETURN_IF_ERROR(Exec(db, "PRAGMA journal_mode=WAL"));
  RETURN_IF_ERROR(Exec(db, "PRAGMA synchronous=NORMAL"));
  RETURN_IF_ERROR(Exec(db,
                       "CREATE TABLE IF NOT EXISTS access_keys ("
                       " access_key_id TEXT PRIMARY KEY,"
                       " user_name TEXT NOT NULL,"
                       " created_at_ms INTEGER NOT NULL,"
                       " key_fingerprint TEXT NOT NULL,"  // which key file sealed the secret
                       " secret_sealed BLOB NOT NULL"     // AES-256-GCM nonce||ciphertext||tag
                       ")"));
  // Refuse to run with a key file that cannot open the existing rows.
  Stmt check(db, "SELECT COUNT(*) FROM access_keys WHERE key_fingerprint != ?1");
  if (!check.ok()) return SqlError(db, "prepare");
  check.BindText(1, fingerprint);
  if (sqlite3_step(check.get()) != SQLITE_ROW) return SqlError(db, "check key fingerprint");
  if (int64_t n = sqlite3_column_int64(check.get(), 0); n > 0) {
    return DataLoss(std::to_string(n) + " access key(s) in " + store->options_.db_path +
                    " were sealed with a different key file than " + store->options_.key_file_path);
  }
  return store;
}

SqliteKeyStore::SqliteKeyStore(sqlite3* db, std::string master_key, std::string key_fingerprint,
                               SqliteKeyStoreOptions options, const Clock& clock)
    : db_(db),
      master_key_(std::move(master_key)),
      key_fingerprint_(std::move(key_fingerprint)),
      options_(std::move(options)),
      clock_(clock) {}

SqliteKeyStore::~SqliteKeyStore() {
  sqlite3_close(db_);
  OPENSSL_cleanse(master_key_.data(), master_key_.size());
  for (auto& [id, e] : cache_) {
    OPENSSL_cleanse(e.key.secret_access_key.data(), e.key.secret_access_key.size());
  }
}

Result<AccessKeyWithSecret> SqliteKeyStore::Lookup(std::string_view access_key_id) const {
  std::lock_guard lock(mu_);
  const TimePoint now = clock_.Now();
  if (auto it = cache_.find(access_key_id); it != cache_.end()) {
    if (now < it->second.expires) return it->second.key;
    cache_.erase(it);
  }
  ASSIGN_OR_RETURN(AccessKeyWithSecret key, LookupLocked(access_key_id));
  if (cache_.size() >= kMaxCacheEntries) cache_.clear();
  cache_[key.info.access_key_id] = CacheEntry{key, now + options_.cache_ttl};
  return key;
}

Result<AccessKeyWithSecret> SqliteKeyStore::LookupLocked(std::string_view access_key_id) const {
  Stmt q(
      db_,
      "SELECT user_name, created_at_ms, secret_sealed FROM access_keys WHERE access_key_id = ?1");
  if (!q.ok()) return SqlError(db_, "prepare lookup");
  q.BindText(1, access_key_id);
  int rc = sqlite3_step(q.get());
  if (rc == SQLITE_DONE) return NotFound("no such access key");
  if (rc != SQLITE_ROW) return SqlError(db_, "lookup");
  AccessKeyWithSecret key;
  key.info.access_key_id = std::string(access_key_id);
  key.info.user_name = q.Text(0);
  key.info.created_at = TimePoint(std::chrono::milliseconds(sqlite3_column_int64(q.get(), 1)));
  auto secret = AesGcmOpen(master_key_, q.Blob(2), Aad(access_key_id));
  if (!secret.ok()) {
    return DataLoss("the secret of access key " + key.info.access_key_id +
                    " cannot be decrypted with the configured key file");
  }
  key.secret_access_key = std::move(*secret);
  return key;
}

Status SqliteKeyStore::Add(const AccessKeyWithSecret& key) {
  ASSIGN_OR_RETURN(std::string sealed,
                   AesGcmSeal(master_key_, key.secret_access_key, Aad(key.info.access_key_id)));
  std::lock_guard lock(mu_);
  Stmt ins(db_,
           "INSERT INTO access_keys (access_key_id, user_name, created_at_ms, key_fingerprint,"
           " secret_sealed) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!ins.ok()) return SqlError(db_, "prepare insert");
  ins.BindText(1, key.info.access_key_id);
  ins.BindText(2, key.info.user_name);
  ins.BindInt(3, ToMillis(key.info.created_at));
  ins.BindText(4, key_fingerprint_);
  ins.BindBlob(5, sealed);
  int rc = sqlite3_step(ins.get());
  if (rc == SQLITE_CONSTRAINT) {
    return AlreadyExists("access key " + key.info.access_key_id + " already exists");
  }
  if (rc != SQLITE_DONE) return SqlError(db_, "insert");
  return Status::Ok();
}

Result<AccessKeyWithSecret> SqliteKeyStore::Create(std::string_view user_name) {
  ASSIGN_OR_RETURN(AccessKeyWithSecret key, GenerateAccessKey(user_name, clock_.Now()));
  RETURN_IF_ERROR(Add(key));
  return key;
}

Result<std::vector<AccessKeyInfo>> SqliteKeyStore::List() const {
  std::lock_guard lock(mu_);
  Stmt q(db_,
         "SELECT access_key_id, user_name, created_at_ms FROM access_keys"
         " ORDER BY created_at_ms, access_key_id");
  if (!q.ok()) return SqlError(db_, "prepare list");
  std::vector<AccessKeyInfo> out;
  int rc;
  while ((rc = sqlite3_step(q.get())) == SQLITE_ROW) {
    AccessKeyInfo info;
    info.access_key_id = q.Text(0);
    info.user_name = q.Text(1);
    info.created_at = TimePoint(std::chrono::milliseconds(sqlite3_column_int64(q.get(), 2)));
    out.push_back(std::move(info));
  }
  if (rc != SQLITE_DONE) return SqlError(db_, "list");
  return out;
}

Status SqliteKeyStore::Delete(std::string_view access_key_id) {
  std::lock_guard lock(mu_);
  cache_.erase(std::string(access_key_id));
  Stmt del(db_, "DELETE FROM access_keys WHERE access_key_id = ?1");
  if (!del.ok()) return SqlError(db_, "prepare delete");
  del.BindText(1, access_key_id);
  if (sqlite3_step(del.get()) != SQLITE_DONE) return SqlError(db_, "delete");
  if (sqlite3_changes(db_) == 0) {
    return NotFound("access key " + std::string(access_key_id) + " not found");
  }
  return Status::Ok();
}

}  // namespace surveyor::auth
