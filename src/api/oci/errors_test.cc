#include "api/oci/errors.h"

#include <gtest/gtest.h>

namespace surveyor::api::oci {
namespace {

TEST(OciErrorsTest, StatusAndBodyPerCode) {
  const struct {
    Status status;
    int http;
    const char* code;
  } cases[] = {
      {NotFound("x", "BLOB_UNKNOWN"), 404, "BLOB_UNKNOWN"},
      {InvalidArgument("x", "MANIFEST_BLOB_UNKNOWN"), 400, "MANIFEST_BLOB_UNKNOWN"},
      {NotFound("x", "NAME_UNKNOWN"), 404, "NAME_UNKNOWN"},
      {OutOfRange("x", "BLOB_UPLOAD_INVALID"), 416, "BLOB_UPLOAD_INVALID"},
      {ResourceExhausted("x", "SIZE_INVALID"), 413, "SIZE_INVALID"},
      {Unauthenticated("x"), 401, "UNAUTHORIZED"},
      {PermissionDenied("x"), 403, "DENIED"},
      {Internal("disk /secret/path failed"), 500, "UNKNOWN"},
  };
  for (const auto& c : cases) {
    http::Response r = ErrorResponse(c.status);
    EXPECT_EQ(r.status, c.http) << c.code;
    auto body = ParseJson(std::get<std::string>(r.body));
    ASSERT_TRUE(body.ok());
    EXPECT_EQ((*body)["errors"][0]["code"], c.code);
    EXPECT_EQ(r.headers.Get("Content-Type"), "application/json");
  }
  // Internal details never reach the client.
  http::Response r = ErrorResponse(Internal("disk /secret/path failed"));
  EXPECT_EQ(std::get<std::string>(r.body).find("/secret"), std::string::npos);
}

}  // namespace
}  // namespace surveyor::api::oci
