// Access keys (id + secret) and the KeyStore interface the SigV4 verifier and the registry-token
// verifier look secrets up in. InMemoryKeyStore is for tests and benchmarks; SqliteKeyStore
// (sqlite_key_store.h) is the persistent one. Implementations are thread-safe.
// Secrets leave a KeyStore only through Lookup() (for verification) and Create() (shown once).
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace surveyor::auth {

// Public metadata of a key; never holds the secret.
struct AccessKeyInfo {
  std::string access_key_id;  // "AKIA" + 16 chars of [A-Z2-7]
  std::string user_name;      // who the key belongs to; the principal is user/<user_name>
  TimePoint created_at;
};

// A key together with its secret, as returned by Lookup() and, once, by Create().
struct AccessKeyWithSecret {
  AccessKeyInfo info;
  std::string secret_access_key;  // 40 chars of [A-Za-z0-9+/]
};

class KeyStore {
 public:
  virtual ~KeyStore() = default;
  // NotFound when no such key exists (the caller turns it into UnrecognizedClientException).
  virtual Result<AccessKeyWithSecret> Lookup(std::string_view access_key_id) const = 0;
  // Creates a fresh key for `user_name` (1-64 chars of [A-Za-z0-9+=,.@_-], IAM's user-name set).
  virtual Result<AccessKeyWithSecret> Create(std::string_view user_name) = 0;
  // All keys, ordered by creation time then id.
  virtual Result<std::vector<AccessKeyInfo>> List() const = 0;
  // NotFound when absent.
  virtual Status Delete(std::string_view access_key_id) = 0;
};

// Generation and validation helpers shared by implementations.
Result<AccessKeyWithSecret> GenerateAccessKey(std::string_view user_name, TimePoint now);
Status ValidateUserName(std::string_view user_name);
bool LooksLikeAccessKeyId(std::string_view id);  // [A-Za-z0-9]{16,128}

class InMemoryKeyStore final : public KeyStore {
 public:
  explicit InMemoryKeyStore(const Clock& clock = SystemClock::Default()) : clock_(clock) {}
  // Inserts a key with a chosen secret (tests use AWS's published example key).
  Status Add(AccessKeyWithSecret key);

  Result<AccessKeyWithSecret> Lookup(std::string_view access_key_id) const override;
  Result<AccessKeyWithSecret> Create(std::string_view user_name) override;
  Result<std::vector<AccessKeyInfo>> List() const override;
  Status Delete(std::string_view access_key_id) override;

 private:
  const Clock& clock_;
  mutable std::mutex mu_;
  std::map<std::string, AccessKeyWithSecret, std::less<>> keys_;
};

}  // namespace surveyor::auth
