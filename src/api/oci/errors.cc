#include "api/oci/errors.h"

#include <map>

namespace surveyor::api::oci {

int HttpStatusFor(const Status& status) {
  if (status.code() == StatusCode::kOutOfRange) return 416;
  if (status.code() == StatusCode::kResourceExhausted) return 413;
  static const std::map<std::string, int, std::less<>> kByCode = {
      {"BLOB_UNKNOWN", 404},          {"BLOB_UPLOAD_INVALID", 400},
      {"BLOB_UPLOAD_UNKNOWN", 404},   {"DIGEST_INVALID", 400},
      {"MANIFEST_BLOB_UNKNOWN", 400}, {"MANIFEST_INVALID", 400},
      {"MANIFEST_UNKNOWN", 404},      {"NAME_INVALID", 400},
      {"NAME_UNKNOWN", 404},          {"SIZE_INVALID", 400},
      {"TAG_INVALID", 400},           {"UNAUTHORIZED", 401},
      {"DENIED", 403},                {"UNSUPPORTED", 400},
      {"TOOMANYREQUESTS", 429},       {"PAGINATION_NUMBER_INVALID", 400},
  };
  if (auto it = kByCode.find(status.domain_code()); it != kByCode.end()) return it->second;
  switch (status.code()) {
    case StatusCode::kInvalidArgument: return 400;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kAlreadyExists: return 409;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kUnauthenticated: return 401;
    case StatusCode::kFailedPrecondition: return 409;
    case StatusCode::kUnimplemented: return 405;
    case StatusCode::kUnavailable: return 503;
    default: return 500;
  }
}

std::string OciCodeFor(const Status& status) {
  if (!status.domain_code().empty()) return status.domain_code();
  switch (status.code()) {
    case StatusCode::kUnauthenticated: return "UNAUTHORIZED";
    case StatusCode::kPermissionDenied: return "DENIED";
    case StatusCode::kUnimplemented: return "UNSUPPORTED";
    case StatusCode::kResourceExhausted: return "SIZE_INVALID";
    case StatusCode::kOutOfRange: return "BLOB_UPLOAD_INVALID";
    default: return "UNKNOWN";
  }
}

http::Response ErrorResponse(const Status& status) {
  const int http_status = HttpStatusFor(status);
  // Internal details (paths, SQL) stay in the logs; the client gets the category.
  const std::string message =
      http_status >= 500 ? std::string("internal server error") : status.message();
  Json body = {{"errors", Json::array({{{"code", OciCodeFor(status)},
                                        {"message", message},
                                        {"detail", Json::object()}}})}};
  return http::Response::JsonBody(http_status, body);
}

}  // namespace surveyor::api::oci
