// Content digests ("sha256:<64 hex>", "sha512:<128 hex>") and a streaming hasher over OpenSSL EVP.
// Digest is a validated value type. Hasher is single-threaded; one per stream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace surveyor {

enum class DigestAlgorithm { kSha256, kSha512 };

std::string_view DigestAlgorithmName(DigestAlgorithm algorithm);  // "sha256" / "sha512"
size_t DigestHexLength(DigestAlgorithm algorithm);                // 64 / 128

class Digest {
 public:
  Digest() = default;
  // Parses "algorithm:hex". Only sha256 and sha512 with lower-case hex of the right length are
  // accepted; anything else is InvalidArgument with domain code DIGEST_INVALID (or UNSUPPORTED
  // for a well-formed digest of another algorithm).
  static Result<Digest> Parse(std::string_view text);
  static Digest FromHex(DigestAlgorithm algorithm, std::string hex);

  DigestAlgorithm algorithm() const { return algorithm_; }
  const std::string& hex() const { return hex_; }
  std::string ToString() const;
  bool empty() const { return hex_.empty(); }

  friend bool operator==(const Digest&, const Digest&) = default;
  friend auto operator<=>(const Digest& a, const Digest& b) { return a.ToString() <=> b.ToString(); }

 private:
  Digest(DigestAlgorithm algorithm, std::string hex) : algorithm_(algorithm), hex_(std::move(hex)) {}
  DigestAlgorithm algorithm_ = DigestAlgorithm::kSha256;
  std::string hex_;
};

class Hasher {
 public:
  explicit Hasher(DigestAlgorithm algorithm = DigestAlgorithm::kSha256);
  ~Hasher();
  Hasher(Hasher&&) noexcept;
  Hasher& operator=(Hasher&&) noexcept;
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;

  void Update(std::string_view data);
  void Update(const void* data, size_t size);
  // Finishes the hash; the hasher must not be used afterwards.
  Digest Finish();
  DigestAlgorithm algorithm() const { return algorithm_; }

 private:
  DigestAlgorithm algorithm_;
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

Digest ComputeDigest(std::string_view data, DigestAlgorithm algorithm = DigestAlgorithm::kSha256);
// SHA-256 of `data` as lowercase hex (== ComputeDigest(data).hex(), without the Digest).
std::string Sha256Hex(std::string_view data);

// Lower-case hex of raw bytes.
std::string HexEncode(std::string_view bytes);

}  // namespace surveyor

template <>
struct std::hash<surveyor::Digest> {
  size_t operator()(const surveyor::Digest& d) const noexcept { return std::hash<std::string>()(d.hex()); }
};
