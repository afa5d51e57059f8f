#include "auth/registry_token.h"

#include <algorithm>

#include "auth/crypto.h"
#include "auth/errors.h"
#include "common/digest.h"
#include "common/fs.h"

namespace surveyor::auth {
namespace {

constexpr std::string_view kVersion = "v1";
constexpr std::string_view kMacContext = "surveyor-registry-token-v1\n";

Status Unauthorized(std::string message) {
  return Status(StatusCode::kUnauthenticated, std::move(message), std::string(kOciUnauthorized));
}

bool AllChars(std::string_view s, bool (*pred)(char)) {
  return !s.empty() && std::all_of(s.begin(), s.end(), pred);
}
bool Digit(char c) { return c >= '0' && c <= '9'; }
bool LowerHex(char c) { return Digit(c) || (c >= 'a' && c <= 'f'); }
bool Alnum(char c) { return Digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

int64_t UnixSeconds(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

std::string RegistryTokens::Mac(std::string_view id, std::string_view expiry,
                                std::string_view nonce) const {
  std::string input(kMacContext);
  input += id;
  input += '\n';
  input += expiry;
  input += '\n';
  input += nonce;
  Sha256Bytes mac = HmacSha256(std::string_view(signing_key_), input);
  std::string hex(64, '0');
  HexInto(mac.data(), mac.size(), hex.data());
  return hex;
}

Result<IssuedRegistryToken> RegistryTokens::Issue(std::string_view access_key_id) const {
  if (!AllChars(access_key_id, Alnum) || access_key_id.size() > 128) {
    return InvalidArgument("malformed access key id");
  }
  ASSIGN_OR_RETURN(std::string nonce, RandomBytes(8));
  const std::string nonce_hex = HexEncode(nonce);
  const int64_t expiry = UnixSeconds(clock_.Now()) + lifetime_.count();
  const std::string expiry_text = std::to_string(expiry);
  IssuedRegistryToken token;
  token.password = std::string(kVersion) + "." + std::string(access_key_id) + "." + expiry_text +
                   "." + nonce_hex + "." + Mac(access_key_id, expiry_text, nonce_hex);
  token.authorization_token = Base64Encode("AWS:" + token.password);
  token.expires_at = TimePoint(std::chrono::seconds(expiry));
  return token;
}

Result<RegistryTokenClaims> RegistryTokens::VerifyPassword(std::string_view password) const {
  if (password.empty() || password.size() > kMaxRegistryPasswordBytes) {
    return Unauthorized("Not Authorized");
  }
  std::string_view parts[5];
  std::string_view rest = password;
  for (int i = 0; i < 5; ++i) {
    size_t dot = rest.find('.');
    if ((dot == std::string_view::npos) != (i == 4)) return Unauthorized("Not Authorized");
    parts[i] = rest.substr(0, dot);
    if (dot != std::string_view::npos) rest = rest.substr(dot + 1);
  }
  const auto& [version, id, expiry, nonce, mac] = parts;
  if (version != kVersion || !AllChars(id, Alnum) || id.size() > 128 || !AllChars(expiry, Digit) ||
      expiry.size() > 12 || nonce.size() != 16 || !AllChars(nonce, LowerHex) || mac.size() != 64 ||
      !AllChars(mac, LowerHex)) {
    return Unauthorized("Not Authorized");
  }
  if (!ConstantTimeEquals(Mac(id, expiry, nonce), mac)) return Unauthorized("Not Authorized");
  const int64_t expires = std::stoll(std::string(expiry));
  const int64_t now = UnixSeconds(clock_.Now());
  if (now >= expires) return Unauthorized(std::string(kExpiredTokenMessage));
  // A validly signed token can never claim more than one lifetime ahead (plus a little clock
  // skew between replicas); anything else means the key or the configuration changed.
  if (expires > now + lifetime_.count() + 15 * 60) return Unauthorized("Not Authorized");
  auto key = keys_.Lookup(id);
  if (!key.ok()) {
    if (key.status().code() == StatusCode::kNotFound) {
      return Unauthorized("the access key this token was issued to no longer exists");
    }
    return key.status();
  }
  RegistryTokenClaims claims;
  claims.access_key_id = std::string(id);
  claims.user_name = std::move(key->info.user_name);
  claims.expires_at = TimePoint(std::chrono::seconds(expires));
  return claims;
}

Result<RegistryTokenClaims> RegistryTokens::VerifyBasicAuthorization(
    std::string_view header_value) const {
  while (!header_value.empty() && (header_value.front() == ' ' || header_value.front() == '\t')) {
    header_value.remove_prefix(1);
  }
  while (!header_value.empty() && (header_value.back() == ' ' || header_value.back() == '\t')) {
    header_value.remove_suffix(1);
  }
  size_t sp = header_value.find(' ');
  if (sp == std::string_view::npos) return Unauthorized("Not Authorized");
  std::string scheme(header_value.substr(0, sp));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (scheme != "basic") return Unauthorized("Not Authorized");
  std::string_view encoded = header_value.substr(sp + 1);
  while (!encoded.empty() && encoded.front() == ' ') encoded.remove_prefix(1);
  if (encoded.size() > 2 * kMaxRegistryPasswordBytes) return Unauthorized("Not Authorized");
  auto decoded = Base64Decode(encoded);
  if (!decoded.ok()) return Unauthorized("Not Authorized");
  size_t colon = decoded->find(':');
  if (colon == std::string::npos || decoded->substr(0, colon) != "AWS") {
    return Unauthorized("Not Authorized");
  }
  return VerifyPassword(std::string_view(*decoded).substr(colon + 1));
}

std::string RegistryTokenKeyPath(const std::string& data_dir) {
  return JoinPath(data_dir, "registry-token.key");
}

std::string RegistryBasicChallenge(std::string_view realm) {
  return "Basic realm=\"" + std::string(realm) + "\",service=\"ecr.amazonaws.com\"";
}

}  // namespace surveyor::auth
