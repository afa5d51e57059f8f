// Data-driven ordering tests. Each line of a table is "A op B" with op one of <, =, >;
// blank lines and lines starting with '#' or "//" are comments. Two sources:
//   - our own tables in src/versions/testdata/<scheme>.txt, written by hand for our cases;
//   - the upstream tables in $SURVEYOR_SHARED_DIR/data/version-vectors (osv-scalibr), read when
//     that folder exists, every line of every file listed below, none skipped.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "versions/scheme.h"

namespace surveyor::versions {
namespace {

struct Row {
  int line;
  std::string a, op, b;
};

std::vector<Row> ReadTable(const std::filesystem::path& path) {
  std::vector<Row> rows;
  std::ifstream in(path);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#' || line.compare(first, 2, "//") == 0) {
      continue;
    }
    size_t pos = std::string::npos;
    std::string op;
    for (const char* o : {" < ", " = ", " > "}) {
      size_t p = line.find(o);
      if (p != std::string::npos && p < pos) {
        pos = p;
        op = std::string(1, o[1]);
      }
    }
    if (pos == std::string::npos) {
      ADD_FAILURE() << path << ":" << n << ": not \"A op B\": " << line;
      continue;
    }
    rows.push_back({n, line.substr(0, pos), op, line.substr(pos + 3)});
  }
  return rows;
}

// Returns the number of rows checked.
size_t CheckTable(const Scheme& scheme, const std::filesystem::path& path) {
  std::vector<Row> rows = ReadTable(path);
  EXPECT_FALSE(rows.empty()) << path;
  size_t failures = 0;
  for (const Row& r : rows) {
    Result<std::weak_ordering> c = scheme.CompareText(r.a, r.b);
    std::string got;
    if (!c.ok()) {
      got = "error: " + c.status().message();
    } else {
      got = *c < 0 ? "<" : (*c > 0 ? ">" : "=");
    }
    if (got != r.op && ++failures <= 30) {
      ADD_FAILURE() << path.filename().string() << ":" << r.line << ": " << r.a << " " << r.op
                    << " " << r.b << " but " << scheme.Name() << " says " << got;
    }
    // The reverse comparison must agree (antisymmetry).
    if (c.ok()) {
      Result<std::weak_ordering> back = scheme.CompareText(r.b, r.a);
      EXPECT_TRUE(back.ok() && (*back < 0) == (*c > 0) && (*back > 0) == (*c < 0)) << r.a << " vs " << r.b;
    }
  }
  EXPECT_EQ(failures, 0u) << path << ": " << failures << " of " << rows.size() << " rows wrong";
  return rows.size();
}

struct TableFile {
  const char* scheme;
  const char* file;
};

class OwnTables : public ::testing::TestWithParam<const char*> {};

TEST_P(OwnTables, Agree) {
  const Scheme* scheme = FindScheme(GetParam());
  ASSERT_NE(scheme, nullptr);
  std::filesystem::path path = std::filesystem::path(SURVEYOR_SOURCE_DIR) / "src/versions/testdata" /
                               (std::string(GetParam()) + ".txt");
  ASSERT_TRUE(std::filesystem::exists(path)) << path;
  CheckTable(*scheme, path);
}

INSTANTIATE_TEST_SUITE_P(Schemes, OwnTables, ::testing::Values("dpkg", "semver", "apk", "rpm", "pep440", "go", "maven",
                                           "rubygems", "cran"));

const TableFile kScalibrTables[] = {
    TableFile{"dpkg", "debian-versions.txt"},
    TableFile{"dpkg", "debian-versions-generated.txt"},
    TableFile{"semver", "semver-versions.txt"},
    TableFile{"apk", "alpine-versions.txt"},
    TableFile{"apk", "alpine-versions-generated.txt"},
    TableFile{"rpm", "redhat-versions.txt"},
    TableFile{"pypi", "pypi-versions.txt"},
    TableFile{"maven", "maven-versions.txt"},
    TableFile{"maven", "maven-versions-generated.txt"},
    TableFile{"rubygems", "rubygems-versions.txt"},
    TableFile{"rubygems", "rubygems-versions-generated.txt"},
    TableFile{"cran", "cran-versions.txt"},
    TableFile{"nuget", "nuget-versions.txt"},
    TableFile{"pub", "pub-versions.txt"},
    TableFile{"hackage", "hackage-versions.txt"},
    TableFile{"composer", "packagist-versions.txt"},
    TableFile{"composer", "packagist-versions-generated.txt"},
    TableFile{"cran", "cran-versions-generated.txt"},
    TableFile{"pypi", "pypi-versions-generated.txt"}};

class UpstreamTables : public ::testing::TestWithParam<TableFile> {};

TEST_P(UpstreamTables, Agree) {
  std::filesystem::path dir =
      std::filesystem::path(SURVEYOR_SHARED_DIR) / "data/version-vectors/osv-scalibr-semantic";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << dir << " absent";
  const Scheme* scheme = FindScheme(GetParam().scheme);
  ASSERT_NE(scheme, nullptr);
  std::filesystem::path path = dir / GetParam().file;
  ASSERT_TRUE(std::filesystem::exists(path)) << path;
  size_t n = CheckTable(*scheme, path);
  RecordProperty("rows", static_cast<int>(n));
}

INSTANTIATE_TEST_SUITE_P(
    Scalibr, UpstreamTables,
    ::testing::ValuesIn(kScalibrTables),
    [](const ::testing::TestParamInfo<TableFile>& info) {
      std::string name = info.param.file;
      for (char& c : name) {
        if (!isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return name;
    });

// Every table file shipped in the shared folder is listed above: none is left out.
TEST(UpstreamTablesList, CoversEveryFile) {
  std::filesystem::path dir =
      std::filesystem::path(SURVEYOR_SHARED_DIR) / "data/version-vectors/osv-scalibr-semantic";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << dir << " absent";
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".txt" || name.find("-versions") == std::string::npos) {
      continue;
    }
    ++files;
    bool listed = false;
    for (const TableFile& t : kScalibrTables) listed |= name == t.file;
    EXPECT_TRUE(listed) << name << " is not checked by any scheme";
  }
  EXPECT_GT(files, 0u);
}

}  // namespace
}  // namespace surveyor::versions
