#include "oci/reference.h"

#include <gtest/gtest.h>

namespace surveyor::oci {
namespace {

// Worked out from the distribution spec's grammar for <name>.
TEST(ReferenceTest, RepositoryNames) {
  const struct {
    std::string name;
    bool valid;
  } cases[] = {
      {"alpine", true},
      {"team/app/api", true},
      {"a", true},
      {"my-app", true},
      {"my--app", true},
      {"my__app", true},
      {"my.app", true},
      {"my_app/x.y-z", true},
      {"0abc/9", true},
      {"", false},
      {"Alpine", false},
      {"-app", false},
      {"app-", false},
      {"app_", false},
      {"my___app", false},
      {"my..app", false},
      {"my._app", false},
      {"team//app", false},
      {"/app", false},
      {"app/", false},
      {"app:latest", false},
      {"app@x", false},
      {"ap p", false},
      {std::string(255, 'a'), true},
      {std::string(256, 'a'), false},
  };
  for (const auto& c : cases) {
    Status s = ValidateRepositoryName(c.name);
    EXPECT_EQ(s.ok(), c.valid) << "'" << c.name << "'";
    if (!s.ok()) {
      EXPECT_EQ(s.domain_code(), "NAME_INVALID");
    }
  }
}

TEST(ReferenceTest, Tags) {
  const struct {
    std::string tag;
    bool valid;
  } cases[] = {
      {"latest", true}, {"v1.2.3", true},  {"_x", true},  {"A-b_c.d", true},
      {".x", false},    {"-x", false},     {"", false},   {"a/b", false},
      {"a:b", false},   {std::string(128, 'a'), true}, {std::string(129, 'a'), false},
  };
  for (const auto& c : cases) {
    Status s = ValidateTag(c.tag);
    EXPECT_EQ(s.ok(), c.valid) << "'" << c.tag << "'";
    if (!s.ok()) {
      EXPECT_EQ(s.domain_code(), "TAG_INVALID");
    }
  }
}

TEST(ReferenceTest, ParseReference) {
  auto tag = ParseReference("v1");
  ASSERT_TRUE(tag.ok());
  EXPECT_FALSE(tag->is_digest());
  EXPECT_EQ(tag->tag(), "v1");
  const std::string d = "sha256:" + std::string(64, 'b');
  auto digest = ParseReference(d);
  ASSERT_TRUE(digest.ok());
  EXPECT_TRUE(digest->is_digest());
  EXPECT_EQ(digest->ToString(), d);
  EXPECT_EQ(ParseReference("sha256:xyz").status().domain_code(), "DIGEST_INVALID");
  EXPECT_EQ(ParseReference("-bad").status().domain_code(), "TAG_INVALID");
}

}  // namespace
}  // namespace surveyor::oci
