// What the AWS APIs share on the wire (SPEC §2): awsJson1_1 responses and `__type` errors (ECR),
// restJson1 responses with `x-amzn-ErrorType` + body errors (Inspector2), the SigV4 middleware
// that adapts an http::Request to auth::SignedRequest, and the AWS context (account, region,
// ARNs). Pure helpers; AwsContext is an immutable value.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "auth/sigv4.h"
#include "common/json.h"
#include "common/status.h"
#include "http/message.h"

namespace surveyor::api::aws {

struct AwsContext {
  std::string account_id = "123456789012";
  std::string region = "us-east-1";
  std::string RepositoryArn(std::string_view name) const {
    return "arn:aws:ecr:" + region + ":" + account_id + ":repository/" + std::string(name);
  }
  std::string UserArn(std::string_view user) const {
    return "arn:aws:iam::" + account_id + ":user/" + std::string(user);
  }
};

inline constexpr size_t kMaxApiBodyBytes = 8 << 20;  // PutImage manifests are ≤ 4 MiB as JSON

// awsJson1_1: 200 with application/x-amz-json-1.1 and x-amzn-RequestId.
http::Response AwsJsonOk(const http::Request& request, const Json& body);
// awsJson1_1 error: {"__type": type, "message": ...}; 400, or 500 for ServerException.
http::Response AwsJsonError(const http::Request& request, std::string_view type,
                            std::string_view message);
// A failed Status: its domain code as __type, else one derived from its canonical code
// (InvalidArgument → InvalidParameterException, NotFound → ..., Internal → ServerException).
http::Response AwsJsonErrorFrom(const http::Request& request, const Status& status);

// restJson1: 200 application/json.
http::Response RestJsonOk(const http::Request& request, const Json& body);
// restJson1 error with x-amzn-ErrorType header and {"message","__type", extra...}; the status is
// the model's for the shape (400 Validation/BadRequest, 402, 403, 404, 409, 429, 500).
http::Response RestJsonError(const http::Request& request, std::string_view type,
                             std::string_view message, Json extra = Json::object());
http::Response RestJsonErrorFrom(const http::Request& request, const Status& status);
int RestJsonErrorStatus(std::string_view type);

// SigV4 over an http::Request whose body has been read into `body`.
Result<auth::VerifiedCaller> VerifyRequest(const auth::SigV4Verifier& verifier,
                                           const http::Request& request, std::string_view body,
                                           auth::ServiceSpec service);
// Adapts the request for auth/: views into `request` and `body`, headers into `storage`.
auth::SignedRequest ToSignedRequest(const http::Request& request, std::string_view body,
                                    std::vector<auth::Header>& storage);

// Reads the whole body with kMaxApiBodyBytes as the limit.
Result<std::string> ReadBody(http::Request& request);
// Parses a JSON object body; an empty body is {}. SerializationException-style errors carry the
// given domain code.
Result<Json> ParseObjectBody(std::string_view body, std::string_view error_type);

// Replayable pagination tokens: the offset into a deterministic listing.
std::string OffsetToken(size_t offset);
// InvalidArgument with `error_type` when the token is not one we issued.
Result<size_t> ParseOffsetToken(std::string_view token, std::string_view error_type);

// Epoch seconds with millisecond fraction, as AWS sends timestamps.
double EpochSeconds(int64_t millis);

// The model's validation errors, shared by ECR and Inspector2: a ValidationException in AWS's
// words, "1 validation error detected: Value 'V' at 'FIELD' failed to satisfy constraint: ...".
Status Validation(const std::string& field, const std::string& value, const std::string& what);
// An optional string member with the model's length bounds; absent and null give nothing.
Result<std::optional<std::string>> OptString(const Json& in, const char* field, size_t min,
                                             size_t max);
// The same member, required.
Result<std::string> ReqString(const Json& in, const char* field, size_t min, size_t max);

}  // namespace surveyor::api::aws
