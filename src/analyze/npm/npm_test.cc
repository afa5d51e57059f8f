#include "analyze/npm/npm.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "analyze/test_util.h"

namespace surveyor::analyze::npm {
namespace {

constexpr const char* kJs = "osv-scalibr/extractor/filesystem/language/javascript/";

std::vector<std::string> Ids(std::vector<Package> ps) {
  std::vector<std::string> out;
  for (auto& p : ps) out.push_back(p.name + "@" + p.version + (p.dev ? " dev" : ""));
  std::sort(out.begin(), out.end());
  return out;
}

using V = std::vector<std::string>;

TEST(PackageLock, V1DevAndNested) {
  LOAD_SHARED_OR_SKIP(text, std::string(kJs) + "packagelockjson/testdata/one-package-dev.v1.json");
  auto r = ParsePackageLock(text);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Ids(*r), V({"wrappy@1.0.2 dev"}));
}

TEST(PackageLock, V2AliasesReportRealNames) {
  LOAD_SHARED_OR_SKIP(text, std::string(kJs) + "packagelockjson/testdata/alias.v2.json");
  auto r = ParsePackageLock(text);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Ids(*r), V({"@babel/code-frame@7.0.0", "string-width@4.2.0", "string-width@5.1.2"}));
}

TEST(PackageLock, V2NestedAndScoped) {
  LOAD_SHARED_OR_SKIP(text, std::string(kJs) + "packagelockjson/testdata/scoped-packages.v2.json");
  auto r = ParsePackageLock(text);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Ids(*r), V({"@babel/code-frame@7.0.0", "wrappy@1.0.2"}));
}

TEST(PackageLock, Malformed) {
  EXPECT_FALSE(ParsePackageLock("not json").ok());
  EXPECT_FALSE(ParsePackageLock("[]").ok());
  auto empty = ParsePackageLock(R"({"lockfileVersion": 3, "packages": {"": {"name": "x"}}})");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  auto link = ParsePackageLock(
      R"({"lockfileVersion":3,"packages":{"node_modules/w":{"resolved":"packages/w","link":true},
         "packages/w":{"name":"w","version":"1.0.0"},
         "node_modules/a/node_modules/@s/b":{"version":"2.0.0","devOptional":true}}})");
  ASSERT_TRUE(link.ok());
  EXPECT_EQ(Ids(*link), V({"@s/b@2.0.0 dev", "w@1.0.0"}));
}

TEST(YarnLock, V1TwoPackages) {
  LOAD_SHARED_OR_SKIP(text, std::string(kJs) + "yarnlock/testdata/two-packages.v1.lock");
  auto r = ParseYarnLock(text);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Ids(*r), V({"concat-map@0.0.1", "concat-stream@1.6.2"}));
}

TEST(YarnLock, BerryAliasesAndWorkspaceSkipped) {
  LOAD_SHARED_OR_SKIP(text, std::string(kJs) + "yarnlock/testdata/with-aliases.v2.lock");
  auto r = ParseYarnLock(text);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Ids(*r), V({"@babel/helper-validator-identifier@7.22.20", "ansi-regex@5.0.1",
                        "ansi-regex@6.0.1"}));
}

TEST(YarnLock, ScopedV1) {
  auto r = ParseYarnLock(
      "# yarn lockfile v1\n\n\"@babel/code-frame@^7.0.0\", \"@babel/code-frame@^7.10.4\":\n"
      "  version \"7.12.13\"\n  dependencies:\n    \"@babel/highlight\" \"^7.12.13\"\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Ids(*r), V({"@babel/code-frame@7.12.13"}));
  EXPECT_FALSE(ParseYarnLock("garbage line without colon").ok());
}

TEST(PnpmLock, V6WithDev) {
  LOAD_SHARED_OR_SKIP(text, "trivy/pkg/dependency/parser/nodejs/pnpm/testdata/pnpm-lock_v6_with_dev.yaml");
  auto r = ParsePnpmLock(text);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto ids = Ids(*r);
  EXPECT_NE(std::find(ids.begin(), ids.end(), "@babel/runtime@7.22.3"), ids.end());
  EXPECT_NE(std::find(ids.begin(), ids.end(), "ansi-colors@4.1.1 dev"), ids.end());
}

TEST(PnpmLock, V9Keys) {
  LOAD_SHARED_OR_SKIP(text, std::string(kJs) + "pnpmlock/testdata/one-package-dev.v9.yaml");
  auto r = ParsePnpmLock(text);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].name, "acorn");
  EXPECT_EQ((*r)[0].version, "8.11.3");
  EXPECT_FALSE(ParsePnpmLock("a: [unclosed").ok());
}

TEST(PackageJson, NameAndVersion) {
  auto p = ParsePackageJson(R"({"name":"lodash","version":"4.17.20","license":"MIT"})");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->name, "lodash");
  EXPECT_EQ(p->version, "4.17.20");
  EXPECT_FALSE(ParsePackageJson(R"({"name":"x"})").ok());
}

TEST(NpmAnalyzer, Required) {
  auto a = MakeAnalyzer();
  EXPECT_TRUE(a->Required({"app/package-lock.json", 1, 0644}));
  EXPECT_TRUE(a->Required({"app/node_modules/lodash/package.json", 1, 0644}));
  EXPECT_TRUE(a->Required({"app/node_modules/@s/x/package.json", 1, 0644}));
  EXPECT_FALSE(a->Required({"app/package.json", 1, 0644}));
  EXPECT_FALSE(a->Required({"app/node_modules/lodash/test/package.json", 1, 0644}));
  EXPECT_FALSE(a->Required({"app/node_modules/.package-lock.json", 1, 0644}));
}

}  // namespace
}  // namespace surveyor::analyze::npm
