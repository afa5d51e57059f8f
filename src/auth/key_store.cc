#include "auth/key_store.h"

#include <algorithm>

#include "auth/crypto.h"

namespace surveyor::auth {
namespace {

constexpr char kBase32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr char kSecretAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

bool UserNameChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         std::string_view("+=,.@_-").find(c) != std::string_view::npos;
}

}  // namespace

Status ValidateUserName(std::string_view user_name) {
  if (user_name.empty() || user_name.size() > 64 ||
      !std::all_of(user_name.begin(), user_name.end(), UserNameChar)) {
    return InvalidArgument("user name must be 1-64 characters of letters, digits and +=,.@_-",
                           "ValidationException");
  }
  return Status::Ok();
}

bool LooksLikeAccessKeyId(std::string_view id) {
  return id.size() >= 16 && id.size() <= 128 && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
         });
}

Result<AccessKeyWithSecret> GenerateAccessKey(std::string_view user_name, TimePoint now) {
  RETURN_IF_ERROR(ValidateUserName(user_name));
  // 16 base32 characters = 80 random bits for the id; 40 base64-alphabet characters = 240 bits
  // for the secret. Each character takes the low bits of one random byte (32 and 64 divide 256,
  // so there is no modulo bias).
  ASSIGN_OR_RETURN(std::string random, RandomBytes(16 + 40));
  AccessKeyWithSecret key;
  key.info.access_key_id = "AKIA";
  for (int i = 0; i < 16; ++i) {
    key.info.access_key_id += kBase32[static_cast<unsigned char>(random[i]) & 31];
  }
  key.secret_access_key.reserve(40);
  for (int i = 16; i < 56; ++i) {
    key.secret_access_key += kSecretAlphabet[static_cast<unsigned char>(random[i]) & 63];
  }
  key.info.user_name = std::string(user_name);
  key.info.created_at = now;
  return key;
}

Status InMemoryKeyStore::Add(AccessKeyWithSecret key) {
  std::lock_guard lock(mu_);
  auto id = key.info.access_key_id;
  if (!keys_.emplace(id, std::move(key)).second) {
    return AlreadyExists("access key " + id + " already exists");
  }
  return Status::Ok();
}

Result<AccessKeyWithSecret> InMemoryKeyStore::Lookup(std::string_view access_key_id) const {
  std::lock_guard lock(mu_);
  auto it = keys_.find(access_key_id);
  if (it == keys_.end()) return NotFound("no such access key");
  return it->second;
}

Result<AccessKeyWithSecret> InMemoryKeyStore::Create(std::string_view user_name) {
  ASSIGN_OR_RETURN(AccessKeyWithSecret key, GenerateAccessKey(user_name, clock_.Now()));
  RETURN_IF_ERROR(Add(key));
  return key;
}

Result<std::vector<AccessKeyInfo>> InMemoryKeyStore::List() const {
  std::lock_guard lock(mu_);
  std::vector<AccessKeyInfo> out;
  for (const auto& [id, key] : keys_) out.push_back(key.info);
  std::sort(out.begin(), out.end(), [](const AccessKeyInfo& a, const AccessKeyInfo& b) {
    return std::tie(a.created_at, a.access_key_id) < std::tie(b.created_at, b.access_key_id);
  });
  return out;
}

Status InMemoryKeyStore::Delete(std::string_view access_key_id) {
  std::lock_guard lock(mu_);
  auto it = keys_.find(access_key_id);
  if (it == keys_.end()) return NotFound("access key " + std::string(access_key_id) + " not found");
  keys_.erase(it);
  return Status::Ok();
}

}  // namespace surveyor::auth
