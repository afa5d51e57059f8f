#include "api/aws/protocol.h"

#include <gtest/gtest.h>

#include "api/aws/registry_gate.h"

namespace surveyor::api::aws {
namespace {

TEST(Classify, DistributionPaths) {
  using auth::OciOperation;
  using http::Method;
  struct Case {
    Method method;
    const char* path;
    OciOperation op;
    const char* repo;
  };
  const Case cases[] = {
      {Method::kGet, "/v2/", OciOperation::kBase, ""},
      {Method::kGet, "/v2/_catalog", OciOperation::kCatalog, ""},
      {Method::kGet, "/v2/a/b/tags/list", OciOperation::kListTags, "a/b"},
      {Method::kHead, "/v2/a/manifests/v1", OciOperation::kGetManifest, "a"},
      {Method::kPut, "/v2/a/b/manifests/v1", OciOperation::kPutManifest, "a/b"},
      {Method::kDelete, "/v2/a/manifests/sha256:00", OciOperation::kDeleteManifest, "a"},
      {Method::kPost, "/v2/x/blobs/uploads/", OciOperation::kStartUpload, "x"},
      {Method::kPatch, "/v2/x/blobs/uploads/u1", OciOperation::kUploadChunk, "x"},
      {Method::kPut, "/v2/x/blobs/uploads/u1", OciOperation::kCompleteUpload, "x"},
      {Method::kGet, "/v2/x/y/blobs/sha256:00", OciOperation::kGetBlob, "x/y"},
      {Method::kHead, "/v2/x/blobs/sha256:00", OciOperation::kHeadBlob, "x"},
      {Method::kGet, "/v2/x/referrers/sha256:00", OciOperation::kReferrers, "x"},
      // A repository whose name contains a marker word is split at the last marker.
      {Method::kGet, "/v2/manifests/manifests/v1", OciOperation::kGetManifest, "manifests"},
  };
  for (const auto& c : cases) {
    auto got = ClassifyOciRequest(c.method, c.path);
    ASSERT_TRUE(got.has_value()) << c.path;
    EXPECT_EQ(got->operation, c.op) << c.path;
    EXPECT_EQ(got->repository, c.repo) << c.path;
  }
  EXPECT_FALSE(ClassifyOciRequest(Method::kGet, "/v2/only-a-name").has_value());
}

TEST(Errors, AwsJsonAndRestJsonShapes) {
  http::Request req;
  req.request_id = "rid";
  auto e = AwsJsonErrorFrom(req, NotFound("no such repo", "RepositoryNotFoundException"));
  EXPECT_EQ(e.status, 400);
  auto body = ParseJson(std::get<std::string>(e.body));
  ASSERT_TRUE(body.ok());
  EXPECT_EQ((*body)["__type"], "RepositoryNotFoundException");
  EXPECT_EQ((*body)["message"], "no such repo");
  EXPECT_EQ(AwsJsonErrorFrom(req, Internal("disk on fire")).status, 500);
  auto r = RestJsonErrorFrom(req, NotFound("filter not found", "ResourceNotFoundException"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.headers.Get("x-amzn-ErrorType").value_or(""), "ResourceNotFoundException");
  EXPECT_EQ(RestJsonErrorStatus("ConflictException"), 409);
}

TEST(Tokens, OffsetsRoundTripAndForeignTokensFail) {
  auto t = ParseOffsetToken(OffsetToken(42), "InvalidParameterException");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, 42u);
  for (const char* bad : {"", "o", "x12", "o12x", "o-1"}) {
    EXPECT_FALSE(ParseOffsetToken(bad, "InvalidParameterException").ok()) << bad;
  }
}

}  // namespace
}  // namespace surveyor::api::aws
