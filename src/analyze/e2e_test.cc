// End to end on ../shared/images/testimages (skipped when absent): our inventory must equal the
// ground truth that testdata/oracle.py computes independently (dpkg-query, rpm, go version -m,
// importlib.metadata, the lockfiles read with Python's json/tomllib, jars with zipfile).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "analyze/builtin.h"
#include "analyze/image_analysis.h"

namespace surveyor::analyze {
namespace {

const std::string kLayout = std::string(SURVEYOR_SHARED_DIR) + "/images/testimages";

std::string RunCommand(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  ::pclose(p);
  return out;
}

using Sets = std::map<std::string, std::set<std::string>>;  // type → "name version"

Sets Oracle(const std::string& tag) {
  std::string out_dir = std::filesystem::temp_directory_path() / ("surveyor-oracle-" + tag + "-" + std::to_string(::getpid()));
  std::string text = RunCommand("python3 " + std::string(SURVEYOR_SOURCE_DIR) + "/src/analyze/testdata/oracle.py " +
                         kLayout + " " + tag + " " + out_dir + " 2>/dev/null");
  std::filesystem::remove_all(out_dir);
  Sets s;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    size_t a = line.find('\t'), b = line.find('\t', a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    s[line.substr(0, a)].insert(line.substr(a + 1, b - a - 1) + " " + line.substr(b + 1));
  }
  return s;
}

Sets Ours(const std::string& tag, Inventory* inv_out = nullptr) {
  auto imgs = image::OpenImage("oci:" + kLayout + ":" + tag);
  EXPECT_TRUE(imgs.ok()) << imgs.status().ToString();
  if (!imgs.ok()) return {};
  auto owned = BuiltinAnalyzers();
  std::vector<const Analyzer*> list;
  for (auto& a : owned) list.push_back(a.get());
  auto r = AnalyzeImage(*(*imgs)[0], list, nullptr);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return {};
  Sets s;
  for (const auto& p : r->inventory.packages)
    s[std::string(RowFor(p.type).type_name)].insert(p.name + " " + p.version);
  if (inv_out) *inv_out = r->inventory;
  return s;
}

void ExpectSame(const std::set<std::string>& want, const std::set<std::string>& got, const std::string& what) {
  for (const auto& w : want) EXPECT_TRUE(got.count(w)) << what << ": missing " << w;
  for (const auto& g : got) EXPECT_TRUE(want.count(g)) << what << ": unexpected " << g;
}

class TestImages : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kLayout + "/index.json")) GTEST_SKIP() << "no " << kLayout;
    if (RunCommand("python3 -c 'import tomllib; print(1)'").empty()) GTEST_SKIP() << "python3 with tomllib needed";
  }
};

TEST_F(TestImages, BookwormMinbase) {
  Sets want = Oracle("bookworm-minbase");
  Inventory inv;
  Sets got = Ours("bookworm-minbase", &inv);
  ASSERT_EQ(want["dpkg"].size(), 88u);  // README: 88 dpkg packages
  ExpectSame(want["dpkg"], got["dpkg"], "dpkg");
  EXPECT_EQ(inv.os.id, "debian");
  EXPECT_EQ(inv.os.version_id, "12");
  std::set<std::string> sources;
  for (const auto& p : inv.packages) sources.insert(p.source_name);
  EXPECT_EQ(sources.size(), 63u);  // README: from 63 source packages
  EXPECT_EQ(got.size(), 1u) << "only dpkg packages expected";
}

TEST_F(TestImages, BookwormApp) {
  Sets want = Oracle("bookworm-app");
  Inventory inv;
  Sets got = Ours("bookworm-app", &inv);
  ExpectSame(want["dpkg"], got["dpkg"], "dpkg");
  ASSERT_EQ(want["npm"].size(), 70u);
  ExpectSame(want["npm"], got["npm"], "npm");
  if (!want["go"].empty()) ExpectSame(want["go"], got["go"], "go");
  // Debian's python3-* dist-info/egg-info are owned by dpkg: reported only as dpkg packages.
  EXPECT_TRUE(got["python"].empty());
  EXPECT_GT(inv.dropped_owned, 0u);
}

TEST_F(TestImages, AlpineLike) {
  Sets want = Oracle("alpine-like");
  Inventory inv;
  Sets got = Ours("alpine-like", &inv);
  ASSERT_EQ(want["apk"].size(), 8u);
  ExpectSame(want["apk"], got["apk"], "apk");
  EXPECT_EQ(inv.os.id, "alpine");
  for (const auto& p : inv.packages) EXPECT_EQ(p.ecosystem, "Alpine:v3.17") << p.name;
}

TEST_F(TestImages, Polyglot) {
  Sets want = Oracle("polyglot");
  Inventory inv;
  Sets got = Ours("polyglot", &inv);
  for (const char* t : {"dpkg", "python", "rpm", "gem", "composer", "nuget", "cargo"}) {
    if (got.count(t) == 0 && want[t].size() > 0 && std::string(t) != "dpkg" && std::string(t) != "python") {
      ADD_FAILURE() << t << ": analyzer produced nothing (want " << want[t].size() << ")";
      continue;
    }
    ExpectSame(want[t], got[t], t);
  }
  // Jars with pom.properties: exact coordinates; jars without one still yield one package each.
  std::set<std::string> maven_with_pom;
  for (const auto& m : got["maven"])
    if (want["maven"].count(m)) maven_with_pom.insert(m);
  ExpectSame(want["maven"], maven_with_pom, "maven");
  EXPECT_EQ(got["maven"].size() - maven_with_pom.size(), want["maven-nopom"].size());
}

}  // namespace
}  // namespace surveyor::analyze
