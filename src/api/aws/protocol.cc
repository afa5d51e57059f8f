#include "api/aws/protocol.h"

#include <charconv>

namespace surveyor::api::aws {
namespace {

std::string RequestIdOf(const http::Request& request) {
  return request.request_id.empty() ? "00000000-0000-0000-0000-000000000000" : request.request_id;
}

std::string TypeFor(const Status& status) {
  if (!status.domain_code().empty()) return status.domain_code();
  switch (status.code()) {
    case StatusCode::kInvalidArgument: return "InvalidParameterException";
    case StatusCode::kNotFound: return "ResourceNotFoundException";
    case StatusCode::kPermissionDenied: return "AccessDeniedException";
    case StatusCode::kUnimplemented: return "UnsupportedOperationException";
    case StatusCode::kResourceExhausted: return "LimitExceededException";
    default: return "ServerException";
  }
}

}  // namespace

http::Response AwsJsonOk(const http::Request& request, const Json& body) {
  http::Response r = http::Response::JsonBody(200, body, "application/x-amz-json-1.1");
  r.headers.Set("x-amzn-RequestId", RequestIdOf(request));
  return r;
}

http::Response AwsJsonError(const http::Request& request, std::string_view type,
                            std::string_view message) {
  const int status = type == "ServerException" ? 500 : 400;
  http::Response r = http::Response::JsonBody(
      status, Json{{"__type", std::string(type)}, {"message", std::string(message)}},
      "application/x-amz-json-1.1");
  r.headers.Set("x-amzn-RequestId", RequestIdOf(request));
  r.headers.Set("x-amzn-ErrorType", std::string(type));
  return r;
}

http::Response AwsJsonErrorFrom(const http::Request& request, const Status& status) {
  std::string type = TypeFor(status);
  if (type == "ResourceNotFoundException") type = "InvalidParameterException";
  // Internal details stay in the log; the client gets a generic message.
  const bool server = type == "ServerException";
  return AwsJsonError(request, type, server ? "internal server error" : status.message());
}

int RestJsonErrorStatus(std::string_view type) {
  if (type == "ServiceQuotaExceededException") return 402;
  if (type == "AccessDeniedException") return 403;
  if (type == "ResourceNotFoundException") return 404;
  if (type == "ConflictException") return 409;
  if (type == "ThrottlingException") return 429;
  if (type == "InternalServerException") return 500;
  // Authentication failures (auth/errors.h) are 403 for rest-json.
  if (type == "MissingAuthenticationTokenException" || type == "IncompleteSignatureException" ||
      type == "InvalidSignatureException" || type == "UnrecognizedClientException") {
    return 403;
  }
  return 400;
}

http::Response RestJsonOk(const http::Request& request, const Json& body) {
  http::Response r = http::Response::JsonBody(200, body, "application/json");
  r.headers.Set("x-amzn-RequestId", RequestIdOf(request));
  return r;
}

http::Response RestJsonError(const http::Request& request, std::string_view type,
                             std::string_view message, Json extra) {
  Json body = extra.is_object() ? std::move(extra) : Json::object();
  body["message"] = std::string(message);
  body["__type"] = std::string(type);
  http::Response r = http::Response::JsonBody(RestJsonErrorStatus(type), body, "application/json");
  r.headers.Set("x-amzn-ErrorType", std::string(type));
  r.headers.Set("x-amzn-RequestId", RequestIdOf(request));
  return r;
}

http::Response RestJsonErrorFrom(const http::Request& request, const Status& status) {
  std::string type = TypeFor(status);
  if (type == "ServerException") {
    return RestJsonError(request, "InternalServerException", "internal server error");
  }
  if (type == "InvalidParameterException") type = "ValidationException";
  return RestJsonError(request, type, status.message());
}

auth::SignedRequest ToSignedRequest(const http::Request& request, std::string_view body,
                                    std::vector<auth::Header>& storage) {
  storage.clear();
  for (const auto& [name, value] : request.headers.entries()) storage.push_back({name, value});
  auth::SignedRequest out;
  out.method = request.method_name;
  out.raw_path = request.path;
  out.raw_query = request.query;
  out.headers = storage;
  out.body = body;
  return out;
}

Result<auth::VerifiedCaller> VerifyRequest(const auth::SigV4Verifier& verifier,
                                           const http::Request& request, std::string_view body,
                                           auth::ServiceSpec service) {
  std::vector<auth::Header> headers;
  return verifier.Verify(ToSignedRequest(request, body, headers), service);
}

Result<std::string> ReadBody(http::Request& request) {
  return request.body->ReadAll(kMaxApiBodyBytes);
}

Result<Json> ParseObjectBody(std::string_view body, std::string_view error_type) {
  if (body.empty()) return Json::object();
  auto parsed = ParseJson(body, 64);
  if (!parsed.ok() || !parsed->is_object()) {
    return InvalidArgument("the request body is not a JSON object", std::string(error_type));
  }
  return std::move(*parsed);
}

std::string OffsetToken(size_t offset) { return "o" + std::to_string(offset); }

Result<size_t> ParseOffsetToken(std::string_view token, std::string_view error_type) {
  size_t value = 0;
  if (token.size() < 2 || token[0] != 'o') {
    return InvalidArgument("Invalid parameter at 'nextToken': not a token this server issued",
                           std::string(error_type));
  }
  auto [ptr, ec] = std::from_chars(token.data() + 1, token.data() + token.size(), value);
  if (ec != std::errc() || ptr != token.data() + token.size()) {
    return InvalidArgument("Invalid parameter at 'nextToken': not a token this server issued",
                           std::string(error_type));
  }
  return value;
}

double EpochSeconds(int64_t millis) { return static_cast<double>(millis) / 1000.0; }

Status Validation(const std::string& field, const std::string& value, const std::string& what) {
  return InvalidArgument("1 validation error detected: Value '" + value + "' at '" + field +
                             "' failed to satisfy constraint: " + what,
                         "ValidationException");
}

Result<std::optional<std::string>> OptString(const Json& in, const char* field, size_t min,
                                             size_t max) {
  if (!in.contains(field) || in[field].is_null()) return std::optional<std::string>();
  if (!in[field].is_string()) return Validation(field, DumpJson(in[field]), "Member must be a string");
  std::string v = in[field].get<std::string>();
  if (v.size() < min || v.size() > max) {
    return Validation(field, v.size() > 64 ? v.substr(0, 64) + "..." : v,
                      "Member must have length between " + std::to_string(min) + " and " +
                          std::to_string(max));
  }
  return std::optional<std::string>(std::move(v));
}

Result<std::string> ReqString(const Json& in, const char* field, size_t min, size_t max) {
  ASSIGN_OR_RETURN(auto v, OptString(in, field, min, max));
  if (!v) return Validation(field, "null", "Member must not be null");
  return std::move(*v);
}

}  // namespace surveyor::api::aws
