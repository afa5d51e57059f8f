// AWS Signature Version 4 verification (SPEC §4). The HTTP layer hands in a SignedRequest that
// points into its own buffers; the pure functions below rebuild the canonical request, and
// SigV4Verifier checks scope, clock skew, session tokens, the payload hash and the signature
// (constant time) against a KeyStore. Errors carry the AWS error name in Status::domain_code().
// SigV4Verifier is immutable after construction and thread-safe if its KeyStore is.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "auth/crypto.h"
#include "auth/errors.h"
#include "auth/key_store.h"
#include "common/clock.h"
#include "common/status.h"

namespace surveyor::auth {

struct Header {
  std::string_view name;   // as received (any case)
  std::string_view value;  // as received, untrimmed
};

// One HTTP request as the server received it. Views; the caller keeps the storage alive.
struct SignedRequest {
  std::string_view method;     // "POST"
  std::string_view raw_path;   // request-target before '?', still percent-encoded: "/tags/arn%3A.."
  std::string_view raw_query;  // after '?', without it; empty when there is none
  std::span<const Header> headers;  // every header, in arrival order, duplicates kept
  std::string_view body;            // the whole body (empty when none) ...
  // ... or, when the body is streamed, its SHA-256 as 64 lower-case hex computed by the caller.
  // When non-empty it is used instead of hashing `body`.
  std::string_view payload_sha256_hex;
};

// Which service a route belongs to: the credential scope must name it, and its protocol decides
// the spelling of error names.
struct ServiceSpec {
  std::string_view name;  // signing name: "ecr", "inspector2", "sts", "s3"
  ErrorProtocol protocol;
};
inline constexpr ServiceSpec kEcrService{"ecr", ErrorProtocol::kAwsJson};
inline constexpr ServiceSpec kInspector2Service{"inspector2", ErrorProtocol::kRestJson};
inline constexpr ServiceSpec kStsService{"sts", ErrorProtocol::kQuery};

struct SigV4Config {
  // The region clients must put in their credential scope (the server's configured region).
  std::string region = "us-east-1";
  // Requests whose X-Amz-Date is further than this from the server clock are refused.
  std::chrono::seconds max_skew = std::chrono::minutes(15);
  // Whether "x-amz-content-sha256: UNSIGNED-PAYLOAD" is accepted. ECR and Inspector2 clients
  // never send it, so the default refuses requests whose body the signature does not cover.
  bool allow_unsigned_payload = false;
};

// The parsed "Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=..."
// header. Views into the header value.
struct AuthorizationHeader {
  std::string_view access_key_id;
  std::string_view date;  // YYYYMMDD from the credential scope
  std::string_view region;
  std::string_view service;
  std::string_view terminator;                        // "aws4_request" when well-formed
  std::string_view credential_scope;                  // "date/region/service/terminator"
  std::string_view signed_headers;                    // "content-type;host;x-amz-date"
  std::vector<std::string_view> signed_header_names;  // split, sorted, lower case
  std::string_view signature;                         // 64 lower-case hex
};

// Limits on hostile input (beyond the HTTP layer's own).
inline constexpr size_t kMaxAuthorizationHeaderBytes = 4096;
inline constexpr size_t kMaxSignedHeaders = 64;
inline constexpr size_t kMaxQueryParameters = 1000;

// Parses the Authorization header value. Structural problems are IncompleteSignature errors in
// the spelling of `protocol`; an unknown algorithm too. Scope contents (service, region, date)
// are not judged here.
Result<AuthorizationHeader> ParseAuthorizationHeader(std::string_view value,
                                                     ErrorProtocol protocol);

// Canonical URI (SPEC §4.2). For every service but S3 the raw path is normalised (empty and "."
// segments dropped, ".." resolved, leading and trailing '/' kept) and percent-encoded again;
// S3 uses the raw path as sent.
std::string CanonicalUri(std::string_view raw_path, bool s3);
// Canonical query string: pairs split at the first '=', percent-decoded and re-encoded with the
// unreserved set, sorted by name then value, joined with '&'. Only the first
// kMaxQueryParameters items are considered (Verify refuses longer queries outright).
std::string CanonicalQueryString(std::string_view raw_query);
// "value1,value2": every value of the header (case-insensitive name) in arrival order, each
// trimmed with inner runs of spaces and tabs collapsed. `found` tells whether any was present.
std::string CanonicalHeaderValue(std::span<const Header> headers, std::string_view lower_name,
                                 bool* found);
// The full canonical request; `payload_hash` is the last line.
std::string CanonicalRequest(const SignedRequest& request, const AuthorizationHeader& auth,
                             std::string_view payload_hash);
std::string StringToSign(std::string_view amz_date, std::string_view credential_scope,
                         std::string_view canonical_request);
Sha256Bytes DeriveSigningKey(std::string_view secret, std::string_view date8,
                             std::string_view region, std::string_view service);
std::string SignatureHex(const Sha256Bytes& signing_key, std::string_view string_to_sign);

// Parses "YYYYMMDDTHHMMSSZ" (ISO 8601 basic format, UTC) strictly; years 1970-2200 only.
Result<TimePoint> ParseAmzDate(std::string_view text);
std::string FormatAmzDate(TimePoint t);

// Who signed a request that verified.
struct VerifiedCaller {
  std::string access_key_id;
  std::string user_name;
  std::string region;
  std::string service;
  TimePoint request_time;
};

class SigV4Verifier {
 public:
  SigV4Verifier(const KeyStore& keys, const Clock& clock, SigV4Config config)
      : keys_(keys), clock_(clock), config_(std::move(config)) {}
  ~SigV4Verifier();

  // Verifies `request` for `service`. Error names (domain codes), JSON spelling / query spelling:
  //  - no Authorization header: MissingAuthenticationTokenException / MissingAuthenticationToken
  //    (presigned query-string requests are refused as IncompleteSignature: not supported);
  //  - malformed Authorization or X-Amz-Date: IncompleteSignatureException / IncompleteSignature;
  //  - scope service or region not this server's, scope date != X-Amz-Date, clock skew beyond
  //    the limit ("Signature expired" / "Signature not yet current"), payload hash header that
  //    does not match the body, a listed header missing, or a wrong signature:
  //    InvalidSignatureException / SignatureDoesNotMatch;
  //  - unknown access key, or any X-Amz-Security-Token (session credentials are not supported):
  //    UnrecognizedClientException / InvalidClientTokenId.
  // All have StatusCode kUnauthenticated; key-store failures other than NotFound pass through.
  Result<VerifiedCaller> Verify(const SignedRequest& request, ServiceSpec service) const;

 private:
  // kSigning depends only on (secret, date, region, service); derived keys are cached per
  // (key id, date, region, service) and reused only while the stored secret is unchanged.
  Sha256Bytes SigningKey(const AuthorizationHeader& auth, std::string_view secret) const;

  const KeyStore& keys_;
  const Clock& clock_;
  SigV4Config config_;
  struct CachedSigningKey {
    std::string secret;
    Sha256Bytes key;
  };
  static constexpr size_t kMaxCachedSigningKeys = 4096;
  mutable std::mutex cache_mu_;
  mutable std::map<std::string, CachedSigningKey, std::less<>> signing_keys_;
};

}  // namespace surveyor::auth
