// Lifecycle evaluation over a synthetic repository of 100,000 images (tags drawn from a few
// families, a quarter untagged, push times spread over two years, some pulls) under a
// four-rule policy. Target (issue 9): under 1 s per evaluation.
#include <benchmark/benchmark.h>

#include <random>

#include "lifecycle/evaluator.h"

namespace {

using namespace surveyor::lifecycle;
using surveyor::TimePoint;

std::vector<Image> Repository(size_t n) {
  std::mt19937_64 rng(42);
  const TimePoint now = TimePoint(std::chrono::seconds(1700000000));
  std::vector<Image> images(n);
  const char* families[] = {"v", "release-", "dev-", "pr-", "latest"};
  for (size_t i = 0; i < n; ++i) {
    Image& img = images[i];
    img.digest = "sha256:" + std::to_string(rng());
    img.pushed_at = now - std::chrono::seconds(rng() % (730ull * 86400));
    if (rng() % 4 != 0) {
      const size_t tags = 1 + rng() % 3;
      for (size_t t = 0; t < tags; ++t) {
        img.tags.push_back(std::string(families[rng() % 5]) + std::to_string(rng() % 100000));
      }
    }
    if (rng() % 2 == 0) img.last_pulled_at = now - std::chrono::seconds(rng() % (90ull * 86400));
  }
  return images;
}

const char kPolicy[] = R"({"rules":[
 {"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":7},"action":{"type":"expire"}},
 {"rulePriority":2,"selection":{"tagStatus":"tagged","tagPrefixList":["v"],"countType":"imageCountMoreThan","countNumber":500},"action":{"type":"expire"}},
 {"rulePriority":3,"selection":{"tagStatus":"tagged","tagPatternList":["pr-*1*"],"countType":"sinceImagePulled","countUnit":"days","countNumber":30},"action":{"type":"expire"}},
 {"rulePriority":4,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":20000},"action":{"type":"expire"}}]})";

void BM_Evaluate(benchmark::State& state) {
  const auto images = Repository(static_cast<size_t>(state.range(0)));
  const Policy policy = *ParseLifecyclePolicy(kPolicy);
  const TimePoint now = TimePoint(std::chrono::seconds(1700000000));
  size_t expired = 0;
  for (auto _ : state) {
    expired = Evaluate(policy, images, now).size();
    benchmark::DoNotOptimize(expired);
  }
  state.counters["expired"] = static_cast<double>(expired);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Evaluate)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_PreviewResults(benchmark::State& state) {
  const auto images = Repository(100000);
  const Policy policy = *ParseLifecyclePolicy(kPolicy);
  const TimePoint now = TimePoint(std::chrono::seconds(1700000000));
  for (auto _ : state) {
    const auto ex = Evaluate(policy, images, now);
    benchmark::DoNotOptimize(BuildPreviewResults(images, ex).size());
  }
}
BENCHMARK(BM_PreviewResults)->Unit(benchmark::kMillisecond);

void BM_PreviewFirstPage(benchmark::State& state) {
  // What GetLifecyclePolicyPreview does per call: evaluate, then render one page of 100.
  const auto images = Repository(100000);
  const Policy policy = *ParseLifecyclePolicy(kPolicy);
  const TimePoint now = TimePoint(std::chrono::seconds(1700000000));
  for (auto _ : state) {
    const auto ex = Evaluate(policy, images, now);
    benchmark::DoNotOptimize(BuildPreviewPage(images, ex, PreviewQuery{}).ok());
  }
}
BENCHMARK(BM_PreviewFirstPage)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
