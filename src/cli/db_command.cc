// `surveyor db`: import, update, status, show, changes and lookup over the vulnerability database
// (src/vulndb). Flag parsing and printing only.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "common/json.h"
#include "vulndb/builtin.h"
#include "vulndb/curl_fetcher.h"
#include "vulndb/db.h"
#include "vulndb/importer.h"
#include "vulndb/severity.h"
#include "vulndb/update.h"

namespace surveyor::cli {
namespace {

using namespace surveyor::vulndb;

struct DbFlags {
  std::string dir = "data/vulndb";
  std::string source;
  std::string format;
  std::vector<std::string> locations;
  std::string config = "vulndb-sources.yaml";
  std::string id;
  std::string since = "0";
  std::string ecosystem, name;
  bool json = false;
};

std::function<void(const ImportProgress&)> TtyProgress() {
  if (!::isatty(STDERR_FILENO)) return nullptr;
  return [](const ImportProgress& p) {
    std::fprintf(stderr, "\r  %llu documents, %llu records, %.1f MiB  ",
                 static_cast<unsigned long long>(p.documents),
                 static_cast<unsigned long long>(p.records), p.bytes / 1048576.0);
    std::fflush(stderr);
  };
}

void EndProgress() {
  if (::isatty(STDERR_FILENO)) std::fprintf(stderr, "\r\033[K");
}

Json SummaryJson(const ImportSummary& s) {
  Json j = {{"import_id", s.import_id}, {"source", s.source},  {"status", s.status},
            {"started", s.started},     {"finished", s.finished}, {"fingerprint", s.fingerprint},
            {"records", s.records},     {"added", s.added},     {"changed", s.changed},
            {"withdrawn", s.withdrawn}, {"removed", s.removed}, {"enriched", s.enriched},
            {"skipped", s.skipped},     {"partial_skips", s.partial_skips}};
  Json changes = Json::array();
  for (const Change& c : s.changes) {
    changes.push_back({{"kind", c.kind}, {"source", c.source}, {"key", c.key}, {"id", c.id}});
  }
  j["changes"] = changes;
  Json packages = Json::array();
  for (const auto& [eco, name] : s.packages) packages.push_back({{"ecosystem", eco}, {"name", name}});
  j["packages"] = packages;
  j["packages_touched"] = s.packages_touched;
  if (s.truncated) j["truncated"] = true;  // the lists hold the first entries only
  return j;
}

int PrintError(const Status& s) {
  std::cerr << "surveyor db: " << s.ToString() << "\n";
  return 1;
}

void PrintImport(const ImportResult& r) {
  const ImportSummary& s = r.summary;
  if (r.unchanged) {
    std::cout << s.source << ": unchanged\n";
    return;
  }
  std::cout << s.source << ": " << s.records << " records (";
  bool first = true;
  for (const auto& [format, n] : r.records_by_format) {
    std::cout << (first ? "" : ", ") << format << " " << n;
    first = false;
  }
  std::cout << "), +" << s.added << " added, " << s.changed << " changed, " << s.withdrawn
            << " withdrawn, " << s.removed << " removed, " << s.enriched << " enriched, "
            << s.skipped << " skipped, " << s.partial_skips << " partially skipped, "
            << s.packages_touched << " packages touched, import #" << s.import_id << "\n";
  size_t shown = 0;
  for (const Skip& k : s.skips) {
    if (shown++ == 10) {
      std::cout << "  … see `surveyor db changes --json` for the rest\n";
      break;
    }
    std::cout << "  skipped " << (k.partial ? "(part of) " : "") << k.record << ": " << k.reason << "\n";
  }
}

int RunImportCommand(const DbFlags& f) {
  auto db = VulnDb::Open(f.dir);
  if (!db.ok()) return PrintError(db.status());
  std::optional<FeedFormat> format;
  if (!f.format.empty()) {
    format = ParseFeedFormatName(f.format);
    if (!format) return PrintError(InvalidArgument("unknown format " + f.format));
  }
  CurlFetcher fetcher;
  int rc = 0;
  // With --source, every location is one part of that source's feed (e.g. NVD page files):
  // one import. Without, each location is its own source.
  std::vector<std::vector<std::string>> imports;
  if (!f.source.empty()) {
    imports.push_back(f.locations);
  } else {
    for (const std::string& loc : f.locations) imports.push_back({loc});
  }
  for (const std::vector<std::string>& locs : imports) {
    const std::string& loc = locs.front();
    ImportRequest req;
    req.location = loc;
    req.more_locations.assign(locs.begin() + 1, locs.end());
    req.source = f.source;
    req.format = format;
    req.fetcher = &fetcher;
    req.progress = TtyProgress();
    auto r = RunImport(**db, req);
    EndProgress();
    if (!r.ok()) {
      std::cerr << "surveyor db: import of " << loc << " failed, nothing changed: "
                << r.status().ToString() << "\n";
      rc = 1;
      continue;
    }
    if (f.json) {
      std::cout << DumpJson(SummaryJson(r->summary)) << "\n";
    } else {
      PrintImport(*r);
    }
  }
  return rc;
}

int RunUpdateCommand(const DbFlags& f) {
  std::ifstream in(f.config);
  if (!in) return PrintError(NotFound("cannot read config " + f.config));
  std::stringstream ss;
  ss << in.rdbuf();
  auto sources = ParseUpdateConfig(ss.str());
  if (!sources.ok()) return PrintError(sources.status());
  auto db = VulnDb::Open(f.dir);
  if (!db.ok()) return PrintError(db.status());
  CurlFetcher fetcher;
  int rc = 0;
  for (const UpdateOutcome& o : RunUpdate(**db, *sources, &fetcher, TtyProgress())) {
    EndProgress();
    if (!o.status.ok()) {
      std::cerr << o.source << ": failed, old data kept: " << o.status.ToString() << "\n";
      rc = 1;
    } else {
      PrintImport(o.result);
    }
  }
  return rc;
}

int RunStatusCommand(const DbFlags& f) {
  auto db = VulnDb::Open(f.dir);
  if (!db.ok()) return PrintError(db.status());
  auto sources = (*db)->Sources();
  if (!sources.ok()) return PrintError(sources.status());
  if (f.json) {
    Json list = Json::array();
    for (const SourceStatus& s : *sources) {
      list.push_back({{"name", s.name}, {"format", s.format}, {"location", s.location},
                      {"records", s.records}, {"skipped", s.skipped},
                      {"last_update", s.last_update}, {"fingerprint", s.fingerprint},
                      {"etag", s.etag}, {"last_modified", s.last_modified},
                      {"last_import_id", s.last_import_id}});
    }
    std::cout << DumpJson(Json{{"database", (*db)->path()}, {"sources", list}}, 2) << "\n";
    return 0;
  }
  std::cout << "database " << (*db)->path() << "\n";
  for (const SourceStatus& s : *sources) {
    std::cout << s.name << "\t" << s.records << " records\t" << s.skipped << " skipped\t"
              << s.format << "\tupdated " << s.last_update << "\t" << s.fingerprint << "\n";
  }
  return 0;
}

int RunShowCommand(const DbFlags& f) {
  auto db = VulnDb::Open(f.dir);
  if (!db.ok()) return PrintError(db.status());
  auto a = (*db)->Show(f.id);
  if (!a.ok()) return PrintError(a.status());
  Json j = ToJson(*a);
  const ScoreSummary score = DeriveSeverity(*a);
  j["severity_derived"] = std::string(SeverityName(score.severity));
  j["severity_basis"] = score.basis;
  if (score.inspector_score) j["inspectorScore"] = *score.inspector_score;
  j["exploitAvailable"] = a->kev ? "YES" : "NO";
  std::cout << DumpJson(j, 2) << "\n";
  return 0;
}

int RunChangesCommand(const DbFlags& f) {
  auto db = VulnDb::Open(f.dir);
  if (!db.ok()) return PrintError(db.status());
  auto changes = (*db)->ChangesSince(f.since);
  if (!changes.ok()) return PrintError(changes.status());
  if (f.json) {
    Json list = Json::array();
    for (const ImportSummary& s : *changes) list.push_back(SummaryJson(s));
    std::cout << DumpJson(list, 2) << "\n";
    return 0;
  }
  for (const ImportSummary& s : *changes) {
    std::cout << "import #" << s.import_id << " " << s.source << " " << s.finished << " "
              << s.status << ": +" << s.added << " ~" << s.changed << " withdrawn " << s.withdrawn
              << " removed " << s.removed << " enriched " << s.enriched << ", "
              << s.packages_touched << " packages\n";
    for (const Change& c : s.changes) std::cout << "  " << c.kind << " " << c.id << " (" << c.key << ")\n";
    for (const auto& [eco, name] : s.packages) std::cout << "  package " << eco << " " << name << "\n";
  }
  return 0;
}

int RunLookupCommand(const DbFlags& f) {
  auto db = VulnDb::Open(f.dir);
  if (!db.ok()) return PrintError(db.status());
  auto refs = (*db)->Lookup(f.ecosystem, f.name);
  if (!refs.ok()) return PrintError(refs.status());
  for (const PackageRef& r : *refs) std::cout << r.id << "\t" << r.source << "\t" << r.key << "\n";
  return 0;
}

}  // namespace

void RegisterDbCommand(CLI::App& app, CommandContext& ctx) {
  auto flags = std::make_shared<DbFlags>();
  CLI::App* db = app.add_subcommand("db", "Vulnerability database: import, update, inspect");
  db->require_subcommand(1);
  // --db is accepted before the subcommand (`db --db X import`) and after it (`db import --db X`).
  const char* kDbHelp = "Database directory (default: ./data/vulndb)";
  db->add_option("--db", flags->dir, kDbHelp);
  auto with_db = [&](CLI::App* sub) { sub->add_option("--db", flags->dir, kDbHelp); };

  CLI::App* imp = db->add_subcommand("import", "Import advisories from paths, zips or URLs");
  imp->add_option("locations", flags->locations, "Directory, file, zip or http(s) URL")->required();
  imp->add_option("--source", flags->source, "Source name (default: from each path); with several locations, they form one import of this source");
  imp->add_option("--format", flags->format,
                  "Force the format: osv, osv-yaml, debian, alpine, rubysec, friendsofphp, nodejs, nvd, epss, kev");
  imp->add_flag("--json", flags->json, "Print the import summaries as JSON");
  with_db(imp);
  imp->callback([flags, &ctx] { ctx.exit_code = RunImportCommand(*flags); });

  CLI::App* upd = db->add_subcommand("update", "Update every source listed in the config file");
  upd->add_option("--config", flags->config, "Sources config (YAML/JSON; default vulndb-sources.yaml)");
  with_db(upd);
  upd->callback([flags, &ctx] { ctx.exit_code = RunUpdateCommand(*flags); });

  CLI::App* st = db->add_subcommand("status", "Per source: record count, last update, fingerprint");
  st->add_flag("--json", flags->json, "JSON output");
  with_db(st);
  st->callback([flags, &ctx] { ctx.exit_code = RunStatusCommand(*flags); });

  CLI::App* show = db->add_subcommand("show", "The merged record of a vulnerability");
  show->add_option("id", flags->id, "CVE, GHSA, PYSEC, GO, RUSTSEC, DSA … id or alias")->required();
  with_db(show);
  show->callback([flags, &ctx] { ctx.exit_code = RunShowCommand(*flags); });

  CLI::App* ch = db->add_subcommand("changes", "Import diffs after an import id or time");
  ch->add_option("--since", flags->since, "Import id, or RFC 3339 time (default: 0 = all)");
  ch->add_flag("--json", flags->json, "JSON output");
  with_db(ch);
  ch->callback([flags, &ctx] { ctx.exit_code = RunChangesCommand(*flags); });

  CLI::App* lk = db->add_subcommand("lookup", "Package index lookup by ecosystem and name");
  lk->add_option("ecosystem", flags->ecosystem)->required();
  lk->add_option("name", flags->name)->required();
  with_db(lk);
  lk->callback([flags, &ctx] { ctx.exit_code = RunLookupCommand(*flags); });
}

}  // namespace surveyor::cli
