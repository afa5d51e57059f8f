#include "common/status.h"

#include <gtest/gtest.h>

namespace surveyor {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return InvalidArgument("odd", "ODD_NUMBER");
  return x / 2;
}

Result<int> Quarter(int x) {
  ASSIGN_OR_RETURN(int h, Half(x));
  ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

Status CheckEven(int x) {
  RETURN_IF_ERROR(Half(x));
  return Status::Ok();
}

TEST(StatusTest, OkByDefault) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(StatusTest, CarriesCodeMessageAndDomainCode) {
  Status s = NotFound("no such blob", "BLOB_UNKNOWN");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.domain_code(), "BLOB_UNKNOWN");
  EXPECT_EQ(s.ToString(), "NOT_FOUND: no such blob [BLOB_UNKNOWN]");
  EXPECT_EQ(s.WithContext("pull").message(), "pull: no such blob");
  EXPECT_EQ(s.WithDomainCode("OTHER").domain_code(), "BLOB_UNKNOWN");
  EXPECT_EQ(s.WithDomainCode("OTHER", true).domain_code(), "OTHER");
}

Status FromTemporaryResult() {
  RETURN_IF_ERROR(Half(3).status());  // the Result is a temporary; its Status must outlive it
  return Status::Ok();
}

TEST(ResultTest, ReturnIfErrorOnATemporarysStatus) {
  EXPECT_EQ(FromTemporaryResult().domain_code(), "ODD_NUMBER");
}

TEST(ResultTest, MacrosPropagate) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> r = Quarter(6);  // 6 → 3 → odd
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().domain_code(), "ODD_NUMBER");
  EXPECT_TRUE(CheckEven(4).ok());
  EXPECT_EQ(CheckEven(5).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Quarter(7).value_or(-1), -1);
}

}  // namespace
}  // namespace surveyor
