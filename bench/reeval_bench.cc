// Continuous re-evaluation benchmark (issue 6): a registry of N stored images (default 10,000)
// whose inventories come from real images, an advisory import that changes M advisories
// (default 1,000), and the time until every affected finding is updated — against the time that
// re-analysing every image would take (what Harbor and zot do on a DB update).
//
// Inventories: the three real images of ../shared/images/testimages (bookworm-minbase,
// bookworm-app, polyglot) are analysed cold (that is also the re-analysis sample); image i is a
// variant of image i % 3 that keeps each package with probability 0.9 (seeded by i), so
// inventories differ while every package and version is a real one.
// Advisories: golang-vulndb, nodejs-security-wg and rustsec-osv from ../shared/data/advisories.
// The change: golang-vulndb re-imported with M of its records re-scored (a CVSS v3.1 vector
// added: severity and score change) and their text revised, which the import diff reports as M
// changed advisories ("rescored": no package is touched, the findings' live score rows change).
// SURVEYOR_BENCH_CHANGE=aliases adds an alias to each edited record as well: a change matching
// must see, so the affected images are matched again and their findings rewritten.
// Re-evaluation runs the scan service's own path: CheckForAdvisoryChanges (diff → package index
// → rematch jobs) and Drain on W worker threads (default 2).
//   reeval_bench [IMAGES] [CHANGES] [WORKERS] [ROUNDS]   (ROUNDS: repeated imports, median reported)
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "analyze/builtin.h"
#include "common/log.h"
#include "analyze/image_analysis.h"
#include "events/outbox.h"
#include "events/rules.h"
#include "events/schema.h"
#include "findings/store.h"
#include "image/image.h"
#include "match/matcher.h"
#include "registry/registry.h"
#include "registry/schema.h"
#include "scan/inventory_codec.h"
#include "scan/service.h"
#include "vulndb/db.h"
#include "vulndb/ecosystems.h"
#include "vulndb/importer.h"

using namespace surveyor;  // NOLINT
namespace fs = std::filesystem;

