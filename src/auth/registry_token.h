// Registry passwords for `aws ecr get-login-password | docker login -u AWS` (SPEC §5).
// GetAuthorizationToken returns base64("AWS:" + password); clients later send exactly that as
// "Authorization: Basic ...". The password is self-contained and verifiable by any replica that
// shares the signing key:  v1.<access key id>.<expiry, unix seconds>.<16 hex nonce>.<64 hex MAC>
// where MAC = HMAC-SHA256(signing key, "surveyor-registry-token-v1\n" id "\n" expiry "\n" nonce).
// It contains no ':' and no whitespace (the CLI splits the decoded token on ':'). Deleting the
// access key revokes its tokens. RegistryTokens is immutable and thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "auth/key_store.h"
#include "common/clock.h"
#include "common/status.h"

namespace surveyor::auth {

inline constexpr std::chrono::seconds kRegistryTokenLifetime = std::chrono::hours(12);
inline constexpr size_t kMaxRegistryPasswordBytes = 512;
// ECR's message for an expired token, as docker shows it.
inline constexpr std::string_view kExpiredTokenMessage =
    "Your authorization token has expired. Reauthenticate and try again.";

struct IssuedRegistryToken {
  std::string authorization_token;  // base64("AWS:" + password), the ECR response field
  std::string password;             // what get-login-password prints
  TimePoint expires_at;
};

struct RegistryTokenClaims {
  std::string access_key_id;
  std::string user_name;
  TimePoint expires_at;
};

class RegistryTokens {
 public:
  // `signing_key`: 32 bytes, e.g. from LoadOrCreateKeyFile(<data>/registry-token.key).
  RegistryTokens(std::string signing_key, const KeyStore& keys, const Clock& clock,
                 std::chrono::seconds lifetime = kRegistryTokenLifetime)
      : signing_key_(std::move(signing_key)), keys_(keys), clock_(clock), lifetime_(lifetime) {}

  // A token for a caller whose request was already authenticated (SigV4) with this key.
  Result<IssuedRegistryToken> Issue(std::string_view access_key_id) const;

  // Verifies a password. Every failure is kUnauthenticated with domain code UNAUTHORIZED (the
  // registry answers 401 with a Basic challenge); an expired token says kExpiredTokenMessage.
  Result<RegistryTokenClaims> VerifyPassword(std::string_view password) const;
  // Verifies an "Authorization" header value "Basic base64(AWS:<password>)".
  Result<RegistryTokenClaims> VerifyBasicAuthorization(std::string_view header_value) const;

 private:
  std::string Mac(std::string_view id, std::string_view expiry, std::string_view nonce) const;

  std::string signing_key_;
  const KeyStore& keys_;
  const Clock& clock_;
  std::chrono::seconds lifetime_;
};

// The standard location of the token signing key inside a data directory (registry-token.key;
// load it with LoadOrCreateKeyFile from auth/private_file.h).
std::string RegistryTokenKeyPath(const std::string& data_dir);

// The WWW-Authenticate value ECR sends with a 401 from /v2: Basic
// realm="<realm>",service="ecr.amazonaws.com".
std::string RegistryBasicChallenge(std::string_view realm);

}  // namespace surveyor::auth
