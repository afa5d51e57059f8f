// SqliteKeyStore: access keys in an SQLite database (own connection, WAL mode, table
// `access_keys`), each secret encrypted with AES-256-GCM under a 32-byte master key kept in a
// separate 0600 key file, so a copy of the database alone reveals no secret. The ciphertext is
// bound to its access key id (AAD), so rows cannot be swapped. Thread-safe (one connection behind
// a mutex). Decrypted secrets are cached for `cache_ttl` so verification stays fast; with several
// processes on one database a deleted key keeps working elsewhere for at most that long.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "auth/key_store.h"
#include "common/clock.h"

struct sqlite3;

namespace surveyor::auth {

struct SqliteKeyStoreOptions {
  std::string db_path;        // created when absent
  std::string key_file_path;  // created (mode 0600, 64 hex chars) when absent
  std::chrono::seconds cache_ttl{10};
};

// The standard locations inside a data directory: access-keys.db and access-keys.key.
SqliteKeyStoreOptions KeyStoreOptionsForDataDir(const std::string& data_dir);

class SqliteKeyStore final : public KeyStore {
 public:
  // Opens or creates both files. FailedPrecondition when the key file is group/world accessible
  // or malformed; DataLoss when the database holds keys sealed under a different key file.
  static Result<std::unique_ptr<SqliteKeyStore>> Open(SqliteKeyStoreOptions options,
                                                      const Clock& clock = SystemClock::Default());
  ~SqliteKeyStore() override;
  SqliteKeyStore(const SqliteKeyStore&) = delete;
  SqliteKeyStore& operator=(const SqliteKeyStore&) = delete;

  Result<AccessKeyWithSecret> Lookup(std::string_view access_key_id) const override;
  Result<AccessKeyWithSecret> Create(std::string_view user_name) override;
  Result<std::vector<AccessKeyInfo>> List() const override;
  Status Delete(std::string_view access_key_id) override;

  // Inserts a key with a chosen secret (imports; tests).
  Status Add(const AccessKeyWithSecret& key);

 private:
  SqliteKeyStore(sqlite3* db, std::string master_key, std::string key_fingerprint,
                 SqliteKeyStoreOptions options, const Clock& clock);
  Result<AccessKeyWithSecret> LookupLocked(std::string_view access_key_id) const;

  sqlite3* db_;
  std::string master_key_;
  std::string key_fingerprint_;
  SqliteKeyStoreOptions options_;
  const Clock& clock_;
  mutable std::mutex mu_;
  struct CacheEntry {
    AccessKeyWithSecret key;
    TimePoint expires;
  };
  mutable std::map<std::string, CacheEntry, std::less<>> cache_;
};

}  // namespace surveyor::auth
