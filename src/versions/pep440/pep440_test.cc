#include "versions/pep440/pep440.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/fs.h"
#include "common/json.h"

namespace surveyor::versions {
namespace {

// pypa/packaging's VERSIONS list, which upstream asserts is strictly ascending: every pair.
TEST(Pep440, PypaPackagingOrdering) {
  std::filesystem::path path = std::filesystem::path(SURVEYOR_SHARED_DIR) /
                               "data/version-vectors/pypa-packaging/VERSIONS_sorted.json";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " absent";
  Result<std::string> text = PosixFileSystem::Default().ReadFile(path.string(), 1 << 20);
  ASSERT_TRUE(text.ok());
  Result<Json> list = ParseJson(*text);
  ASSERT_TRUE(list.ok() && list->is_array());
  std::vector<Version> parsed;
  for (const Json& item : *list) {
    Result<Version> v = Pep440Scheme().Parse(item.get<std::string>());
    ASSERT_TRUE(v.ok()) << item;
    parsed.push_back(*v);
  }
  ASSERT_GT(parsed.size(), 50u);
  for (size_t i = 0; i < parsed.size(); ++i) {
    for (size_t j = i + 1; j < parsed.size(); ++j) {
      EXPECT_TRUE(Pep440Scheme().Compare(parsed[i], parsed[j]) < 0)
          << parsed[i].text() << " < " << parsed[j].text();
    }
  }
}

TEST(Pep440, RejectsLegacyClearly) {
  for (const char* bad : {"", "foo", "1.0-bulbasaur", "1.0+", "1.0+local!", "1!", "1.0.", "v",
                          "1.0 2", "french toast", "1.0.post1.post2"}) {
    Result<Version> v = Pep440Scheme().Parse(bad);
    EXPECT_FALSE(v.ok()) << bad;
    if (!v.ok()) {
      EXPECT_NE(v.status().message().find("pep440"), std::string::npos);
    }
  }
  // The "pypi" scheme orders them instead, below every PEP 440 version.
  const Scheme* pypi = FindScheme("pypi");
  ASSERT_NE(pypi, nullptr);
  auto c = pypi->CompareText("french toast", "0.0.1.dev0");
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(*c < 0);
}

struct NormCase {
  const char* input;
  const char* normal;
};

TEST(Pep440, Normalisation) {
  // Expected spellings from PEP 440's "Normalization" section, worked out by hand.
  const NormCase kCases[] = {
      {"1.0", "1.0"},           {"v1.0", "1.0"},           {"1.0ALPHA1", "1.0a1"},
      {"1.0-beta.2", "1.0b2"},  {"1.0c1", "1.0rc1"},       {"1.0preview3", "1.0rc3"},
      {"1.0-1", "1.0.post1"},   {"1.0.rev4", "1.0.post4"}, {"1.0-dev", "1.0.dev0"},
      {"1.0a", "1.0a0"},        {"0!1.0", "1.0"},          {"01!01.02", "1!1.2"},
      {"1.0+Ubuntu-1", "1.0+ubuntu.1"}, {" 1.0 ", "1.0"},  {"1.0_post_2", "1.0.post2"},
  };
  for (const NormCase& c : kCases) {
    Result<std::string> n = NormalizePep440(c.input);
    ASSERT_TRUE(n.ok()) << c.input;
    EXPECT_EQ(*n, c.normal) << c.input;
  }
}

}  // namespace
}  // namespace surveyor::versions
