#include "analyze/rust/rust.h"

#include <gtest/gtest.h>

#include "analyze/test_util.h"

namespace surveyor::analyze::rust {
namespace {

// By reading the fixture: 9 [[package]] tables, the workspace crate "app" has no source.
TEST(CargoLock, TrivyV3) {
  LOAD_SHARED_OR_SKIP(text, "trivy/pkg/dependency/parser/rust/cargo/testdata/cargo_v3.lock");
  auto r = ParseCargoLock(text);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::vector<std::string> got;
  for (auto& p : *r) got.push_back(p.name + "@" + p.version);
  EXPECT_EQ(got, (std::vector<std::string>{"aho-corasick@0.7.20", "libc@0.2.140", "memchr@1.0.2",
                                           "memchr@2.5.0", "regex@1.7.3", "regex-syntax@0.5.6",
                                           "regex-syntax@0.6.29", "ucd-util@0.1.10"}));
}

TEST(CargoLock, Invalid) {
  LOAD_SHARED_OR_SKIP(text, "trivy/pkg/dependency/parser/rust/cargo/testdata/cargo_invalid.lock");
  auto r = ParseCargoLock(text);
  EXPECT_TRUE(!r.ok() || r->empty());
  EXPECT_FALSE(ParseCargoLock("\x01\x02 binary junk\n").ok());
}

}  // namespace
}  // namespace surveyor::analyze::rust
