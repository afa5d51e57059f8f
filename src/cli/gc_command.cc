// `surveyor gc`: garbage-collects the registry's blob store, online (a server may be running on
// the same data directory).
#include <iostream>

#include "cli/commands.h"
#include "cli/storage.h"
#include "common/json.h"
#include "registry/gc.h"

namespace surveyor::cli {
namespace {

struct GcFlags {
  std::string data_dir = "data";
  bool dry_run = false;
  uint64_t grace_seconds = 3600;
  bool json = false;
};

int RunGc(const GcFlags& flags) {
  auto storage = OpenStorage(flags.data_dir);
  if (!storage.ok()) {
    std::cerr << "surveyor gc: " << storage.status().message() << "\n";
    return 1;
  }
  registry::GcOptions options;
  options.dry_run = flags.dry_run;
  options.grace = std::chrono::seconds(flags.grace_seconds);
  auto report = registry::CollectGarbage(*storage->db, *storage->blobs, SystemClock::Default(),
                                         options);
  if (!report.ok()) {
    std::cerr << "surveyor gc: " << report.status().message() << "\n";
    return 1;
  }
  if (flags.json) {
    std::cout << DumpJson(Json{{"dryRun", flags.dry_run},
                               {"linksRemoved", report->links_removed},
                               {"blobsDeleted", report->blobs_deleted},
                               {"bytesReclaimed", report->bytes_reclaimed},
                               {"orphanFilesDeleted", report->orphan_files_deleted},
                               {"trashRecovered", report->trash_recovered},
                               {"deleted", report->deleted}},
                          2)
              << "\n";
  } else {
    std::cout << (flags.dry_run ? "would delete " : "deleted ") << report->blobs_deleted
              << " blobs (" << report->bytes_reclaimed << " bytes), "
              << report->links_removed << " unreferenced repository links, "
              << report->orphan_files_deleted << " orphan files\n";
  }
  return 0;
}

}  // namespace

void RegisterGcCommand(CLI::App& app, CommandContext& ctx) {
  auto flags = std::make_shared<GcFlags>();
  CLI::App* cmd = app.add_subcommand("gc", "Delete blobs that no image references");
  cmd->add_option("--data", flags->data_dir, "data directory (default ./data)");
  cmd->add_flag("--dry-run", flags->dry_run, "report what would be deleted, delete nothing");
  cmd->add_option("--grace", flags->grace_seconds,
                  "keep blobs uploaded less than this many seconds ago (default 3600)");
  cmd->add_flag("--json", flags->json, "print the report as JSON");
  cmd->callback([flags, &ctx] { ctx.exit_code = RunGc(*flags); });
}

}  // namespace surveyor::cli
