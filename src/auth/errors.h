// The AWS error names auth/ puts into Status::domain_code(), per wire protocol. JSON protocols
// (ECR's awsJson1_1, Inspector2's restJson1) and the query protocol (STS) spell them differently
// (SPEC §4.4): e.g. InvalidSignatureException vs SignatureDoesNotMatch. Pure constants.
#pragma once

#include <string_view>

namespace surveyor::auth {

// How the service that receives the request reports errors.
enum class ErrorProtocol {
  kAwsJson,   // ECR: __type body field, HTTP 400 for auth failures
  kRestJson,  // Inspector2: x-amzn-ErrorType header + body, HTTP 403 for auth failures
  kQuery,     // STS: XML <Error><Code>, HTTP 403
};

enum class AuthError {
  kMissingAuthenticationToken,  // no Authorization header at all
  kIncompleteSignature,         // the Authorization header or X-Amz-Date is malformed
  kInvalidSignature,            // mismatch, expired, wrong scope, tampered content
  kUnrecognizedClient,          // unknown access key id, or a session token
};

constexpr std::string_view AuthErrorName(AuthError e, ErrorProtocol p) {
  const bool query = p == ErrorProtocol::kQuery;
  switch (e) {
    case AuthError::kMissingAuthenticationToken:
      return query ? "MissingAuthenticationToken" : "MissingAuthenticationTokenException";
    case AuthError::kIncompleteSignature:
      return query ? "IncompleteSignature" : "IncompleteSignatureException";
    case AuthError::kInvalidSignature:
      return query ? "SignatureDoesNotMatch" : "InvalidSignatureException";
    case AuthError::kUnrecognizedClient:
      return query ? "InvalidClientTokenId" : "UnrecognizedClientException";
  }
  return "InvalidSignatureException";
}

// The HTTP status AWS front-ends use for authentication failures of each protocol
// (SPEC §4.4: 400 for ECR, 403 for Inspector2 — inferred there; clients only need non-5xx).
constexpr int AuthErrorHttpStatus(ErrorProtocol p) {
  return p == ErrorProtocol::kAwsJson ? 400 : 403;
}

// OCI distribution error code for registry (/v2) authentication failures.
inline constexpr std::string_view kOciUnauthorized = "UNAUTHORIZED";
// ECR's exception for a malformed repository policy.
inline constexpr std::string_view kInvalidParameterException = "InvalidParameterException";

}  // namespace surveyor::auth
