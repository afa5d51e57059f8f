#include "analyze/php/php.h"

#include <gtest/gtest.h>

#include "analyze/test_util.h"

namespace surveyor::analyze::php {
namespace {

TEST(ComposerLock, TrivyHappy) {
  LOAD_SHARED_OR_SKIP(text, "trivy/pkg/dependency/parser/php/composer/testdata/composer_happy.lock");
  auto r = ParseComposerLock(text);
  ASSERT_TRUE(r.ok());
  std::vector<std::string> got;
  for (auto& p : *r) got.push_back(p.name + "@" + p.version + (p.dev ? " dev" : ""));
  EXPECT_EQ(got, (std::vector<std::string>{
                     "guzzlehttp/guzzle@6.5.8", "guzzlehttp/promises@1.5.2", "guzzlehttp/psr7@1.9.0",
                     "psr/http-message@1.0.1", "ralouphie/getallheaders@3.0.3",
                     "symfony/polyfill-intl-idn@1.27.0", "symfony/polyfill-intl-normalizer@1.27.0",
                     "symfony/polyfill-php72@1.27.0", "pear/log@1.13.3 dev", "pear/pear_exception@1.0.2 dev"}));
}

TEST(InstalledJson, BothLayouts) {
  auto v2 = ParseInstalledJson(R"({"packages":[{"name":"a/b","version":"v1.0.0"}],"dev":true})");
  ASSERT_TRUE(v2.ok());
  ASSERT_EQ(v2->size(), 1u);
  EXPECT_EQ((*v2)[0].version, "1.0.0");
  auto v1 = ParseInstalledJson(R"([{"name":"c/d","version":"2.0"}])");
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ((*v1)[0].name, "c/d");
  EXPECT_FALSE(ParseInstalledJson("42").ok());
}

}  // namespace
}  // namespace surveyor::analyze::php
