// Small cryptographic helpers for auth/: HMAC-SHA256, SHA-256, random bytes, AES-256-GCM,
// base64 and constant-time comparison, all over OpenSSL 3. Stateless free functions; thread-safe.
// Nothing here logs; callers must never put key material into messages.
#pragma once

#include "common/digest.h"  // Sha256Hex

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace surveyor::auth {

using Sha256Bytes = std::array<unsigned char, 32>;

// HMAC-SHA256(key, data).
Sha256Bytes HmacSha256(std::string_view key, std::string_view data);
Sha256Bytes HmacSha256(const Sha256Bytes& key, std::string_view data);
// Lower-case hex of raw bytes, written into `out` (which must hold 2*n chars).
void HexInto(const unsigned char* bytes, size_t n, char* out);

// Constant-time equality for equal-length inputs (CRYPTO_memcmp); different lengths are unequal
// (the length itself is not secret here).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// Cryptographically secure random bytes (RAND_bytes). Internal error if the RNG fails.
Result<std::string> RandomBytes(size_t n);

// AES-256-GCM. `key` must be 32 bytes. Output of Seal: 12-byte nonce || ciphertext || 16-byte
// tag. `aad` is authenticated but not encrypted (bind a ciphertext to its row). Open fails with
// DataLoss when the key, the aad or the data do not match.
Result<std::string> AesGcmSeal(std::string_view key, std::string_view plaintext,
                               std::string_view aad);
Result<std::string> AesGcmOpen(std::string_view key, std::string_view sealed, std::string_view aad);

// Standard base64 (RFC 4648 §4) with padding.
std::string Base64Encode(std::string_view data);
// Strict decoding: padding required, no whitespace, no other alphabet. InvalidArgument otherwise.
Result<std::string> Base64Decode(std::string_view text);

}  // namespace surveyor::auth
