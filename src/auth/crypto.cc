#include "auth/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <memory>

namespace surveyor::auth {
namespace {

constexpr size_t kGcmNonceSize = 12;
constexpr size_t kGcmTagSize = 16;
constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

Sha256Bytes Hmac(const void* key, size_t key_len, std::string_view data) {
  Sha256Bytes out{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key, static_cast<int>(key_len),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &len);
  return out;
}

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

Sha256Bytes HmacSha256(std::string_view key, std::string_view data) {
  return Hmac(key.data(), key.size(), data);
}

Sha256Bytes HmacSha256(const Sha256Bytes& key, std::string_view data) {
  return Hmac(key.data(), key.size(), data);
}

void HexInto(const unsigned char* bytes, size_t n, char* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kHex[bytes[i] >> 4];
    out[2 * i + 1] = kHex[bytes[i] & 0x0f];
  }
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Result<std::string> RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (n > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    return Internal("the system random number generator failed");
  }
  return out;
}

Result<std::string> AesGcmSeal(std::string_view key, std::string_view plaintext,
                               std::string_view aad) {
  if (key.size() != 32) return Internal("AES-256-GCM needs a 32-byte key");
  ASSIGN_OR_RETURN(std::string nonce, RandomBytes(kGcmNonceSize));
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return Internal("cannot allocate a cipher context");
  std::string out = nonce;
  out.resize(kGcmNonceSize + plaintext.size() + kGcmTagSize);
  auto* kp = reinterpret_cast<const unsigned char*>(key.data());
  auto* np = reinterpret_cast<const unsigned char*>(nonce.data());
  auto* op = reinterpret_cast<unsigned char*>(out.data()) + kGcmNonceSize;
  int len = 0;
  bool ok = EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, kp, np) == 1;
  if (ok && !aad.empty()) {
    ok = EVP_EncryptUpdate(ctx.get(), nullptr, &len,
                           reinterpret_cast<const unsigned char*>(aad.data()),
                           static_cast<int>(aad.size())) == 1;
  }
  if (ok && !plaintext.empty()) {
    ok = EVP_EncryptUpdate(ctx.get(), op, &len,
                           reinterpret_cast<const unsigned char*>(plaintext.data()),
                           static_cast<int>(plaintext.size())) == 1;
  }
  ok = ok && EVP_EncryptFinal_ex(ctx.get(), op + plaintext.size(), &len) == 1;
  ok = ok && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kGcmTagSize,
                                 op + plaintext.size()) == 1;
  if (!ok) return Internal("AES-256-GCM encryption failed");
  return out;
}

Result<std::string> AesGcmOpen(std::string_view key, std::string_view sealed,
                               std::string_view aad) {
  if (key.size() != 32) return Internal("AES-256-GCM needs a 32-byte key");
  if (sealed.size() < kGcmNonceSize + kGcmTagSize) {
    return DataLoss("encrypted value is truncated");
  }
  const size_t n = sealed.size() - kGcmNonceSize - kGcmTagSize;
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return Internal("cannot allocate a cipher context");
  auto* sp = reinterpret_cast<const unsigned char*>(sealed.data());
  std::string out(n, '\0');
  auto* op = reinterpret_cast<unsigned char*>(out.data());
  int len = 0;
  bool ok = EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                               reinterpret_cast<const unsigned char*>(key.data()), sp) == 1;
  if (ok && !aad.empty()) {
    ok = EVP_DecryptUpdate(ctx.get(), nullptr, &len,
                           reinterpret_cast<const unsigned char*>(aad.data()),
                           static_cast<int>(aad.size())) == 1;
  }
  if (ok && n > 0) {
    ok = EVP_DecryptUpdate(ctx.get(), op, &len, sp + kGcmNonceSize, static_cast<int>(n)) == 1;
  }
  // The tag must be set before Final; the API takes a non-const pointer but does not write.
  unsigned char tag[kGcmTagSize];
  std::copy(sp + kGcmNonceSize + n, sp + sealed.size(), tag);
  ok = ok && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kGcmTagSize, tag) == 1;
  ok = ok && EVP_DecryptFinal_ex(ctx.get(), op + n, &len) == 1;
  if (!ok) {
    OPENSSL_cleanse(out.data(), out.size());
    return DataLoss("encrypted value failed authentication (wrong key file or corrupted data)");
  }
  return out;
}

std::string Base64Encode(std::string_view data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  auto byte = [&](size_t k) { return static_cast<unsigned char>(data[k]); };
  for (; i + 3 <= data.size(); i += 3) {
    uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += kBase64Alphabet[(v >> 18) & 63];
    out += kBase64Alphabet[(v >> 12) & 63];
    out += kBase64Alphabet[(v >> 6) & 63];
    out += kBase64Alphabet[v & 63];
  }
  if (size_t rest = data.size() - i; rest > 0) {
    uint32_t v = byte(i) << 16;
    if (rest == 2) v |= byte(i + 1) << 8;
    out += kBase64Alphabet[(v >> 18) & 63];
    out += kBase64Alphabet[(v >> 12) & 63];
    out += rest == 2 ? kBase64Alphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

Result<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return InvalidArgument("base64 length is not a multiple of 4");
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      char c = text[i + k];
      if (c == '=' && last && k >= 2) {
        v[k] = 0;
        ++pad;
        continue;
      }
      if (pad > 0) return InvalidArgument("base64 padding in the middle of a group");
      v[k] = Base64Value(c);
      if (v[k] < 0) return InvalidArgument("invalid base64 character");
    }
    uint32_t w = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
    out += static_cast<char>((w >> 16) & 0xff);
    if (pad < 2) out += static_cast<char>((w >> 8) & 0xff);
    if (pad < 1) out += static_cast<char>(w & 0xff);
    // Non-canonical encodings (stray low bits before padding) are rejected.
    if ((pad == 1 && (v[2] & 0x3)) || (pad == 2 && (v[1] & 0xf))) {
      return InvalidArgument("non-canonical base64 padding bits");
    }
  }
  return out;
}

}  // namespace surveyor::auth
