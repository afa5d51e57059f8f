// Data-driven evaluation tests (testdata/evaluation_cases.txt) and the preview shape.
#include "lifecycle/evaluator.h"

#include <gtest/gtest.h>

#include <sstream>

#include "lifecycle/test_blocks.h"

namespace surveyor::lifecycle {
namespace {

const std::string kDir = std::string(SURVEYOR_SOURCE_DIR) + "/src/lifecycle/testdata/";
const TimePoint kNow = TimePoint(std::chrono::seconds(1700000000));

TimePoint DaysAgo(const std::string& days) {
  const double d = std::stod(days);
  return kNow - std::chrono::seconds(static_cast<int64_t>(d * 86400 + 0.5));
}

std::string Trim(std::string s) {
  while (!s.empty() && s.front() == ' ') s.erase(s.begin());
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string part;
  while (std::getline(ss, part, sep)) out.push_back(Trim(part));
  return out;
}

Image ParseImage(const std::string& line) {
  const auto f = Split(line, '|');
  EXPECT_GE(f.size(), 3u) << line;
  Image img;
  img.digest = f.at(0);
  img.pushed_at = DaysAgo(f.at(1));
  if (f.at(2) != "-") img.tags = Split(f.at(2), ',');
  if (f.size() > 3) img.last_pulled_at = DaysAgo(f.at(3));
  return img;
}

std::string Render(const std::vector<Expiration>& ex) {
  if (ex.empty()) return "none";
  std::string out;
  for (const auto& e : ex)
    out += (out.empty() ? "" : " ") + e.digest + "@" + std::to_string(e.rule_priority);
  return out;
}

TEST(Evaluator, WorkedExamplesTable) {
  const auto table = LoadBlocksForTest(kDir + "evaluation_cases.txt");
  ASSERT_GE(table.size(), 15u);
  for (const auto& row : table) {
    const std::string name = One(row, "name");
    auto policy = ParseLifecyclePolicy(One(row, "policy"));
    ASSERT_TRUE(policy.ok()) << name << ": " << policy.status().ToString();
    std::vector<Image> images;
    const auto range = row.equal_range("image");
    for (auto it = range.first; it != range.second; ++it) images.push_back(ParseImage(it->second));
    ASSERT_FALSE(images.empty()) << name;
    EXPECT_EQ(Render(Evaluate(*policy, images, kNow)), One(row, "expect")) << name;
    // Input order must not matter.
    std::reverse(images.begin(), images.end());
    EXPECT_EQ(Render(Evaluate(*policy, images, kNow)), One(row, "expect")) << name << " (reversed)";
  }
}

TEST(Evaluator, PreviewShape) {
  auto policy = ParseLifecyclePolicy(R"({"rules":[{"rulePriority":3,"selection":{"tagStatus":"any",
    "countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]})");
  ASSERT_TRUE(policy.ok());
  const std::vector<Image> images = {
      {"sha256:aa", {"v1"}, TimePoint(std::chrono::seconds(1600000000)), std::nullopt},
      {"sha256:bb", {}, TimePoint(std::chrono::seconds(1600000100)), std::nullopt},
      {"sha256:cc", {"v2"}, TimePoint(std::chrono::seconds(1600000200)), std::nullopt},
  };
  const auto ex = Evaluate(*policy, images, kNow);
  const Json all = BuildPreviewResults(images, ex);
  const Json expected = Json::parse(R"({"previewResults":[
    {"imageTags":["v1"],"imageDigest":"sha256:aa","imagePushedAt":1600000000.0,"action":{"type":"EXPIRE"},"appliedRulePriority":3},
    {"imageTags":[],"imageDigest":"sha256:bb","imagePushedAt":1600000100.0,"action":{"type":"EXPIRE"},"appliedRulePriority":3}],
    "summary":{"expiringImageTotalCount":2}})");
  EXPECT_EQ(all, expected);
  const Json tagged = BuildPreviewResults(images, ex, "TAGGED");
  ASSERT_EQ(tagged["previewResults"].size(), 1u);
  EXPECT_EQ(tagged["previewResults"][0]["imageDigest"], "sha256:aa");
  EXPECT_EQ(tagged["summary"]["expiringImageTotalCount"], 2);
  const Json untagged = BuildPreviewResults(images, ex, "UNTAGGED");
  ASSERT_EQ(untagged["previewResults"].size(), 1u);
  EXPECT_EQ(untagged["previewResults"][0]["imageDigest"], "sha256:bb");
}

TEST(Evaluator, PreviewPages) {
  std::vector<Image> images;
  std::vector<Expiration> ex;
  for (int i = 0; i < 5; ++i) {
    const std::string d = "sha256:" + std::to_string(i);
    images.push_back(
        {d, i % 2 ? std::vector<std::string>{"t" + std::to_string(i)} : std::vector<std::string>{},
         TimePoint(std::chrono::seconds(1600000000 + i)), std::nullopt});
    ex.push_back({d, 1});
  }
  PreviewQuery q;
  q.max_results = 2;
  auto p1 = BuildPreviewPage(images, ex, q);
  ASSERT_TRUE(p1.ok());
  ASSERT_EQ((*p1)["previewResults"].size(), 2u);
  EXPECT_EQ((*p1)["previewResults"][1]["imageDigest"], "sha256:1");
  ASSERT_TRUE(p1->contains("nextToken"));
  q.next_token = (*p1)["nextToken"];
  auto p2 = BuildPreviewPage(images, ex, q);
  ASSERT_TRUE(p2.ok());
  EXPECT_EQ((*p2)["previewResults"][0]["imageDigest"], "sha256:2");
  q.next_token = (*p2)["nextToken"];
  auto p3 = BuildPreviewPage(images, ex, q);
  ASSERT_TRUE(p3.ok());
  ASSERT_EQ((*p3)["previewResults"].size(), 1u);
  EXPECT_EQ((*p3)["previewResults"][0]["imageDigest"], "sha256:4");
  EXPECT_FALSE(p3->contains("nextToken"));
  EXPECT_EQ((*p3)["summary"]["expiringImageTotalCount"], 5);

  PreviewQuery tagged;
  tagged.tag_status_filter = "TAGGED";
  tagged.image_digests = {"sha256:1", "sha256:2"};
  auto t = BuildPreviewPage(images, ex, tagged);
  ASSERT_TRUE(t.ok());
  ASSERT_EQ((*t)["previewResults"].size(), 1u);
  EXPECT_EQ((*t)["previewResults"][0]["imageDigest"], "sha256:1");

  PreviewQuery bad;
  bad.max_results = 0;
  EXPECT_FALSE(BuildPreviewPage(images, ex, bad).ok());
  bad.max_results = 101;
  EXPECT_FALSE(BuildPreviewPage(images, ex, bad).ok());
  bad.max_results = 10;
  bad.next_token = "garbage";
  EXPECT_EQ(BuildPreviewPage(images, ex, bad).status().domain_code(), kInvalidParameter);
  bad.next_token.clear();
  bad.tag_status_filter = "tagged";
  EXPECT_FALSE(BuildPreviewPage(images, ex, bad).ok());
}

}  // namespace
}  // namespace surveyor::lifecycle
