// URL imports against a loopback HTTP server started by the test (python3 http.server on
// 127.0.0.1, port chosen by the kernel): conditional GET (If-Modified-Since → 304 "unchanged"),
// a changed feed, a 404 and a refused connection (both fail cleanly, old data intact), and
// `db update` with a local mirror.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "vulndb/curl_fetcher.h"
#include "vulndb/db.h"
#include "vulndb/importer.h"
#include "vulndb/update.h"

namespace surveyor::vulndb {
namespace {

namespace fs = std::filesystem;

class LoopbackServer {
 public:
  explicit LoopbackServer(const fs::path& root) {
    const fs::path port_file = root.parent_path() / "port";
    fs::remove(port_file);
    pid_ = fork();
    if (pid_ == 0) {
      const char* script =
          "import http.server,sys,os\n"
          "os.chdir(sys.argv[1])\n"
          "class H(http.server.SimpleHTTPRequestHandler):\n"
          "  def log_message(self,*a): pass\n"
          "s=http.server.ThreadingHTTPServer(('127.0.0.1',0),H)\n"
          "open(sys.argv[2]+'.tmp','w').write(str(s.server_address[1]))\n"
          "os.rename(sys.argv[2]+'.tmp',sys.argv[2])\n"
          "s.serve_forever()\n";
      execlp("python3", "python3", "-c", script, root.c_str(), port_file.c_str(), nullptr);
      _exit(127);
    }
    for (int i = 0; i < 100 && !fs::exists(port_file); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::ifstream(port_file) >> port_;
  }
  ~LoopbackServer() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }
  int port() const { return port_; }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/" + path;
  }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

std::string Kev(const std::vector<std::string>& cves) {
  std::string out = R"({"catalogVersion":"1","vulnerabilities":[)";
  for (size_t i = 0; i < cves.size(); ++i) {
    out += (i ? "," : "") + std::string(R"({"cveID":")") + cves[i] + R"(","dateAdded":"2024-01-01"})";
  }
  return out + "]}";
}

TEST(FetchTest, ConditionalGetChangeAndFailures) {
  const fs::path dir = fs::temp_directory_path() / ("vulndb-fetch-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "www");
  const fs::path feed = dir / "www/kev.json";
  std::ofstream(feed) << Kev({"CVE-2024-0001", "CVE-2024-0002"});
  {
    LoopbackServer server(dir / "www");
    ASSERT_GT(server.port(), 0) << "loopback server did not start";
    auto db = VulnDb::Open((dir / "db").string());
    ASSERT_TRUE(db.ok());
    CurlFetcher fetcher;
    ImportRequest req;
    req.location = server.Url("kev.json");
    req.source = "kev";
    req.fetcher = &fetcher;
    auto first = RunImport(**db, req);
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    EXPECT_EQ(first->summary.records, 2);
    auto src = (*db)->GetSource("kev");
    ASSERT_TRUE(src.ok() && src->has_value());
    EXPECT_FALSE((*src)->last_modified.empty());  // the server's Last-Modified was kept

    auto second = RunImport(**db, req);
    ASSERT_TRUE(second.ok()) << second.status().ToString();
    EXPECT_TRUE(second->unchanged);  // 304 Not Modified

    std::ofstream(feed) << Kev({"CVE-2024-0001", "CVE-2024-0003"});
    fs::last_write_time(feed, fs::last_write_time(feed) + std::chrono::hours(1));
    auto third = RunImport(**db, req);
    ASSERT_TRUE(third.ok()) << third.status().ToString();
    EXPECT_FALSE(third->unchanged);
    EXPECT_EQ(third->summary.enriched, 2);  // CVE-2024-0003 in, CVE-2024-0002 out
    ASSERT_EQ(third->summary.changes.size(), 2u);
    EXPECT_EQ(third->summary.changes[0].kind, "enriched");
    EXPECT_EQ(third->summary.changes[0].id, "CVE-2024-0003");
    EXPECT_EQ(third->summary.changes[1].kind, "unenriched");
    EXPECT_EQ(third->summary.changes[1].id, "CVE-2024-0002");
    EXPECT_EQ((*(*db)->GetSource("kev"))->records, 2);

    ImportRequest missing = req;
    missing.location = server.Url("nope.json");
    auto gone = RunImport(**db, missing);
    ASSERT_FALSE(gone.ok());
    EXPECT_EQ(gone.status().code(), StatusCode::kNotFound) << gone.status().ToString();
    EXPECT_EQ((*(*db)->GetSource("kev"))->records, 2);
    auto e = (*db)->EnrichmentFor("CVE-2024-0003");
    ASSERT_TRUE(e.ok());
    EXPECT_TRUE(e->kev);
  }
  // The server is gone: connection refused → Unavailable, nothing changes.
  {
    auto db = VulnDb::Open((dir / "db").string());
    ASSERT_TRUE(db.ok());
    CurlFetcher fetcher;
    ImportRequest req;
    req.location = "http://127.0.0.1:9/kev.json";
    req.source = "kev";
    req.fetcher = &fetcher;
    auto r = RunImport(**db, req);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kUnavailable) << r.status().ToString();
    EXPECT_EQ((*(*db)->GetSource("kev"))->records, 2);
  }
  fs::remove_all(dir);
}

TEST(UpdateTest, ConfigAndMirror) {
  const fs::path dir = fs::temp_directory_path() / ("vulndb-update-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "mirror");
  std::ofstream(dir / "mirror/known_exploited_vulnerabilities.json") << Kev({"CVE-2024-0009"});
  const std::string config = "sources:\n"
                             "  - name: kev\n"
                             "    url: http://127.0.0.1:9/unreachable.json\n"
                             "    mirror: " + (dir / "mirror").string() + "\n"
                             "  - name: broken\n"
                             "    url: http://127.0.0.1:9/unreachable.json\n";
  auto sources = ParseUpdateConfig(config);
  ASSERT_TRUE(sources.ok()) << sources.status().ToString();
  ASSERT_EQ(sources->size(), 2u);
  auto db = VulnDb::Open((dir / "db").string());
  ASSERT_TRUE(db.ok());
  CurlFetcher fetcher;
  auto outcomes = RunUpdate(**db, *sources, &fetcher, nullptr);
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_TRUE(outcomes[0].status.ok()) << outcomes[0].status.ToString();  // served by the mirror
  EXPECT_EQ(outcomes[0].result.summary.records, 1);
  EXPECT_FALSE(outcomes[1].status.ok());
  EXPECT_FALSE(ParseUpdateConfig("sources:\n  - url: x\n").ok());
  EXPECT_FALSE(ParseUpdateConfig("sources:\n  - name: a\n    url: x\n    format: nope\n").ok());
  fs::remove_all(dir);
}

}  // namespace
}  // namespace surveyor::vulndb
