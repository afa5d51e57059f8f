// First-start bootstrap: when the key store is empty, create one access key and write it to a
// 0600 credentials file in the data directory (the ~/.aws/credentials format, profile
// [default]) so the operator can point the aws CLI at it. Not thread-safe against a concurrent
// bootstrap of the same data directory (run it once at startup).
#pragma once

#include <string>

#include "auth/key_store.h"
#include "common/status.h"

namespace surveyor::auth {

inline constexpr char kBootstrapCredentialsFile[] = "bootstrap-credentials";
inline constexpr char kBootstrapUserName[] = "admin";

struct BootstrapResult {
  // Where the credentials file is; empty when the store already had keys but no file
  // (nothing was created and there is nothing to point at).
  std::string path;
  bool created = false;
  std::string access_key_id;  // set when created
};

// If <data_dir>/bootstrap-credentials exists: returns its path, creates nothing. Else, if the
// store holds no key: creates one for user "admin", writes the file (mode 0600) and returns its
// path with created = true (the key is deleted again if the file cannot be written). Else
// returns an empty path. The secret is only ever written to that file.
Result<BootstrapResult> EnsureBootstrapKey(const std::string& data_dir, KeyStore& keys);

// The file text for a key: "[default]\naws_access_key_id = ...\naws_secret_access_key = ...\n",
// preceded by '#' comment lines.
std::string FormatCredentialsFile(const AccessKeyWithSecret& key);

}  // namespace surveyor::auth
