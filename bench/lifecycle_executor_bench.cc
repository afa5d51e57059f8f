// The lifecycle executor end to end over a 100,000-image repository in SQLite (issue 9: "evaluating
// a repository of 100,000 images: under 1 s"), unlike lifecycle_bench which times the pure
// evaluator on images already in memory. The images are the lifecycle_bench mix (a quarter
// untagged, 1-3 tags from five families, push times over two years, half pulled), written
// straight into the registry's tables; then, each timed:
//   load     LoadRepositoryImages (manifests, tags, index references)
//   preview  Executor::Preview: load + evaluate + protect index children (what preview and
//            StartLifecyclePolicyPreview do)
//   dry-run  Executor::Run --dry-run
//   run      Executor::Run: first look, then per batch of deletions the in-transaction re-evaluation
//            and the deletes (each through Registry::DeleteChosenManifests)
// Usage: lifecycle_executor_bench DIR [IMAGES] [BATCH]   (DIR must not exist; default 100000,
// 1000; BATCH 0 stops before the deleting run)
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include "common/clock.h"
#include "common/fs.h"
#include "lifecycle/executor.h"
#include "registry/repository_settings.h"
#include "registry/schema.h"
#include "store/blob_store.h"

namespace {

using namespace surveyor;

const char kPolicy[] = R"({"rules":[
 {"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":7},"action":{"type":"expire"}},
 {"rulePriority":2,"selection":{"tagStatus":"tagged","tagPrefixList":["v"],"countType":"imageCountMoreThan","countNumber":500},"action":{"type":"expire"}},
 {"rulePriority":3,"selection":{"tagStatus":"tagged","tagPatternList":["pr-*1*"],"countType":"sinceImagePulled","countUnit":"days","countNumber":30},"action":{"type":"expire"}},
 {"rulePriority":4,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":20000},"action":{"type":"expire"}}]})";

void Check(const Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, s.ToString().c_str());
    std::exit(1);
  }
}
template <typename T>
T Check(Result<T> r, const char* what) {
  Check(r.status(), what);
  return std::move(*r);
}

double Since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// CPU seconds of this process: on a shared machine, wall time also counts waiting for a core.
double Cpu() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

std::string Digest64(std::mt19937_64& rng) {
  char hex[65];
  for (int i = 0; i < 4; ++i) {
    std::snprintf(hex + i * 16, 17, "%016llx", static_cast<unsigned long long>(rng()));
  }
  return std::string("sha256:") + hex;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: lifecycle_executor_bench DIR [IMAGES] [BATCH]\n");
    return 2;
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  const std::string dir = argv[1];
  const int64_t n = argc > 2 ? std::atoll(argv[2]) : 100000;
  const size_t batch = argc > 3 ? static_cast<size_t>(std::atoll(argv[3])) : 1000;
  Check(PosixFileSystem::Default().MakeDirs(dir), "mkdir");
  auto db = Check(store::Database::Open(dir + "/metadata.db"), "open");
  Check(registry::Migrate(*db), "migrate");
  store::BlobStore blobs(dir, PosixFileSystem::Default());
  Check(blobs.Init(), "blobs");
  const int64_t now_ms = int64_t{1700000000} * 1000;
  FakeClock clock{TimePoint(std::chrono::milliseconds(now_ms))};
  auto repo = Check(registry::CreateRepository(*db, "big/app", {}, now_ms, "123456789012"),
                    "create");
  {
    auto start = std::chrono::steady_clock::now();
    std::mt19937_64 rng(42);
    const char* families[] = {"v", "release-", "dev-", "pr-", "latest"};
    store::Transaction tx(*db);
    Check(tx.begin_status(), "begin");
    auto m = Check(db->Prepare("INSERT INTO manifests(repository_id, digest, media_type, size, "
                               "content, pushed_at, last_pulled_at) VALUES (?, ?, ?, 2, '{}', ?, ?)"),
                   "prepare");
    auto t = Check(db->Prepare("INSERT OR IGNORE INTO tags(repository_id, name, digest, "
                               "updated_at) VALUES (?, ?, ?, ?)"),
                   "prepare");
    for (int64_t i = 0; i < n; ++i) {
      const std::string d = Digest64(rng);
      const int64_t pushed = now_ms - static_cast<int64_t>(rng() % (730ull * 86400)) * 1000;
      m.Bind(1, repo.id).Bind(2, d).Bind(3, "application/vnd.oci.image.manifest.v1+json")
          .Bind(4, pushed);
      if (rng() % 2 == 0) {
        m.Bind(5, now_ms - static_cast<int64_t>(rng() % (90ull * 86400)) * 1000);
      } else {
        m.BindNull(5);
      }
      Check(m.Run(), "manifest");
      m.Reset();
      if (rng() % 4 != 0) {
        const size_t tags = 1 + rng() % 3;
        for (size_t k = 0; k < tags; ++k) {
          t.Bind(1, repo.id)
              .Bind(2, std::string(families[rng() % 5]) + std::to_string(rng() % 100000))
              .Bind(3, d)
              .Bind(4, pushed);
          Check(t.Run(), "tag");
          t.Reset();
        }
      }
    }
    Check(tx.Commit(), "commit");
    repo.settings.lifecycle_policy_text = kPolicy;
    Check(registry::SaveSettings(*db, repo.id, repo.settings), "policy");
    std::printf("setup: %lld images in %.1f s\n", static_cast<long long>(n), Since(start));
  }
  registry::Registry registry(*db, blobs, clock, registry::Options{});
  lifecycle::Executor executor(*db, registry, clock);

  for (int round = 0; round < 3; ++round) {
    auto start = std::chrono::steady_clock::now();
    double cpu = Cpu();
    auto images = Check(lifecycle::LoadRepositoryImages(*db, repo.id), "load");
    const double load = Since(start), load_cpu = Cpu() - cpu;
    start = std::chrono::steady_clock::now();
    cpu = Cpu();
    auto preview = Check(executor.Preview("big/app", "", std::nullopt), "preview");
    const double pv = Since(start), pv_cpu = Cpu() - cpu;
    start = std::chrono::steady_clock::now();
    cpu = Cpu();
    lifecycle::RunOptions dry;
    dry.dry_run = true;
    auto dr = Check(executor.Run("big/app", dry), "dry run");
    std::printf("round %d: load %zu images %.3f s (cpu %.3f); preview %.3f s (cpu %.3f, %zu would "
                "expire); dry-run %.3f s (cpu %.3f)\n",
                round, images.images.size(), load, load_cpu, pv, pv_cpu, preview.expired.size(),
                Since(start), Cpu() - cpu);
    (void)dr;
  }
  if (batch == 0) return 0;  // setup and evaluations only
  lifecycle::RunOptions run;
  run.batch_size = batch;
  auto start = std::chrono::steady_clock::now();
  double cpu = Cpu();
  auto out = Check(executor.Run("big/app", run), "run");
  const double secs = Since(start);
  std::printf("run (batch %zu): %zu images expired in %.2f s (cpu %.2f; %.0f deletions/s)\n",
              batch, out.expired.size(), secs, Cpu() - cpu,
              static_cast<double>(out.expired.size()) / secs);
  start = std::chrono::steady_clock::now();
  auto again = Check(executor.Run("big/app", run), "run again");
  std::printf("run again (nothing to expire, %zu images left): %.3f s\n", again.images,
              Since(start));
  return 0;
}
