#include "analyze/python/python.h"

#include <gtest/gtest.h>

#include "analyze/test_util.h"

namespace surveyor::analyze::python {
namespace {

using testing::Testdata;

struct Want {
  const char* name;
  const char* version;
  bool dev;
};

void Expect(const std::vector<Package>& got, const std::vector<Want>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].name, want[i].name);
    EXPECT_EQ(got[i].version, want[i].version);
    EXPECT_EQ(got[i].dev, want[i].dev) << want[i].name;
    EXPECT_EQ(got[i].type, PackageType::kPypi);
  }
}

TEST(Metadata, SharedFixtures) {
  struct Row {
    const char* file;
    const char* name;
    const char* version;
  } rows[] = {
      {"simple-0.1.0.METADATA", "simple", "0.1.0"},
      {"zipp-3.12.1.METADATA", "zipp", "3.12.1"},
      {"setuptools-51.3.3-py3.8.egg-info.PKG-INFO", "setuptools", "51.3.3"},
      {"distlib-0.3.1-py3.9.egg-info", "distlib", "0.3.1"},
  };
  for (const auto& r : rows) {
    LOAD_SHARED_OR_SKIP(text, std::string("trivy/pkg/dependency/parser/python/packaging/testdata/") + r.file);
    auto p = ParseMetadata(text);
    ASSERT_TRUE(p.ok()) << r.file << p.status().ToString();
    EXPECT_EQ(p->name, r.name);
    EXPECT_EQ(p->version, r.version);
  }
}

TEST(Metadata, MissingFieldsAndBody) {
  EXPECT_FALSE(ParseMetadata("Metadata-Version: 2.1\nName: x\n").ok());
  EXPECT_FALSE(ParseMetadata("").ok());
  // A "Version:" line in the description body must not count.
  EXPECT_FALSE(ParseMetadata("Name: x\n\nVersion: 1\n").ok());
}

TEST(PoetryLock, CategoriesAndSubtables) {
  auto r = ParsePoetryLock(Testdata("python/testdata/poetry.lock"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  Expect(*r, {{"certifi", "2022.9.24", false}, {"pytest", "7.2.0", true}});
}

TEST(UvLock, SkipsTheProjectItself) {
  auto r = ParseUvLock(Testdata("python/testdata/uv.lock"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  Expect(*r, {{"idna", "3.7", false}});
}

TEST(PipfileLock, DefaultAndDevelop) {
  auto r = ParsePipfileLock(Testdata("python/testdata/Pipfile.lock"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  Expect(*r, {{"requests", "2.31.0", false}, {"black", "23.3.0", true}});
  EXPECT_FALSE(ParsePipfileLock("[1,2").ok());
}

TEST(Requirements, OnlyExactPins) {
  auto r = ParseRequirements(
      "# comment\nrequests==2.31.0\nurllib3 == 1.26.5 ; python_version < '3.10'\n"
      "Flask[async]==2.3.2 --hash=sha256:00\nnumpy>=1.0\n-r other.txt\n-e git+https://x.invalid\n"
      "django===4.2\nbad==1.*\n");
  Expect(r, {{"requests", "2.31.0", false},
             {"urllib3", "1.26.5", false},
             {"Flask", "2.3.2", false},
             {"django", "4.2", false}});
}

TEST(PythonAnalyzer, Required) {
  auto a = MakeAnalyzer();
  EXPECT_TRUE(a->Required({"usr/lib/python3/dist-packages/idna-3.3.dist-info/METADATA", 1, 0644}));
  EXPECT_TRUE(a->Required({"usr/lib/python3/dist-packages/x.egg-info/PKG-INFO", 1, 0644}));
  EXPECT_TRUE(a->Required({"usr/lib/python3/dist-packages/six-1.16.0.egg-info", 1, 0644}));
  EXPECT_TRUE(a->Required({"srv/py/requirements-dev.txt", 1, 0644}));
  EXPECT_FALSE(a->Required({"usr/lib/python3/dist-packages/idna-3.3.dist-info/RECORD", 1, 0644}));
  EXPECT_FALSE(a->Required({"x/METADATA", 1, 0644}));
}

}  // namespace
}  // namespace surveyor::analyze::python
