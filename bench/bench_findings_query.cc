// ListFindings latency over N synthetic findings (default 1,000,000) in a real SQLite file:
//   bench_findings_query [N] [DB_PATH]
// Findings spread over 2,000 repositories and 10 images each, severities drawn like real scans.
// Prints p50/p99 per query shape, each run 200 times, 20 results a page as the CLI asks.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "findings/query.h"
#include "findings/store.h"

using namespace surveyor;

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 1000000;
  const std::string path = argc > 2 ? argv[2] : "/tmp/surveyor-bench-findings.db";
  std::remove(path.c_str());
  std::remove((path + "-wal").c_str());
  auto db = store::Database::Open(path);
  if (!db.ok() || !findings::Migrate(**db).ok()) return 1;
  (void)(*db)->Exec("PRAGMA synchronous=OFF");
  const char* severities[] = {"CRITICAL", "HIGH", "HIGH", "MEDIUM", "MEDIUM", "MEDIUM",
                              "LOW", "LOW", "UNTRIAGED", "INFORMATIONAL"};
  std::mt19937 rng(42);
  const auto t0 = std::chrono::steady_clock::now();
  {
    store::Transaction tx(**db);
    auto stmt = (*db)->Prepare(
        "INSERT INTO findings(arn, repository, image_digest, finding_key, vulnerability_id, title, "
        "status, score_id, fix_available, exploit_available, package_manager, package_name, "
        "first_observed, last_observed, updated, fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
        "'YES', 'NO', 'OS', ?, 0, 0, 0, '')");
    auto body = (*db)->Prepare("INSERT INTO finding_bodies(id, finding) VALUES (?, ?)");
    auto score_row = (*db)->Prepare("INSERT INTO finding_scores(key, severity, severity_rank, "
                                    "inspector_score, updated) VALUES (?, ?, ?, ?, 0)");
    // Severity and score belong to the vulnerability (findings/row.h): one score row each.
    std::map<uint32_t, int64_t> score_ids;
    for (int i = 0; i < n; ++i) {
      const std::string repo = "team-" + std::to_string(i % 2000) + "/app";
      const std::string digest = "sha256:" + std::to_string((i / 2000) % 10);
      const uint32_t cve = rng() % 30000;
      const std::string vuln = "CVE-2024-" + std::to_string(cve);
      std::mt19937 vuln_rng(cve);
      const char* sev = severities[vuln_rng() % 10];
      auto [it, added] = score_ids.emplace(cve, 0);
      if (added) {
        score_row->Bind(1, "live|" + vuln).Bind(2, sev)
            .Bind(3, static_cast<int64_t>(findings::SeverityRank(sev)))
            .BindDouble(4, (vuln_rng() % 100) / 10.0);
        (void)score_row->Run();
        score_row->Reset();
        it->second = (*db)->LastInsertId();
      }
      const std::string arn = "arn:aws:inspector2:us-east-1:123456789012:finding/" +
                              std::to_string(1000000000 + i);
      const std::string pkg = "pkg" + std::to_string(rng() % 500);
      const std::string json = "{\"findingArn\":\"" + arn + "\",\"severity\":\"" + sev +
                               "\",\"title\":\"" + vuln + " - " + pkg +
                               "\",\"awsAccountId\":\"123456789012\",\"resources\":[{\"details\":"
                               "{\"awsEcrContainerImage\":{\"repositoryName\":\"" + repo +
                               "\",\"imageTags\":[\"v" + std::to_string(i % 7) + "\"]}}}]}";
      stmt->Bind(1, arn).Bind(2, repo).Bind(3, digest).Bind(4, vuln + "|" + pkg + std::to_string(i))
          .Bind(5, vuln).Bind(6, vuln + " - " + pkg).Bind(7, i % 10 == 0 ? "CLOSED" : "ACTIVE")
          .Bind(8, it->second).Bind(9, pkg);
      (void)stmt->Run();
      stmt->Reset();
      body->Bind(1, (*db)->LastInsertId()).Bind(2, json);
      (void)body->Run();
      body->Reset();
    }
    (void)tx.Commit();
  }
  (void)(*db)->Exec("ANALYZE");
  std::printf("loaded %d findings in %.1f s\n", n,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  struct Shape {
    const char* name;
    const char* criteria;
    const char* sort;
  } shapes[] = {
      {"active, by severity", R"({"findingStatus":[{"comparison":"EQUALS","value":"ACTIVE"}]})",
       "SEVERITY"},
      {"repository + active", R"({"ecrImageRepositoryName":[{"comparison":"EQUALS","value":"team-7/app"}],"findingStatus":[{"comparison":"EQUALS","value":"ACTIVE"}]})",
       "SEVERITY"},
      {"repository + tag + critical (SCENARIOS 6)", R"({"ecrImageRepositoryName":[{"comparison":"EQUALS","value":"team-7/app"}],"ecrImageTags":[{"comparison":"EQUALS","value":"v3"}],"severity":[{"comparison":"EQUALS","value":"CRITICAL"}],"findingStatus":[{"comparison":"EQUALS","value":"ACTIVE"}]})",
       "SEVERITY"},
      {"vulnerability id", R"({"vulnerabilityId":[{"comparison":"EQUALS","value":"CVE-2024-1234"}]})",
       "LAST_OBSERVED_AT"},
      {"critical, by score", R"({"severity":[{"comparison":"EQUALS","value":"CRITICAL"}],"findingStatus":[{"comparison":"EQUALS","value":"ACTIVE"}]})",
       "INSPECTOR_SCORE"},
  };
  for (const auto& shape : shapes) {
    auto criteria = findings::ParseFilterCriteria(*ParseJson(shape.criteria));
    findings::SortCriteria sort{shape.sort, true};
    std::vector<double> ms;
    std::string token;
    for (int i = 0; i < 200; ++i) {
      const auto s = std::chrono::steady_clock::now();
      auto page = findings::ListFindings(**db, *criteria, sort, 20, i % 4 == 3 ? token : "");
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s).count());
      if (!page.ok()) {
        std::printf("%s: %s\n", shape.name, page.status().ToString().c_str());
        return 1;
      }
      token = page->next_token.value_or("");
    }
    std::sort(ms.begin(), ms.end());
    std::printf("%-44s p50 %7.2f ms   p99 %7.2f ms\n", shape.name, ms[100], ms[197]);
  }
  return 0;
}
