// `surveyor scan IMAGE`: the standalone CI scanner. Analyses an OCI layout, oci-archive,
// docker-archive or remote registry image (docker://), matches it against a local vulnerability
// database (filled by `surveyor db import|update`), prints the findings, and exits with --exit-code when findings at the chosen
// severities remain. Needs no server. Exit codes: 0 clean (or findings without --exit-code),
// N (--exit-code) findings found, 1 the scan failed (the reason is printed), 2 usage errors.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "analyze/builtin.h"
#include "analyze/image_analysis.h"
#include "cli/commands.h"
#include "cli/remote_flags.h"
#include "common/fs.h"
#include "common/json.h"
#include "image/image.h"
#include "match/advisory_source.h"
#include "match/matcher.h"
#include "report/scan_report.h"

namespace surveyor::cli {
namespace {

struct ScanFlags {
  std::string image;
  std::string db_dir = "data/vulndb";
  std::string cache_dir;
  std::string severity;  // "CRITICAL,HIGH"; empty = all
  bool ignore_unfixed = false;
  int exit_code = 0;
  std::string format = "table";
  std::string output;
  std::string platform = "linux/amd64";
  // docker:// inputs
  RemoteFlags remote;
  bool os_only = false;
  bool skip_dev = false;
};

// Progress goes to a terminal only; piped output stays clean.
void Progress(const std::string& message) {
  static const bool tty = ::isatty(STDERR_FILENO) == 1;
  if (tty) std::cerr << "\r\033[K" << message << std::flush;
}
void ProgressDone() {
  static const bool tty = ::isatty(STDERR_FILENO) == 1;
  if (tty) std::cerr << "\r\033[K" << std::flush;
}

Result<std::set<vulndb::Severity>> ParseSeverities(const std::string& list) {
  std::set<vulndb::Severity> out;
  std::stringstream ss(list);
  std::string item;
  while (std::getline(ss, item, ',')) {
    for (auto& c : item) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    auto s = vulndb::ParseSeverityName(item);
    if (!s) {
      return InvalidArgument("--severity: unknown severity '" + item +
                             "' (use CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL, UNTRIAGED)");
    }
    out.insert(*s);
  }
  return out;
}

// One report for several images (`--platform all`): tables are concatenated, JSON-like documents
// become a JSON array, and SARIF documents merge into one run (GitHub code scanning refuses
// several runs of one tool in one upload): rules are united by id, results re-indexed.
Result<std::string> CombineReports(const std::vector<std::string>& docs, report::ScanFormat format) {
  if (docs.size() == 1 || format == report::ScanFormat::kTable) {
    std::string out;
    for (const auto& d : docs) out += d;
    return out;
  }
  if (format != report::ScanFormat::kSarif) {
    std::string out = "[\n";
    for (size_t i = 0; i < docs.size(); ++i) out += (i ? ",\n" : "") + docs[i];
    return out + "]\n";
  }
  Json merged;
  std::map<std::string, size_t> index;  // rule id -> position in the merged rules
  for (size_t i = 0; i < docs.size(); ++i) {
    ASSIGN_OR_RETURN(Json doc, ParseJson(docs[i]));
    Json& run = doc["runs"][0];
    Json& driver = run["tool"]["driver"];
    if (i == 0) {
      merged = doc;
      for (size_t r = 0; r < driver["rules"].size(); ++r) index[driver["rules"][r]["id"].get<std::string>()] = r;
      continue;
    }
    Json& into = merged["runs"][0];
    Json& rules = into["tool"]["driver"]["rules"];
    for (auto& rule : driver["rules"]) {
      const std::string id = rule["id"].get<std::string>();
      if (index.count(id)) continue;
      index[id] = rules.size();
      rules.push_back(rule);
    }
    for (auto& result : run["results"]) {
      result["ruleIndex"] = index[result["ruleId"].get<std::string>()];
      into["results"].push_back(result);
    }
  }
  return DumpJson(merged, 2) + "\n";
}

int RunScan(ScanFlags& flags) {
  report::ScanFormat format;
  if (!report::ParseScanFormat(flags.format, format)) {
    std::cerr << "surveyor scan: unknown --format " << flags.format
              << " (table, json, sarif, cyclonedx, spdx)\n";
    return 2;
  }
  std::set<vulndb::Severity> severities;
  if (!flags.severity.empty()) {
    auto parsed = ParseSeverities(flags.severity);
    if (!parsed.ok()) {
      std::cerr << "surveyor scan: " << parsed.status().message() << "\n";
      return 2;
    }
    severities = *parsed;
  }
  if (!PosixFileSystem::Default().Exists(JoinPath(flags.db_dir, "vulndb.sqlite"))) {
    std::cerr << "surveyor scan: no vulnerability database in " << flags.db_dir
              << "; fill one with `surveyor db import --db " << flags.db_dir
              << " DIR` or `surveyor db update`, or point --db at one\n";
    return 1;
  }
  auto db = vulndb::VulnDb::Open(flags.db_dir);
  if (!db.ok()) {
    std::cerr << "surveyor scan: " << db.status().message() << "\n";
    return 1;
  }
  Progress("loading the vulnerability database");
  auto source = match::VulnDbSource::Open(std::move(*db));
  if (!source.ok()) {
    ProgressDone();
    std::cerr << "surveyor scan: " << source.status().message() << "\n";
    return 1;
  }
  Progress("opening " + flags.image);
  image::OpenOptions open;
  open.platform = flags.platform;
  if (auto problem = PrepareRemoteCredentials(flags.remote)) {
    std::cerr << "surveyor scan: " << *problem << "\n";
    return 2;
  }
  open.remote = flags.remote.remote;
  auto images = image::OpenImage(flags.image, open);
  if (!images.ok()) {
    ProgressDone();
    std::cerr << "surveyor scan: " << flags.image << ": " << images.status().message() << "\n";
    return 1;
  }
  auto owned = analyze::BuiltinAnalyzers();
  std::vector<const analyze::Analyzer*> analyzers;
  for (const auto& a : owned) analyzers.push_back(a.get());
  std::unique_ptr<analyze::LayerCache> cache;
  if (!flags.cache_dir.empty()) {
    cache = std::make_unique<analyze::DirectoryLayerCache>(flags.cache_dir);
  }
  std::string out;
  std::vector<std::string> docs;
  bool found = false;
  for (size_t i = 0; i < images->size(); ++i) {
    Progress("analysing " + flags.image + " (" + std::to_string((*images)[i]->info().layers.size()) +
             " layers)");
    auto analysis = analyze::AnalyzeImage(*(*images)[i], analyzers, cache.get());
    if (!analysis.ok()) {
      ProgressDone();
      std::cerr << "surveyor scan: " << flags.image << ": " << analysis.status().message() << "\n";
      return 1;
    }
    Progress("matching " + std::to_string(analysis->inventory.packages.size()) + " packages");
    match::MatchOptions options;
    options.os_only = flags.os_only;
    options.include_dev = !flags.skip_dev;
    auto matched = match::MatchInventory(analysis->inventory, **source, options);
    ProgressDone();
    if (!matched.ok()) {
      std::cerr << "surveyor scan: " << matched.status().message() << "\n";
      return 1;
    }
    std::vector<const match::Match*> shown;
    for (const auto& m : matched->matches) {
      if (!severities.empty() && !severities.count(m.score.severity)) continue;
      if (flags.ignore_unfixed && m.fixed_versions.empty()) continue;
      shown.push_back(&m);
    }
    found = found || !shown.empty();
    docs.push_back(report::RenderScan(*analysis, shown, format));
  }
  auto combined = CombineReports(docs, format);
  if (!combined.ok()) {
    std::cerr << "surveyor scan: " << combined.status().message() << "\n";
    return 1;
  }
  out = std::move(*combined);
  if (flags.output.empty() || flags.output == "-") {
    std::fwrite(out.data(), 1, out.size(), stdout);
  } else if (Status st = PosixFileSystem::Default().WriteFileAtomic(flags.output, out); !st.ok()) {
    std::cerr << "surveyor scan: writing " << flags.output << ": " << st.message() << "\n";
    return 1;
  }
  return found ? flags.exit_code : 0;
}

}  // namespace

void RegisterScanCommand(CLI::App& app, CommandContext& ctx) {
  auto flags = std::make_shared<ScanFlags>();
  CLI::App* cmd = app.add_subcommand("scan", "Scan an image for vulnerabilities, without a server");
  cmd->add_option("image", flags->image,
                  "oci:DIR[:TAG], oci-archive:FILE, docker-archive:FILE, docker://HOST/REPO[:TAG|@DIGEST], or a path")
      ->required();
  cmd->add_option("--db", flags->db_dir, "vulnerability database directory (default data/vulndb)");
  cmd->add_option("--cache", flags->cache_dir, "per-layer analysis cache directory");
  cmd->add_option("--severity", flags->severity, "report only these, e.g. CRITICAL,HIGH");
  cmd->add_flag("--ignore-unfixed", flags->ignore_unfixed, "skip findings with no fixed version");
  cmd->add_option("--exit-code", flags->exit_code, "exit with this code when findings remain");
  cmd->add_option("--format", flags->format, "table, json, sarif, cyclonedx or spdx");
  cmd->add_option("--output", flags->output, "write the report to this file");
  cmd->add_option("--platform", flags->platform, "os/arch of a multi-arch image, or all");
  cmd->add_flag("--os-only", flags->os_only, "OS packages only (BASIC scanning)");
  cmd->add_flag("--skip-dev", flags->skip_dev, "ignore development-only dependencies");
  AddRemoteFlags(*cmd, flags->remote);
  cmd->callback([flags, &ctx] { ctx.exit_code = RunScan(*flags); });
}

}  // namespace surveyor::cli
