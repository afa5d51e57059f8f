// `surveyor findings list|aggregate` and `surveyor wait`: findings of the images a server on this
// machine scanned, read from its data directory (SQLite in WAL mode reads alongside the server).
//   surveyor wait REPO:TAG --fail-on HIGH [--timeout 300]   the one-command CI gate: waits for the
//   scan to COMPLETE, exits 0 when no ACTIVE finding is at or above the threshold, 3 when some
//   are, 4 when the scan FAILED, 5 on timeout.
#include <unistd.h>

#include <iostream>
#include <thread>

#include "cli/commands.h"
#include "cli/storage.h"
#include "common/json.h"
#include "findings/store.h"
#include "registry/registry.h"
#include "scan/service.h"

namespace surveyor::cli {
namespace {

struct FindingsFlags {
  std::string data_dir = "data";
  std::string repository;
  std::string severity;
  std::string status = "ACTIVE";
  bool json = false;
  std::string by = "repository";
  // wait
  std::string image;
  std::string fail_on = "CRITICAL";
  uint64_t timeout_seconds = 300;
};

int RunList(const FindingsFlags& f) {
  auto storage = OpenStorage(f.data_dir);
  if (!storage.ok()) {
    std::cerr << "surveyor findings: " << storage.status().message() << "\n";
    return 2;
  }
  store::Database& db = *storage->db;
  auto lock = db.Lock();
  auto stmt = db.Prepare(
      "SELECT finding, repository, vulnerability_id, severity, status, package_name, "
      "fix_available FROM findings WHERE (?1 = '' OR repository = ?1) AND (?2 = '' OR "
      "severity = ?2) AND (?3 = '' OR status = ?3) ORDER BY severity_rank DESC, repository, "
      "vulnerability_id, id");
  if (!stmt.ok()) {
    std::cerr << "surveyor findings: " << stmt.status().message() << "\n";
    return 2;
  }
  stmt->Bind(1, f.repository).Bind(2, f.severity).Bind(3, f.status == "ALL" ? "" : f.status);
  Json all = Json::array();
  for (;;) {
    auto row = stmt->Step();
    if (!row.ok() || !*row) break;
    if (f.json) {
      auto j = ParseJson(stmt->ColumnText(0));
      if (j.ok()) all.push_back(std::move(*j));
    } else {
      std::printf("%-28s %-20s %-10s %-8s %-28s fix:%s\n", stmt->ColumnText(1).c_str(),
                  stmt->ColumnText(2).c_str(), stmt->ColumnText(3).c_str(),
                  stmt->ColumnText(4).c_str(), stmt->ColumnText(5).c_str(),
                  stmt->ColumnText(6).c_str());
    }
  }
  if (f.json) std::cout << DumpJson(Json{{"findings", all}}, 2) << "\n";
  return 0;
}

int RunAggregate(const FindingsFlags& f) {
  auto storage = OpenStorage(f.data_dir);
  if (!storage.ok()) {
    std::cerr << "surveyor findings: " << storage.status().message() << "\n";
    return 2;
  }
  const std::string column = f.by == "package"         ? "package_name"
                             : f.by == "vulnerability" ? "vulnerability_id"
                             : f.by == "image"         ? "repository || '@' || image_digest"
                                                       : "repository";
  if (f.by != "package" && f.by != "vulnerability" && f.by != "image" && f.by != "repository") {
    std::cerr << "surveyor findings aggregate: --by must be repository, image, package or "
                 "vulnerability\n";
    return 2;
  }
  store::Database& db = *storage->db;
  auto lock = db.Lock();
  auto stmt = db.Prepare("SELECT " + column +
                         ", sum(severity = 'CRITICAL'), sum(severity = 'HIGH'), "
                         "sum(severity = 'MEDIUM'), sum(severity = 'LOW'), count(*) FROM findings "
                         "WHERE status = 'ACTIVE' GROUP BY 1 ORDER BY 2 DESC, 3 DESC, 6 DESC, 1");
  if (!stmt.ok()) {
    std::cerr << "surveyor findings: " << stmt.status().message() << "\n";
    return 2;
  }
  Json rows = Json::array();
  for (;;) {
    auto row = stmt->Step();
    if (!row.ok() || !*row) break;
    rows.push_back({{f.by, stmt->ColumnText(0)},
                    {"severityCounts",
                     {{"critical", stmt->ColumnInt(1)}, {"high", stmt->ColumnInt(2)},
                      {"medium", stmt->ColumnInt(3)}, {"low", stmt->ColumnInt(4)},
                      {"all", stmt->ColumnInt(5)}}}});
  }
  if (f.json) {
    std::cout << DumpJson(Json{{"responses", rows}}, 2) << "\n";
  } else {
    std::printf("%-48s %8s %8s %8s %8s %8s\n", f.by.c_str(), "CRITICAL", "HIGH", "MEDIUM", "LOW",
                "ALL");
    for (const auto& r : rows) {
      const auto& c = r["severityCounts"];
      std::printf("%-48s %8lld %8lld %8lld %8lld %8lld\n", r[f.by].get<std::string>().c_str(),
                  c["critical"].get<long long>(), c["high"].get<long long>(),
                  c["medium"].get<long long>(), c["low"].get<long long>(),
                  c["all"].get<long long>());
    }
  }
  return 0;
}

int RunWait(const FindingsFlags& f) {
  const size_t at = f.image.find('@');
  const size_t colon = f.image.rfind(':');
  std::string repository, reference;
  if (at != std::string::npos) {
    repository = f.image.substr(0, at);
    reference = f.image.substr(at + 1);
  } else if (colon != std::string::npos && f.image.find('/', colon) == std::string::npos) {
    repository = f.image.substr(0, colon);
    reference = f.image.substr(colon + 1);
  } else {
    std::cerr << "surveyor wait: give the image as REPOSITORY:TAG or REPOSITORY@DIGEST\n";
    return 2;
  }
  const int threshold = findings::SeverityRank(f.fail_on);
  if (threshold == 0 && f.fail_on != "UNTRIAGED") {
    std::cerr << "surveyor wait: --fail-on must be CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL or "
                 "UNTRIAGED\n";
    return 2;
  }
  auto storage = OpenStorage(f.data_dir);
  if (!storage.ok()) {
    std::cerr << "surveyor wait: " << storage.status().message() << "\n";
    return 2;
  }
  registry::Registry registry(*storage->db, *storage->blobs, SystemClock::Default(), {});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(f.timeout_seconds);
  const bool tty = ::isatty(STDERR_FILENO) == 1;
  for (;;) {
    auto manifest = registry.GetManifest(repository, reference, false);
    if (manifest.ok()) {
      const std::string digest = manifest->digest.ToString();
      store::Database& db = *storage->db;
      std::string status, description;
      {
        auto lock = db.Lock();
        auto stmt = db.Prepare("SELECT status, description FROM scan_images WHERE repository = ? "
                               "AND digest = ?");
        if (stmt.ok()) {
          stmt->Bind(1, repository).Bind(2, digest);
          auto row = stmt->Step();
          if (row.ok() && *row) {
            status = stmt->ColumnText(0);
            description = stmt->ColumnText(1);
          }
        }
      }
      if (status == "FAILED" || status == "UNSUPPORTED_IMAGE") {
        std::cerr << "surveyor wait: scan " << status << ": " << description << "\n";
        return 4;
      }
      if (status == "COMPLETE") {
        auto all = findings::ImageFindings(db, repository, digest, false);
        if (!all.ok()) {
          std::cerr << "surveyor wait: " << all.status().message() << "\n";
          return 2;
        }
        int failing = 0;
        for (const auto& j : *all) {
          if (j.value("status", "") != "ACTIVE") continue;
          if (findings::SeverityRank(j.value("severity", "")) >= threshold) {
            ++failing;
            std::cout << j.value("severity", "") << " " << j.value("title", "") << "\n";
          }
        }
        std::cout << repository << "@" << digest << ": " << failing << " active findings at or above "
                  << f.fail_on << "\n";
        return failing > 0 ? 3 : 0;
      }
      if (tty) std::cerr << "\r\033[Kwaiting for the scan of " << f.image << " (" << (status.empty() ? "PENDING" : status) << ")" << std::flush;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      if (tty) std::cerr << "\n";
      std::cerr << "surveyor wait: timed out after " << f.timeout_seconds << " s waiting for "
                << f.image << (manifest.ok() ? "'s scan" : " to be pushed") << "\n";
      return 5;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
}

}  // namespace

void RegisterFindingsCommand(CLI::App& app, CommandContext& ctx) {
  auto flags = std::make_shared<FindingsFlags>();
  CLI::App* cmd = app.add_subcommand("findings", "List and aggregate the findings of scanned images");
  cmd->require_subcommand(1);
  CLI::App* list = cmd->add_subcommand("list", "List findings, most severe first");
  list->add_option("--data", flags->data_dir, "the server's data directory (default ./data)");
  list->add_option("--repository", flags->repository, "only this repository");
  list->add_option("--severity", flags->severity, "only this severity");
  list->add_option("--status", flags->status, "ACTIVE (default), SUPPRESSED, CLOSED or ALL");
  list->add_flag("--json", flags->json, "Inspector-shaped JSON");
  list->callback([flags, &ctx] { ctx.exit_code = RunList(*flags); });
  CLI::App* agg = cmd->add_subcommand("aggregate", "Count active findings by severity");
  agg->add_option("--data", flags->data_dir, "the server's data directory (default ./data)");
  agg->add_option("--by", flags->by, "repository (default), image, package or vulnerability");
  agg->add_flag("--json", flags->json, "JSON output");
  agg->callback([flags, &ctx] { ctx.exit_code = RunAggregate(*flags); });

  CLI::App* wait = app.add_subcommand("wait", "Wait for an image's scan; fail on severe findings");
  wait->add_option("image", flags->image, "REPOSITORY:TAG or REPOSITORY@DIGEST")->required();
  wait->add_option("--data", flags->data_dir, "the server's data directory (default ./data)");
  wait->add_option("--fail-on", flags->fail_on, "lowest severity that fails (default CRITICAL)");
  wait->add_option("--timeout", flags->timeout_seconds, "seconds to wait (default 300)");
  wait->callback([flags, &ctx] { ctx.exit_code = RunWait(*flags); });
}

}  // namespace surveyor::cli
