// Finding-to-webhook latency and burst delivery with bounded memory (issue 8 performance goals).
// A real on-disk metadata database, the Dispatcher, and a webhook receiver (http::Server) on
// loopback in the same process. Phase 1 enqueues findings one at a time and measures enqueue to
// receipt (p50/p99/max). Phase 2 enqueues a burst of findings in one transaction (like one big
// advisory import) and reports the time to deliver all of them and the process's peak RSS.
// Usage: events_delivery_bench [latency_samples=300] [burst=100000]
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "events/dispatcher.h"
#include "events/outbox.h"
#include "events/rules.h"
#include "events/schema.h"
#include "common/log.h"
#include "http/server.h"

using namespace surveyor;
using Steady = std::chrono::steady_clock;

namespace {

long PeakRssKib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

long CurrentRssKib() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  long pages = 0, rss = 0;
  if (f) {
    if (std::fscanf(f, "%ld %ld", &pages, &rss) != 2) rss = 0;
    std::fclose(f);
  }
  return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

Json Finding(int i) {
  const std::string image = "arn:aws:ecr:us-east-1:123456789012:repository/prod-my-app/sha256:" +
                            std::string(64, 'a');
  return {{"awsAccountId", "123456789012"},
          {"findingArn", "arn:aws:inspector2:us-east-1:123456789012:finding/" + std::to_string(i)},
          {"severity", "CRITICAL"},
          {"status", "ACTIVE"},
          {"title", "CVE-2024-" + std::to_string(10000 + i) + " - openssl"},
          {"type", "PACKAGE_VULNERABILITY"},
          {"resources",
           {{{"id", image},
             {"type", "AWS_ECR_CONTAINER_IMAGE"},
             {"details",
              {{"awsEcrContainerImage",
                {{"repositoryName", "prod-my-app"}, {"imageTags", {"v1"}}}}}}}}}};
}

}  // namespace

int main(int argc, char** argv) {
  log::SetLevel(log::Level::kOff);
  const int samples = argc > 1 ? std::atoi(argv[1]) : 300;
  const int burst = argc > 2 ? std::atoi(argv[2]) : 100000;
  const auto dir = std::filesystem::temp_directory_path() /
                   ("events_delivery_bench_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  auto db = store::Database::Open((dir / "metadata.db").string());
  if (!db.ok() || !events::Migrate(**db).ok()) return 1;

  std::mutex mu;
  std::condition_variable cv;
  std::atomic<int64_t> received{0};
  Steady::time_point last_receipt;
  http::Router router;
  router.AddExact("hook", http::Method::kPost, "/hook", [&](http::Request& r) {
    (void)r.body->ReadAll(1 << 20);
    {
      std::lock_guard lock(mu);
      last_receipt = Steady::now();
      ++received;
    }
    cv.notify_all();
    return http::Response::Empty(204);
  });
  http::Metrics metrics;
  http::ServerOptions so;
  so.port = 0;
  http::Server receiver(router, metrics, so);
  auto port = receiver.Start();
  if (!port.ok()) return 1;

  events::Rule rule;
  rule.name = "critical";
  rule.event_pattern =
      R"({"source":["aws.inspector2"],"detail-type":["Inspector2 Finding"],)"
      R"("detail":{"severity":["CRITICAL"],"status":["ACTIVE"],"resourceType":["AWS_ECR_CONTAINER_IMAGE"]}})";
  if (!events::PutRule(**db, rule).ok()) return 1;
  Json target = {{"Id", "hook"}, {"Arn", "http://127.0.0.1:" + std::to_string(*port) + "/hook"}};
  target["InputTransformer"] = {
      {"InputPathsMap",
       {{"repo", "$.detail.resources[0].details.awsEcrContainerImage.repositoryName"},
        {"tag", "$.detail.resources[0].details.awsEcrContainerImage.imageTags[0]"},
        {"title", "$.detail.title"}}},
      {"InputTemplate", R"("Critical vulnerability in <repo>:<tag> - <title>")"}};
  if (!events::PutTarget(**db, "critical", target).ok()) return 1;

  events::BusIdentity bus;
  events::Dispatcher dispatcher(**db, bus, {});
  dispatcher.Start();

  // Phase 1: latency, one finding at a time.
  std::vector<double> ms;
  for (int i = 0; i < samples; ++i) {
    const int64_t want = received.load() + 1;
    const auto t0 = Steady::now();
    if (!events::EnqueueNow(**db, events::FindingEvent(bus, Finding(i))).ok()) return 1;
    std::unique_lock lock(mu);
    if (!cv.wait_for(lock, std::chrono::seconds(10), [&] { return received.load() >= want; })) {
      std::fprintf(stderr, "delivery %d timed out\n", i);
      return 1;
    }
    ms.push_back(std::chrono::duration<double, std::milli>(last_receipt - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  auto pct = [&](double p) { return ms[std::min(ms.size() - 1, size_t(p * ms.size()))]; };
  std::printf("latency finding->webhook over %d sequential findings: p50 %.1f ms, p99 %.1f ms, "
              "max %.1f ms\n",
              samples, pct(0.50), pct(0.99), ms.back());

  // Phase 2: burst in one transaction.
  const long rss_before = CurrentRssKib();
  const int64_t base = received.load();
  const auto t_enqueue = Steady::now();
  {
    store::Transaction txn(**db);
    for (int i = 0; i < burst; ++i) {
      if (!events::Enqueue(**db, events::FindingEvent(bus, Finding(samples + i))).ok()) return 1;
    }
    if (!txn.Commit().ok()) return 1;
  }
  const auto t_committed = Steady::now();
  long rss_peak_during = 0;
  {
    std::unique_lock lock(mu);
    while (received.load() < base + burst) {
      cv.wait_for(lock, std::chrono::milliseconds(200));
      rss_peak_during = std::max(rss_peak_during, CurrentRssKib());
    }
  }
  const auto t_done = Steady::now();
  dispatcher.Stop();
  receiver.Stop();
  const double enqueue_s = std::chrono::duration<double>(t_committed - t_enqueue).count();
  const double deliver_s = std::chrono::duration<double>(t_done - t_committed).count();
  std::printf("burst of %d findings: enqueued in %.2f s, all delivered %.2f s after commit "
              "(%.0f/s); RSS before burst %ld KiB, max sampled during delivery %ld KiB, peak RSS "
              "(VmHWM, whole run) %ld KiB\n",
              burst, enqueue_s, deliver_s, burst / deliver_s, rss_before, rss_peak_during,
              PeakRssKib());
  std::filesystem::remove_all(dir);
  return 0;
}
