// vulndb benchmarks.
//   BM_ImportZip      records/s importing an osv.dev-style all.zip (the Go vulnerability
//                     database from ../shared, or synthetic records when it is absent) into a
//                     fresh database; CPU time of the one importing thread.
//   BM_ImportLargeZip peak RSS while importing a synthetic zip of N records (state/arg = N):
//                     streamed, so the peak should not grow with N.
//   BM_IndexLookup*   package index lookups by (ecosystem, name).
//   BM_RecordsFor     reading stored records back by id (what matching does per advisory), and
//   BM_DbLookup       the package index in SQLite (db lookup): the read side, on a database
//                     written by the import above, so that storage tuning for the import shows
//                     its cost here too.
// Run: build/bench/bench_vulndb  (add --benchmark_filter=… to pick one)
#include <archive.h>
#include <archive_entry.h>
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "vulndb/db.h"
#include "vulndb/importer.h"
#include "vulndb/package_index.h"

namespace fs = std::filesystem;
using namespace surveyor::vulndb;

namespace {

fs::path BenchDir() {
  static fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("vulndb-bench-" + std::to_string(::getpid()));
    fs::create_directories(d);
    return d;
  }();
  return dir;
}

struct ZipWriter {
  struct archive* a;
  explicit ZipWriter(const fs::path& p) : a(archive_write_new()) {
    archive_write_set_format_zip(a);
    archive_write_open_filename(a, p.c_str());
  }
  void Add(const std::string& name, const std::string& data) {
    struct archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_size(e, static_cast<la_int64_t>(data.size()));
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_write_header(a, e);
    archive_write_data(a, data.data(), data.size());
    archive_entry_free(e);
  }
  ~ZipWriter() {
    archive_write_close(a);
    archive_write_free(a);
  }
};

std::string SyntheticRecord(int i) {
  const std::string id = "GHSA-" + std::to_string(100000 + i) + "-bench";
  std::string details(1500, 'd');
  return R"({"schema_version":"1.6.0","id":")" + id + R"(","modified":"2024-01-01T00:00:00Z",)"
         R"("published":"2023-01-01T00:00:00Z","aliases":["CVE-2023-)" + std::to_string(10000 + i) +
         R"("],"summary":"synthetic advisory","details":")" + details +
         R"(","severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],)"
         R"("affected":[{"package":{"ecosystem":"PyPI","name":"pkg-)" + std::to_string(i % 5000) +
         R"("},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.)" +
         std::to_string(i % 97) + R"(.0"}]}],"versions":["1.0.0","1.0.1"]}],)"
         R"("references":[{"type":"WEB","url":"https://example.invalid/)" + id + R"("}]})";
}