namespace {

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

[[noreturn]] void Die(const Status& s, const char* what) {
  std::fprintf(stderr, "%s: %s\n", what, s.ToString().c_str());
  std::exit(1);
}

template <typename T>
T Must(Result<T> r, const char* what) {
  if (!r.ok()) Die(r.status(), what);
  return std::move(*r);
}
void Must(const Status& s, const char* what) {
  if (!s.ok()) Die(s, what);
}

int64_t Count(store::Database& db, const std::string& sql) {
  auto lock = db.Lock();
  auto stmt = Must(db.Prepare(sql), "count");
  return Must(stmt.Step(), "count") ? stmt.ColumnInt(0) : 0;
}

// SURVEYOR_BENCH_PERF_CTL=FIFO: profile the re-evaluations only, under
//   perf record --control=fifo:FIFO -D -1 ... reeval_bench
void PerfControl(const char* command) {
  static const char* fifo = std::getenv("SURVEYOR_BENCH_PERF_CTL");
  if (fifo != nullptr) std::ofstream(fifo) << command << std::endl;
}

// Runs Drain on `workers` threads until the queue is empty.
void DrainAll(scan::Service& service, store::Database& db, int workers) {
  for (;;) {
    std::vector<std::thread> threads;
    for (int i = 0; i < workers; ++i) {
      threads.emplace_back([&] { Must(service.Drain(), "drain"); });
    }
    for (auto& t : threads) t.join();
    if (Count(db, "SELECT count(*) FROM scan_jobs") == 0) return;
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int images = argc > 1 ? std::atoi(argv[1]) : 10000;
  const int changes = argc > 2 ? std::atoi(argv[2]) : 1000;
  const int workers = argc > 3 ? std::atoi(argv[3]) : 2;
  const int rounds = argc > 4 ? std::max(1, std::atoi(argv[4])) : 1;
  const std::string shared = SURVEYOR_SHARED_DIR;
  const std::string testimages = shared + "/images/testimages";
  const std::string advisories = shared + "/data/advisories";
  if (!fs::exists(testimages) || !fs::exists(advisories)) {
    std::fprintf(stderr, "needs %s and %s\n", testimages.c_str(), advisories.c_str());
    return 2;
  }
  surveyor::log::SetLevel(surveyor::log::Level::kWarn);
  const std::string work = fs::temp_directory_path() / ("surveyor-reeval-" + std::to_string(getpid()));
  fs::create_directories(work);
  // SURVEYOR_BENCH_SNAPSHOT=DIR: the registry and advisory database as they stand after the
  // initial match are saved to DIR, or, when DIR holds them, start from there (steps 1, 3 and 4
  // take two minutes at 10,000 images; the snapshot must come from the same IMAGES).
  const char* snapshot_env = std::getenv("SURVEYOR_BENCH_SNAPSHOT");
  const std::string snapshot = snapshot_env ? snapshot_env : "";
  const bool from_snapshot = !snapshot.empty() && fs::exists(snapshot + "/metadata.db");
  if (from_snapshot) {
    fs::copy(snapshot, work, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    std::printf("registry and advisories from the snapshot %s\n", snapshot.c_str());
  }

  // 1. The advisory database.
  const std::string vulndb_dir = work + "/vulndb";
  if (!from_snapshot) {
    auto vdb = Must(vulndb::VulnDb::Open(vulndb_dir), "open vulndb");
    for (const char* feed : {"golang-vulndb", "nodejs-security-wg", "rustsec-osv"}) {
      const double t0 = Now();
      vulndb::ImportRequest req;
      req.location = advisories + "/" + feed;
      req.source = feed;
      auto r = Must(vulndb::RunImport(*vdb, req), "import");
      std::printf("import %-20s %6.2f s\n", feed, Now() - t0);
    }
  }

  // 2. Real inventories, analysed cold: also the re-analysis sample.
  auto owned = analyze::BuiltinAnalyzers();
  std::vector<const analyze::Analyzer*> analyzers;
  for (auto& a : owned) analyzers.push_back(a.get());
  std::vector<analyze::Inventory> bases;
  double analysis_total = 0;
  for (const char* tag : {"bookworm-minbase", "bookworm-app", "polyglot"}) {
    auto imgs = Must(image::OpenImage("oci:" + testimages + ":" + tag), "open image");
    const double t0 = Now();
    auto analysis = Must(analyze::AnalyzeImage(*imgs[0], analyzers, nullptr), "analyze");
    const double dt = Now() - t0;
    analysis_total += dt;
    std::printf("cold analysis %-17s %6.3f s, %zu packages\n", tag, dt,
                analysis.inventory.packages.size());
    bases.push_back(std::move(analysis.inventory));
  }
  const double analysis_mean = analysis_total / 3;

  // 3. The registry: N images in 100 repositories, with stored inventories and the package index.
  auto db = Must(store::Database::Open(work + "/metadata.db"), "open metadata db");
  Must(registry::Migrate(*db), "migrate registry");
  Must(scan::Migrate(*db), "migrate scan");
  Must(findings::Migrate(*db), "migrate findings");
  Must(events::Migrate(*db), "migrate events");
  const double t_fill = Now();
  if (!from_snapshot) {
    store::Transaction tx(*db);
    Must(tx.begin_status(), "begin");
    for (int r = 0; r < 100; ++r) {
      auto s = Must(db->Prepare("INSERT INTO repositories(id, name, created_at) VALUES (?, ?, 0)"), "repo");
      s.Bind(1, int64_t{r + 1}).Bind(2, "team-" + std::to_string(r) + "/app");
      Must(s.Run(), "repo");
    }
    auto m = Must(db->Prepare("INSERT INTO manifests(repository_id, digest, media_type, size, "
                              "content, pushed_at) VALUES (?, ?, 'application/vnd.oci.image."
                              "manifest.v1+json', 2, '{}', ?)"), "manifest");
    auto t = Must(db->Prepare("INSERT INTO tags(repository_id, name, digest, updated_at) VALUES "
                              "(?, ?, ?, 0)"), "tag");
    auto s = Must(db->Prepare("INSERT INTO scan_images(repository, digest, status, description, "
                              "inventory, armed_at) VALUES (?, ?, 'COMPLETE', 'ok', ?, ?)"), "image");
    auto k = Must(db->Prepare("INSERT OR IGNORE INTO scan_image_packages(ecosystem, name, "
                              "repository, digest) VALUES (?, ?, ?, ?)"), "index");
    for (int i = 0; i < images; ++i) {
      const std::string repo = "team-" + std::to_string(i % 100) + "/app";
      const std::string digest = ComputeDigest("image-" + std::to_string(i)).ToString();
      m.Reset();
      m.Bind(1, int64_t{i % 100 + 1}).Bind(2, digest).Bind(3, ToUnixMillis(SystemClock::Default().Now()));
      Must(m.Run(), "manifest");
      t.Reset();
      t.Bind(1, int64_t{i % 100 + 1}).Bind(2, "v" + std::to_string(i / 100)).Bind(3, digest);
      Must(t.Run(), "tag");
      analyze::Inventory inv = bases[i % 3];
      std::mt19937 rng(static_cast<uint32_t>(i));
      std::erase_if(inv.packages, [&](const analyze::Package&) { return rng() % 10 == 0; });
      s.Reset();
      s.Bind(1, repo).Bind(2, digest).Bind(3, scan::EncodeInventory(inv))
          .Bind(4, ToUnixMillis(SystemClock::Default().Now()));
      Must(s.Run(), "image");
      std::set<std::pair<std::string, std::string>> keys;
      for (const auto& p : inv.packages) {
        match::MatchKey key;
        if (match::KeyFor(p, key)) {
          keys.emplace(key.ecosystem, vulndb::NormalizePackageName(key.ecosystem, key.name));
        }
      }
      for (const auto& [eco, name] : keys) {
        k.Reset();
        k.Bind(1, eco).Bind(2, name).Bind(3, repo).Bind(4, digest);
        Must(k.Run(), "index");
      }
    }
    Must(tx.Commit(), "commit");
  }
  std::printf("registry of %d images %s in %.2f s (%lld index rows)\n", images,
              from_snapshot ? "opened" : "stored", Now() - t_fill,
              static_cast<long long>(Count(*db, "SELECT count(*) FROM scan_image_packages")));

  store::BlobStore blobs(work + "/blobs", PosixFileSystem::Default());
  Must(blobs.Init(), "blobs");
  registry::Registry registry(*db, blobs, SystemClock::Default(), {});
  scan::ServiceOptions options;
  options.vulndb_dir = vulndb_dir;
  options.workers = workers;
  // SURVEYOR_BENCH_EVENTS=1: as `surveyor serve` runs it, every finding that opens, changes or
  // closes also goes into the event outbox, in the same transaction (its JSON built for it), for
  // SCENARIOS 7's alert on critical findings. SURVEYOR_BENCH_EVENTS=push: the only rule is on
  // ECR pushes, which no finding event could match, so none is built or written.
  const char* events_mode = std::getenv("SURVEYOR_BENCH_EVENTS");
  const bool with_events = events_mode != nullptr;
  if (with_events) {
    events::Rule rule;
    if (std::string_view(events_mode) == "push") {
      rule.name = "pushes";
      rule.event_pattern = R"({"source":["aws.ecr"],"detail-type":["ECR Image Action"]})";
    } else {
      rule.name = "critical-findings";
      rule.event_pattern = R"({"source":["aws.inspector2"],"detail-type":["Inspector2 Finding"],)"
                           R"("detail":{"severity":["CRITICAL"]}})";
    }
    Must(events::PutRule(*db, rule), "put rule");
    options.on_results = [](store::Database& tx_db, const scan::ScanResults& r) {
      events::BusIdentity bus{"123456789012", "us-east-1", &SystemClock::Default()};
      for (const auto& change : r.changes.changes) {
        RETURN_IF_ERROR(events::Enqueue(tx_db, events::FindingEvent(bus, change.finding)));
      }
      return Status::Ok();
    };
    options.wants_changes = [](store::Database& tx_db) {
      auto any = events::AnyRuleCouldMatch(tx_db, events::kInspectorSource,
                                            events::kFindingDetailType);
      return !any.ok() || *any;
    };
  }
  std::printf("finding events: %s\n", with_events ? (std::string("on, SURVEYOR_BENCH_EVENTS=") +
                                                     events_mode).c_str()
                                                : "off");
  scan::Service service(*db, blobs, registry, SystemClock::Default(), options);

  // 4. First matching of every image (the DB's whole history is "new" to the service).
  double t0 = Now();
  size_t queued = 0;
  if (!from_snapshot) {
    queued = Must(service.CheckForAdvisoryChanges(), "check");
    DrainAll(service, *db, workers);
    std::printf("initial match: %zu images with a package some advisory names, in %.2f s, %lld "
                "findings\n", queued, Now() - t0,
                static_cast<long long>(Count(*db, "SELECT count(*) FROM findings")));
    // The initial match's events count as delivered (a running dispatcher deletes them).
    Must(db->Exec("DELETE FROM events_outbox"), "clear outbox");
    if (!snapshot.empty()) {
      Must(db->Exec("PRAGMA wal_checkpoint(TRUNCATE)"), "checkpoint");
      fs::create_directories(snapshot);
      fs::copy(work + "/metadata.db", snapshot + "/metadata.db");
      fs::copy(vulndb_dir, snapshot + "/vulndb", fs::copy_options::recursive);
      std::printf("snapshot saved to %s\n", snapshot.c_str());
    }
  }

  // 5. The import that changes M advisories: golang-vulndb again, M records edited. With several
  // rounds, each round re-scores the same records the other way (HIGH, then CRITICAL, ...) and
  // revises their text again, so every round changes the same findings.
  const std::string changed_feed = work + "/golang-vulndb";
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(advisories + "/golang-vulndb")) {
    if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<size_t> order(files.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), std::mt19937(42));
  std::set<size_t> edit(order.begin(), order.begin() + std::min<size_t>(changes, order.size()));
  fs::create_directories(changed_feed + "/osv");
  const char* change_env = std::getenv("SURVEYOR_BENCH_CHANGE");
  const bool alias_change = change_env != nullptr && std::string(change_env) == "aliases";
  std::printf("the change: %s\n", alias_change ? "re-scored, re-worded and a new alias "
                                                  "(SURVEYOR_BENCH_CHANGE=aliases)"
                                                : "re-scored and re-worded");
  std::vector<double> walls;
  for (int round = 0; round < rounds; ++round) {
    const std::string mark = "(Revised in the benchmark, round " + std::to_string(round) + ".)";
    for (size_t i = 0; i < files.size(); ++i) {
      std::ifstream in(files[i]);
      std::stringstream buf;
      buf << in.rdbuf();
      std::string text = buf.str();
      if (edit.count(i)) {
        auto j = Must(ParseJson(text), "advisory json");
        // A re-scored advisory (a CVSS vector where there was none or another one: its
        // findings' severity and score change) whose text is revised too.
        j["modified"] = "2026-12-0" + std::to_string(1 + round % 9) + "T00:00:00Z";
        j["details"] = j.value("details", std::string()) + " " + mark;
        j["severity"] = Json::array(
            {{{"type", "CVSS_V3"},
              {"score", round % 2 == 0 ? "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"
                                       : "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}});
        // SURVEYOR_BENCH_CHANGE=aliases: each edited record also gains an alias, which its
        // findings show (related vulnerabilities): a change matching must see, so every image
        // holding an edited record's package is matched again and its findings rewritten.
        if (alias_change) {
          if (!j.contains("aliases") || !j["aliases"].is_array()) j["aliases"] = Json::array();
          j["aliases"].push_back("BENCH-" + std::to_string(round) + "-" +
                                 j.value("id", std::string()));
        }
        text = DumpJson(j);
      }
      std::ofstream(changed_feed + "/osv/" + files[i].filename().string()) << text;
    }
    // Findings updated in this round have an update time at or after this.
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const int64_t before_ms = ToUnixMillis(SystemClock::Default().Now());
    {
      auto vdb = Must(vulndb::VulnDb::Open(vulndb_dir), "open vulndb");
      const double ti = Now();
      vulndb::ImportRequest req;
      req.location = changed_feed;
      req.source = "golang-vulndb";
      auto r = Must(vulndb::RunImport(*vdb, req), "import");
      std::printf("changing import (golang-vulndb, %zu records edited): %lld changed, %lld packages touched, %.2f s\n", edit.size(), static_cast<long long>(r.summary.changed), static_cast<long long>(r.summary.packages_touched), Now() - ti);
    }
    PerfControl("enable");
    t0 = Now();
    const double cpu0 = CpuSeconds();
    queued = Must(service.CheckForAdvisoryChanges(), "check");
    const double t_queued = Now();
    DrainAll(service, *db, workers);
    const double reeval = Now() - t0;
    const double reeval_cpu = CpuSeconds() - cpu0;
    PerfControl("disable");
    walls.push_back(reeval);
    // A finding's updatedAt: its own update or its score row's (findings/row.h).
    const int64_t updated = Count(*db, "SELECT count(*) FROM findings JOIN finding_scores ON "
                                       "finding_scores.id = findings.score_id WHERE "
                                       "max(findings.updated, finding_scores.updated) >= " +
                                           std::to_string(before_ms));
    const int64_t revised = Count(*db, "SELECT count(*) FROM findings JOIN finding_texts ON "
                                       "finding_texts.key = findings.text_key WHERE status != "
                                       "'CLOSED' AND finding_texts.body LIKE '%" + mark + "%'");
    std::printf("re-evaluation after the import: %zu images queued in %.3f s, all re-matched in "
                "%.3f s; %lld findings updated (%lld carry the edited text), %lld events\n",
                queued, t_queued - t0, reeval, static_cast<long long>(updated),
                static_cast<long long>(revised),
                static_cast<long long>(Count(*db, "SELECT count(*) FROM events_outbox")));
    Must(db->Exec("DELETE FROM events_outbox"), "clear outbox");
    std::printf("  CPU used by the re-evaluation: %.3f s (user+system, all threads; wall time on "
                "this shared machine includes waiting for a core: load average now %.1f)\n",
                reeval_cpu, [] { double l[1] = {0}; getloadavg(l, 1); return l[0]; }());
  }
  std::sort(walls.begin(), walls.end());
  std::printf("re-evaluation wall time, median of %d rounds: %.3f s\n", rounds,
              walls[walls.size() / 2]);
  std::printf("re-analysing every image instead: %.3f s mean cold analysis (3 real images, "
              "measured) x %d images = %.0f s on one core, %.0f s on %d workers\n",
              analysis_mean, images, analysis_mean * images, analysis_mean * images / workers,
              workers);
  if (std::getenv("SURVEYOR_BENCH_KEEP") != nullptr) {
    std::printf("kept %s\n", work.c_str());
  } else {
    fs::remove_all(work);
  }
  return 0;
}
