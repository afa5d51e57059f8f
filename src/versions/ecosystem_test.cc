#include "versions/ecosystem.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace surveyor::versions {
namespace {

TEST(EcosystemTable, EveryRowIsComplete) {
  std::set<std::string> seen;
  for (const EcosystemInfo& row : AllEcosystems()) {
    SCOPED_TRACE(std::string(row.name));
    EXPECT_FALSE(row.name.empty());
    EXPECT_TRUE(seen.insert(std::string(row.name)).second) << "duplicate row";
    // The row is found by its own name, in any case, with or without a release.
    EXPECT_EQ(FindEcosystem(row.name), &row);
    std::string upper(row.name);
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_EQ(FindEcosystem(upper), &row);
    EXPECT_EQ(FindEcosystem(std::string(row.name) + ":1"), &row);
    Result<Ecosystem> parsed = ParseEcosystem(row.name);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(parsed->base, row.name);
    EXPECT_EQ(parsed->release, "");
    if (row.scheme_name.empty()) {
      EXPECT_EQ(SchemeForEcosystem(row.name), nullptr);
      continue;
    }
    const Scheme* scheme = FindScheme(row.scheme_name);
    ASSERT_NE(scheme, nullptr) << "no scheme named " << row.scheme_name;
    EXPECT_EQ(scheme->Name(), row.scheme_name);
    EXPECT_EQ(SchemeForEcosystem(row.name), scheme);
  }
  // Every built scheme is reachable from some row, except "semver"-family helpers used directly.
  for (const Scheme* s : AllSchemes()) {
    bool used = false;
    for (const EcosystemInfo& row : AllEcosystems()) used |= row.scheme_name == s->Name();
    EXPECT_TRUE(used || s->Name() == "semver" || s->Name() == "pypi") << s->Name() << " is in no row";
  }
}

struct EcoCase {
  const char* input;
  const char* base;
  const char* release;
  const char* scheme;
};

TEST(EcosystemTable, DistroForms) {
  const EcoCase kCases[] = {
      {"Debian:12", "Debian", "12", "dpkg"},
      {"Alpine:v3.19", "Alpine", "v3.19", "apk"},
      {"Ubuntu:22.04:LTS", "Ubuntu", "22.04:LTS", "dpkg"},
      {"Ubuntu:Pro:18.04:LTS", "Ubuntu", "Pro:18.04:LTS", "dpkg"},
      {"Red Hat", "Red Hat", "", "rpm"},
      {"Red Hat:enterprise_linux:9::appstream", "Red Hat", "enterprise_linux:9::appstream", "rpm"},
      {"Rocky Linux:9", "Rocky Linux", "9", "rpm"},
      {"AlmaLinux:9", "AlmaLinux", "9", "rpm"},
      {"openSUSE", "openSUSE", "", "rpm"},
      {"Wolfi", "Wolfi", "", "apk"},
      {"Chainguard", "Chainguard", "", "apk"},
      {"PyPI", "PyPI", "", "pep440"},
      {"pypi", "PyPI", "", "pep440"},
      {"crates.io", "crates.io", "", "cargo"},
      {"Go", "Go", "", "go"},
      {"npm", "npm", "", "npm"},
      {"Maven", "Maven", "", "maven"},
  };
  for (const EcoCase& c : kCases) {
    SCOPED_TRACE(c.input);
    Result<Ecosystem> e = ParseEcosystem(c.input);
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    EXPECT_EQ(e->base, c.base);
    EXPECT_EQ(e->release, c.release);
    ASSERT_NE(FindEcosystem(c.input), nullptr);
    EXPECT_EQ(FindEcosystem(c.input)->scheme_name, c.scheme);
  }
}

TEST(EcosystemTable, UnknownAndBadNames) {
  for (const char* bad : {"", "   ", "Debain:12", "NotAnEcosystem", "Debian:"}) {
    SCOPED_TRACE(bad);
    Result<Ecosystem> e = ParseEcosystem(bad);
    ASSERT_FALSE(e.ok());
    EXPECT_EQ(e.status().code(), StatusCode::kInvalidArgument);
  }
  EXPECT_FALSE(ParseEcosystem(std::string(1000, 'x')).ok());
  EXPECT_EQ(SchemeForEcosystem("Nope"), nullptr);
  EXPECT_EQ(SchemeForEcosystem("Linux"), nullptr);  // known, but no version scheme
  EXPECT_EQ(FindScheme("no-such-scheme"), nullptr);
}

struct NameCase {
  const char* ecosystem;
  const char* input;
  const char* expected;
};

TEST(EcosystemTable, NameNormalisation) {
  const NameCase kCases[] = {
      {"PyPI", "Foo_Bar", "foo-bar"},
      {"PyPI", "zope.interface", "zope-interface"},
      {"PyPI", "A__-._b", "a-b"},
      {"PyPI", "requests", "requests"},
      {"npm", "@Scope/Name", "@Scope/Name"},  // npm is case-sensitive, scope kept
      {"NuGet", "Newtonsoft.Json", "newtonsoft.json"},
      {"Packagist", "Symfony/Console", "symfony/console"},
      {"Maven", " org.apache.logging.log4j : log4j-core ", "org.apache.logging.log4j:log4j-core"},
      {"Maven", "com.Foo:Bar", "com.Foo:Bar"},
      {"Go", "github.com/BurntSushi/toml", "github.com/BurntSushi/toml"},
      {"crates.io", "Serde", "Serde"},
      {"RubyGems", "Rails", "Rails"},
      {"Debian:12", "OpenSSL", "openssl"},
      {"Alpine:v3.19", "py3-Foo", "py3-Foo"},
      {"Unknown", "X_Y", "X_Y"},
  };
  for (const NameCase& c : kCases) {
    EXPECT_EQ(NormalizePackageName(c.ecosystem, c.input), c.expected)
        << c.ecosystem << " " << c.input;
  }
}

}  // namespace
}  // namespace surveyor::versions
