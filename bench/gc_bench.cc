// Garbage collection over synthetic registry metadata (issue 9: "GC over 1,000,000 blobs: minutes,
// not hours, with bounded memory"). Two steps, each its own process so that the collector's peak
// RSS is its own:
//   gc_bench setup DIR BLOBS   writes DIR/metadata.db: BLOBS blobs in 100 repositories; 90% are
//                              referenced by manifests (one config and eight layers each, plus
//                              one of 1,000 base layers shared across repositories), 10% are
//                              linked but unreferenced, all past the grace period; a third of
//                              the manifests are tagged.
//   gc_bench gc DIR [--dry-run]  runs CollectGarbage once and prints the time, what it found and
//                              the process's peak RSS (ru_maxrss).
// Only metadata is synthetic: there are no blob files, so the sweep's renames find nothing to
// move (the cost of unlinking real files is not in these figures). bench/gc_bench.sh runs both.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "common/clock.h"
#include "common/fs.h"
#include "registry/gc.h"
#include "registry/schema.h"
#include "store/blob_store.h"
#include "store/sqlite.h"

namespace {

using namespace surveyor;

constexpr int64_t kRepositories = 100;
constexpr int64_t kBaseLayers = 1000;
constexpr int64_t kBlobsPerManifest = 9;  // config + 8 layers of its own
constexpr int64_t kOld = 1600000000000;  // every row: long before the grace period

uint64_t Mix(uint64_t x) {  // splitmix64
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// A well-formed sha256 digest, unique per index, in random order.
std::string BlobDigest(int64_t i) {
  char hex[65];
  for (int part = 0; part < 4; ++part) {
    std::snprintf(hex + part * 16, 17, "%016llx",
                  static_cast<unsigned long long>(Mix(static_cast<uint64_t>(i) * 4 + part)));
  }
  return std::string("sha256:") + hex;
}

std::string ManifestDigest(int64_t m) { return BlobDigest(-1 - m); }

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

int Setup(const std::string& dir, int64_t blobs) {
  Check(PosixFileSystem::Default().MakeDirs(dir), "mkdir");
  auto db = Check(store::Database::Open(dir + "/metadata.db"), "open");
  Check(registry::Migrate(*db), "migrate");
  const auto start = std::chrono::steady_clock::now();
  store::Transaction tx(*db);
  Check(tx.begin_status(), "begin");
  for (int64_t r = 0; r < kRepositories; ++r) {
    auto s = Check(db->Prepare("INSERT INTO repositories(id, name, created_at) VALUES (?, ?, ?)"),
                   "prepare");
    s.Bind(1, r + 1).Bind(2, "team/app-" + std::to_string(r)).Bind(3, kOld);
    Check(s.Run(), "repository");
  }
  auto blob = Check(db->Prepare("INSERT INTO blobs(digest, size, created_at) VALUES (?, ?, ?)"),
                    "prepare");
  auto link = Check(db->Prepare("INSERT OR IGNORE INTO repository_blobs(repository_id, digest, "
                                "created_at) VALUES (?, ?, ?)"),
                    "prepare");
  auto manifest = Check(db->Prepare("INSERT INTO manifests(repository_id, digest, media_type, size, "
                                    "content, pushed_at) VALUES (?, ?, ?, 2, '{}', ?)"),
                        "prepare");
  auto ref = Check(db->Prepare("INSERT OR IGNORE INTO manifest_references(repository_id, "
                               "manifest_digest, child_digest, kind) VALUES (?, ?, ?, ?)"),
                   "prepare");
  auto tag = Check(db->Prepare("INSERT INTO tags(repository_id, name, digest, updated_at) VALUES "
                               "(?, ?, ?, ?)"),
                   "prepare");
  auto run = [](store::Statement& s, const char* what) {
    Check(s.Run(), what);
    s.Reset();
  };
  for (int64_t i = 0; i < blobs; ++i) {
    blob.Bind(1, BlobDigest(i)).Bind(2, int64_t{1000} + i % 50000).Bind(3, kOld);
    run(blob, "blob");
  }
  // Blobs [0, kBaseLayers) are base layers; the referenced rest is cut into manifests of 9.
  const int64_t referenced = blobs * 9 / 10;
  int64_t manifests = 0;
  for (int64_t first = kBaseLayers; first + kBlobsPerManifest <= referenced;
       first += kBlobsPerManifest, ++manifests) {
    const int64_t repo = 1 + manifests % kRepositories;
    const std::string md = ManifestDigest(manifests);
    manifest.Bind(1, repo).Bind(2, md).Bind(3, "application/vnd.oci.image.manifest.v1+json")
        .Bind(4, kOld);
    run(manifest, "manifest");
    auto child = [&](int64_t b, const char* kind) {
      const std::string d = BlobDigest(b);
      ref.Bind(1, repo).Bind(2, md).Bind(3, d).Bind(4, kind);
      run(ref, "reference");
      link.Bind(1, repo).Bind(2, d).Bind(3, kOld);
      run(link, "link");
    };
    child(first, "config");
    for (int64_t l = 1; l < kBlobsPerManifest; ++l) child(first + l, "layer");
    child(manifests % kBaseLayers, "layer");
    if (manifests % 3 == 0) {
      tag.Bind(1, repo).Bind(2, "v" + std::to_string(manifests)).Bind(3, md).Bind(4, kOld);
      run(tag, "tag");
    }
  }
  // The unreferenced tenth: linked into a repository (as after an image was deleted), no manifest.
  for (int64_t i = referenced; i < blobs; ++i) {
    link.Bind(1, 1 + i % kRepositories).Bind(2, BlobDigest(i)).Bind(3, kOld);
    run(link, "link");
  }
  Check(tx.Commit(), "commit");
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("setup: %lld blobs, %lld manifests, %lld repositories in %.1f s\n",
              static_cast<long long>(blobs), static_cast<long long>(manifests),
              static_cast<long long>(kRepositories), secs);
  return 0;
}

int Gc(const std::string& dir, bool dry_run) {
  auto db = Check(store::Database::Open(dir + "/metadata.db"), "open");
  store::BlobStore blobs(dir, PosixFileSystem::Default());
  Check(blobs.Init(), "blob store");
  registry::GcOptions options;
  options.dry_run = dry_run;
  options.grace = std::chrono::seconds(3600);
  const auto start = std::chrono::steady_clock::now();
  auto report = Check(registry::CollectGarbage(*db, blobs, SystemClock::Default(), options), "gc");
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("gc%s: %.2f s, %llu links removed, %llu blobs deleted (%llu bytes), peak RSS %ld MiB\n",
              dry_run ? " --dry-run" : "", secs,
              static_cast<unsigned long long>(report.links_removed),
              static_cast<unsigned long long>(report.blobs_deleted),
              static_cast<unsigned long long>(report.bytes_reclaimed), usage.ru_maxrss / 1024);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 4 && std::strcmp(argv[1], "setup") == 0) {
    return Setup(argv[2], std::atoll(argv[3]));
  }
  if (argc >= 3 && std::strcmp(argv[1], "gc") == 0) {
    return Gc(argv[2], argc >= 4 && std::strcmp(argv[3], "--dry-run") == 0);
  }
  std::fprintf(stderr, "usage: gc_bench setup DIR BLOBS | gc_bench gc DIR [--dry-run]\n");
  return 2;
}
