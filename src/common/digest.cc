#include "common/digest.h"

#include <openssl/evp.h>

namespace surveyor {

std::string_view DigestAlgorithmName(DigestAlgorithm algorithm) {
  return algorithm == DigestAlgorithm::kSha512 ? "sha512" : "sha256";
}

size_t DigestHexLength(DigestAlgorithm algorithm) {
  return algorithm == DigestAlgorithm::kSha512 ? 128 : 64;
}

namespace {
bool IsAlgorithmComponent(std::string_view s) {
  // algorithm-component ::= [a-z0-9]+ ; separators [+._-] between components (OCI image-spec).
  if (s.empty()) return false;
  bool prev_sep = true;
  for (char c : s) {
    bool sep = c == '+' || c == '.' || c == '_' || c == '-';
    bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!sep && !alnum) return false;
    if (sep && prev_sep) return false;
    prev_sep = sep;
  }
  return !prev_sep;
}
bool IsEncodedChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '=' ||
         c == '_' || c == '-';
}
}  // namespace

Result<Digest> Digest::Parse(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) {
    return InvalidArgument("digest has no algorithm prefix", "DIGEST_INVALID");
  }
  const std::string_view algo = text.substr(0, colon);
  const std::string_view hex = text.substr(colon + 1);
  DigestAlgorithm algorithm;
  if (algo == "sha256") {
    algorithm = DigestAlgorithm::kSha256;
  } else if (algo == "sha512") {
    algorithm = DigestAlgorithm::kSha512;
  } else {
    bool well_formed = IsAlgorithmComponent(algo) && !hex.empty();
    for (char c : hex) well_formed = well_formed && IsEncodedChar(c);
    if (well_formed) {
      return InvalidArgument("unsupported digest algorithm '" + std::string(algo) + "'",
                             "UNSUPPORTED");
    }
    return InvalidArgument("malformed digest", "DIGEST_INVALID");
  }
  if (hex.size() != DigestHexLength(algorithm)) {
    return InvalidArgument(std::string(algo) + " digest must have " +
                               std::to_string(DigestHexLength(algorithm)) + " hex characters",
                           "DIGEST_INVALID");
  }
  for (char c : hex) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return InvalidArgument("digest must be lower-case hex", "DIGEST_INVALID");
    }
  }
  return Digest(algorithm, std::string(hex));
}

Digest Digest::FromHex(DigestAlgorithm algorithm, std::string hex) {
  return Digest(algorithm, std::move(hex));
}

std::string Digest::ToString() const {
  return std::string(DigestAlgorithmName(algorithm_)) + ":" + hex_;
}

namespace {

// The algorithm's implementation, fetched once per process: OpenSSL 3 looks EVP_sha256() up
// again on every init, about a microsecond per hash.
const EVP_MD* Md(DigestAlgorithm algorithm) {
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  static EVP_MD* const sha512 = EVP_MD_fetch(nullptr, "SHA512", nullptr);
  const EVP_MD* md = algorithm == DigestAlgorithm::kSha512 ? sha512 : sha256;
  if (md != nullptr) return md;
  return algorithm == DigestAlgorithm::kSha512 ? EVP_sha512() : EVP_sha256();
}

// One-shot hashing reuses one context per thread instead of allocating one per call.
std::string RawDigest(std::string_view data, DigestAlgorithm algorithm) {
  struct Context {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Context() { EVP_MD_CTX_free(ctx); }
  };
  thread_local Context c;
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestInit_ex2(c.ctx, Md(algorithm), nullptr);
  EVP_DigestUpdate(c.ctx, data.data(), data.size());
  EVP_DigestFinal_ex(c.ctx, out, &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

}  // namespace

struct Hasher::Ctx {
  EVP_MD_CTX* md = nullptr;
  ~Ctx() { EVP_MD_CTX_free(md); }
};

Hasher::Hasher(DigestAlgorithm algorithm) : algorithm_(algorithm), ctx_(std::make_unique<Ctx>()) {
  ctx_->md = EVP_MD_CTX_new();
  EVP_DigestInit_ex2(ctx_->md, Md(algorithm), nullptr);
}
Hasher::~Hasher() = default;
Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;

void Hasher::Update(std::string_view data) { Update(data.data(), data.size()); }
void Hasher::Update(const void* data, size_t size) { EVP_DigestUpdate(ctx_->md, data, size); }

Digest Hasher::Finish() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx_->md, out, &len);
  return Digest::FromHex(algorithm_,
                         HexEncode(std::string_view(reinterpret_cast<const char*>(out), len)));
}

Digest ComputeDigest(std::string_view data, DigestAlgorithm algorithm) {
  return Digest::FromHex(algorithm, HexEncode(RawDigest(data, algorithm)));
}

std::string Sha256Hex(std::string_view data) {
  return HexEncode(RawDigest(data, DigestAlgorithm::kSha256));
}

std::string HexEncode(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.resize(bytes.size() * 2);
  for (size_t i = 0; i < bytes.size(); ++i) {
    const auto b = static_cast<unsigned char>(bytes[i]);
    out[2 * i] = kHex[b >> 4];
    out[2 * i + 1] = kHex[b & 15];
  }
  return out;
}

}  // namespace surveyor
