// Pattern evaluation throughput: one flattened Inspector2 finding event (SPEC.md §8.2 shape)
// against a set of 100 compiled rules of the kinds users write. Items/s = event×rule evaluations.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "events/flat_event.h"
#include "events/pattern.h"

namespace {

using surveyor::events::CompiledPattern;
using surveyor::events::FlatEvent;

const char kFinding[] = R"({"version":"0","id":"42dbea55-45ad-b2b4-87a8-afaEXAMPLE",
 "detail-type":"Inspector2 Finding","source":"aws.inspector2","account":"123456789012",
 "time":"2021-12-03T18:02:30Z","region":"us-east-2",
 "resources":["arn:aws:ecr:us-east-2:123456789012:repository/prod-my-app/sha256:36c7b282"],
 "detail":{"awsAccountId":"123456789012","description":"Integer overflow in libssh2",
  "findingArn":"arn:aws:inspector2:us-east-2:123456789012:finding/be674aaddd0f75ac632055EXAMPLE",
  "firstObservedAt":"Dec 3, 2021, 6:02:30 PM","lastObservedAt":"Dec 3, 2021, 6:02:30 PM",
  "updatedAt":"Dec 3, 2021, 6:02:30 PM","inspectorScore":9.8,"fixAvailable":"YES",
  "packageVulnerabilityDetails":{"cvss":[{"baseScore":9.8,"source":"NVD","version":"3.1"},
    {"baseScore":5.8,"source":"NVD","version":"2.0"}],
   "referenceUrls":["https://example.com/a"],"source":"NVD","vulnerabilityId":"CVE-2019-17498",
   "vulnerablePackages":[{"arch":"X86_64","epoch":0,"name":"libssh2","packageManager":"OS",
     "release":"12.amzn2.2","version":"1.4.3"}]},
  "resources":[{"details":{"awsEcrContainerImage":{"architecture":"amd64",
     "imageHash":"sha256:36c7b282","imageTags":["v1"],"platform":"AMAZON_LINUX_2",
     "registry":"123456789012","repositoryName":"prod-my-app"}},
   "id":"arn:aws:ecr:us-east-2:123456789012:repository/prod-my-app/sha256:36c7b282",
   "partition":"aws","region":"us-east-2","type":"AWS_ECR_CONTAINER_IMAGE"}],
  "severity":"CRITICAL","status":"ACTIVE","title":"CVE-2019-17498 - libssh2",
  "type":"PACKAGE_VULNERABILITY"}})";

std::vector<CompiledPattern> Rules() {
  std::vector<std::string> texts;
  const char* severities[] = {"CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL"};
  for (int i = 0; i < 20; ++i) {
    const std::string sev = severities[i % 5];
    const std::string repo = "prod-" + std::to_string(i % 4 == 0 ? 0 : i);
    texts.push_back(
        R"({"source":["aws.inspector2"],"detail-type":["Inspector2 Finding"],"detail":{"severity":[")" +
        sev + R"("],"status":["ACTIVE"]}})");
    texts.push_back(
        R"({"source":["aws.inspector2"],"detail":{"resources":{"type":["AWS_ECR_CONTAINER_IMAGE"],"details":{"awsEcrContainerImage":{"repositoryName":[{"prefix":")" +
        repo + R"("}]}}}}})");
    texts.push_back(R"({"detail":{"inspectorScore":[{"numeric":[">=",)" + std::to_string(i % 10) +
                    R"(]}],"fixAvailable":["YES","PARTIAL"]}})");
    texts.push_back(
        R"({"source":["aws.ecr"],"detail-type":["ECR Image Action"],"detail":{"action-type":["PUSH"],"repository-name":[{"anything-but":{"prefix":"tmp-"}}]}})");
    texts.push_back(
        R"({"$or":[{"detail":{"severity":["CRITICAL"]}},{"detail":{"packageVulnerabilityDetails":{"vulnerabilityId":[{"wildcard":"CVE-2019-*"}]}}}],"region":[{"equals-ignore-case":"US-EAST-2"}]})");
  }
  std::vector<CompiledPattern> rules;
  for (const auto& t : texts) rules.push_back(*CompiledPattern::Compile(t));
  return rules;
}

void BM_EvaluateRules(benchmark::State& state) {
  const auto rules = Rules();
  const FlatEvent event = *FlatEvent::FromText(kFinding);
  size_t matched = 0;
  for (auto _ : state) {
    for (const auto& rule : rules) matched += rule.Matches(event) ? 1 : 0;
  }
  benchmark::DoNotOptimize(matched);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * rules.size()));
  state.counters["matched_per_pass"] =
      static_cast<double>(matched) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_EvaluateRules);

void BM_FlattenAndEvaluate(benchmark::State& state) {
  // Includes parsing and flattening the event once per pass over the 100 rules.
  const auto rules = Rules();
  size_t matched = 0;
  for (auto _ : state) {
    const FlatEvent event = *FlatEvent::FromText(kFinding);
    for (const auto& rule : rules) matched += rule.Matches(event) ? 1 : 0;
  }
  benchmark::DoNotOptimize(matched);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * rules.size()));
}
BENCHMARK(BM_FlattenAndEvaluate);

void BM_CompilePattern(benchmark::State& state) {
  const std::string text =
      R"({"source":["aws.inspector2"],"detail-type":["Inspector2 Finding"],"detail":{"status":["ACTIVE"],"severity":["CRITICAL","HIGH"],"fixAvailable":["YES","PARTIAL"],"resources":{"type":["AWS_ECR_CONTAINER_IMAGE"],"details":{"awsEcrContainerImage":{"repositoryName":[{"prefix":"prod-"}]}}}}})";
  for (auto _ : state) benchmark::DoNotOptimize(CompiledPattern::Compile(text).ok());
}
BENCHMARK(BM_CompilePattern);

}  // namespace

BENCHMARK_MAIN();