// The zip the import benchmark reads: the real Go database when available.
const fs::path& ImportZip(int64_t& records) {
  static int64_t count = 0;
  static fs::path zip = [] {
    fs::path z = BenchDir() / "Go" / "all.zip";
    fs::create_directories(z.parent_path());
    ZipWriter w(z);
    const fs::path go = fs::path(SURVEYOR_SHARED_DIR) / "data/advisories/golang-vulndb/osv";
    if (fs::exists(go)) {
      std::vector<fs::path> files;
      for (const auto& e : fs::directory_iterator(go)) files.push_back(e.path());
      std::sort(files.begin(), files.end());
      for (const auto& f : files) {
        std::ifstream in(f, std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        w.Add(f.filename().string(), ss.str());
        ++count;
      }
    } else {
      for (int i = 0; i < 5000; ++i, ++count) w.Add("r" + std::to_string(i) + ".json", SyntheticRecord(i));
    }
    return z;
  }();
  records = count;
  return zip;
}

void BM_ImportZip(benchmark::State& state) {
  int64_t records = 0;
  const fs::path zip = ImportZip(records);
  int64_t total = 0;
  int round = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const fs::path dbdir = BenchDir() / ("db-import-" + std::to_string(round++));
    fs::remove_all(dbdir);
    auto db = VulnDb::Open(dbdir.string());
    state.ResumeTiming();
    ImportRequest req;
    req.location = zip.string();
    auto r = RunImport(**db, req);
    if (!r.ok() || r->summary.records != records) state.SkipWithError("import failed");
    total += records;
    state.PauseTiming();
    db->reset();
    fs::remove_all(dbdir);
    state.ResumeTiming();
  }
  state.counters["records"] = static_cast<double>(records);
  state.counters["records_per_s"] = benchmark::Counter(static_cast<double>(total), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ImportZip)->Unit(benchmark::kMillisecond)->Iterations(3);

long PeakRssKb() {
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

void BM_ImportLargeZip(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const fs::path zip = BenchDir() / ("large-" + std::to_string(n)) / "all.zip";
  fs::create_directories(zip.parent_path());
  uint64_t feed_bytes = 0;
  {
    ZipWriter w(zip);
    for (int i = 0; i < n; ++i) {
      std::string rec = SyntheticRecord(i);
      feed_bytes += rec.size();
      w.Add("r" + std::to_string(i) + ".json", rec);
    }
  }
  const long before = PeakRssKb();
  for (auto _ : state) {
    const fs::path dbdir = BenchDir() / ("db-large-" + std::to_string(n));
    fs::remove_all(dbdir);
    auto db = VulnDb::Open(dbdir.string());
    ImportRequest req;
    req.location = zip.string();
    auto r = RunImport(**db, req);
    if (!r.ok()) state.SkipWithError(r.status().ToString().c_str());
    db->reset();
    fs::remove_all(dbdir);
  }
  fs::remove(zip);
  state.counters["feed_MiB"] = static_cast<double>(feed_bytes) / 1048576.0;
  state.counters["peak_rss_MiB"] = static_cast<double>(PeakRssKb()) / 1024.0;
  state.counters["rss_growth_MiB"] = static_cast<double>(PeakRssKb() - before) / 1024.0;
}
BENCHMARK(BM_ImportLargeZip)->Arg(20000)->Arg(100000)->Unit(benchmark::kSecond)->Iterations(1);

struct IndexFixture {
  PackageIndex index;
  std::vector<std::pair<std::string, std::string>> keys;  // normalised (ecosystem, name)
};

IndexFixture& Index() {
  static IndexFixture* f = [] {
    auto* fx = new IndexFixture();
    int64_t records = 0;
    const fs::path zip = ImportZip(records);
    const fs::path dbdir = BenchDir() / "db-index";
    fs::remove_all(dbdir);
    auto db = VulnDb::Open(dbdir.string());
    ImportRequest req;
    req.location = zip.string();
    (void)RunImport(**db, req);
    (void)(*db)->ForEachIndexEntry([&](const std::string& e, const std::string& n, const PackageRef&) {
      if (fx->keys.empty() || fx->keys.back() != std::make_pair(e, n)) fx->keys.emplace_back(e, n);
    });
    fx->index = std::move(PackageIndex::Load(**db)).value();
    std::shuffle(fx->keys.begin(), fx->keys.end(), std::mt19937(42));
    return fx;
  }();
  return *f;
}

void BM_IndexLookupHit(benchmark::State& state) {
  IndexFixture& f = Index();
  size_t i = 0, found = 0;
  for (auto _ : state) {
    const auto& [e, n] = f.keys[i++ % f.keys.size()];
    auto refs = f.index.LookupNormalized(e, n);
    found += refs.size();
    benchmark::DoNotOptimize(refs.data());
  }
  if (found == 0) state.SkipWithError("no hits");
  state.counters["packages"] = static_cast<double>(f.index.packages());
}
BENCHMARK(BM_IndexLookupHit);

void BM_IndexLookupMiss(benchmark::State& state) {
  IndexFixture& f = Index();
  size_t i = 0;
  std::vector<std::string> misses;
  for (size_t k = 0; k < 1024; ++k) misses.push_back("github.com/nobody/pkg" + std::to_string(k));
  for (auto _ : state) {
    auto refs = f.index.LookupNormalized("Go", misses[i++ % misses.size()]);
    benchmark::DoNotOptimize(refs.data());
  }
}
BENCHMARK(BM_IndexLookupMiss);

void BM_IndexLookupNormalisingPyPI(benchmark::State& state) {
  IndexFixture& f = Index();
  for (auto _ : state) {
    auto refs = f.index.Lookup("PyPI", "Django_REST.framework");
    benchmark::DoNotOptimize(refs.data());
  }
}
BENCHMARK(BM_IndexLookupNormalisingPyPI);

struct ReadFixture {
  std::unique_ptr<VulnDb> db;
  std::vector<std::string> ids;                              // record ids, shuffled
  std::vector<std::pair<std::string, std::string>> packages;  // (ecosystem, name), shuffled
};

ReadFixture& Read() {
  static ReadFixture* f = [] {
    auto* fx = new ReadFixture();
    int64_t records = 0;
    const fs::path zip = ImportZip(records);
    const fs::path dbdir = BenchDir() / "db-read";
    fs::remove_all(dbdir);
    {
      auto db = VulnDb::Open(dbdir.string());
      ImportRequest req;
      req.location = zip.string();
      (void)RunImport(**db, req);
    }
    fx->db = std::move(VulnDb::Open(dbdir.string())).value();  // a new connection: cold cache
    (void)fx->db->ForEachIndexEntry([&](const std::string& e, const std::string& n, const PackageRef& r) {
      fx->ids.push_back(r.id);
      if (fx->packages.empty() || fx->packages.back() != std::make_pair(e, n)) fx->packages.emplace_back(e, n);
    });
    std::sort(fx->ids.begin(), fx->ids.end());
    fx->ids.erase(std::unique(fx->ids.begin(), fx->ids.end()), fx->ids.end());
    std::shuffle(fx->ids.begin(), fx->ids.end(), std::mt19937(42));
    std::shuffle(fx->packages.begin(), fx->packages.end(), std::mt19937(43));
    return fx;
  }();
  return *f;
}

void BM_RecordsFor(benchmark::State& state) {
  ReadFixture& f = Read();
  size_t i = 0, found = 0;
  for (auto _ : state) {
    auto r = f.db->RecordsFor(f.ids[i++ % f.ids.size()]);
    if (r.ok()) found += r->size();
  }
  if (found == 0) state.SkipWithError("no records found");
  state.counters["ids"] = static_cast<double>(f.ids.size());
}
BENCHMARK(BM_RecordsFor);

void BM_DbLookup(benchmark::State& state) {
  ReadFixture& f = Read();
  size_t i = 0, found = 0;
  for (auto _ : state) {
    const auto& [e, n] = f.packages[i++ % f.packages.size()];
    auto r = f.db->Lookup(e, n);
    if (r.ok()) found += r->size();
  }
  if (found == 0) state.SkipWithError("no packages found");
}
BENCHMARK(BM_DbLookup);

}  // namespace

// BENCHMARK_MAIN, plus removing the scratch directory (zips, databases) at the end.
int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::error_code ec;
  fs::remove_all(BenchDir(), ec);
  return 0;
}
