// `surveyor fsck`: checks every blob, manifest and tag of a data directory; exit 1 when anything
// is wrong, so scripts can act on it.
#include <iostream>

#include "cli/commands.h"
#include "cli/storage.h"
#include "common/json.h"
#include "registry/fsck.h"

namespace surveyor::cli {
namespace {

struct FsckFlags {
  std::string data_dir = "data";
  bool repair = false;
  bool json = false;
};

int RunFsck(const FsckFlags& flags) {
  auto storage = OpenStorage(flags.data_dir);
  if (!storage.ok()) {
    std::cerr << "surveyor fsck: " << storage.status().message() << "\n";
    return 2;
  }
  auto report = registry::Fsck(*storage->db, *storage->blobs, flags.repair);
  if (!report.ok()) {
    std::cerr << "surveyor fsck: " << report.status().message() << "\n";
    return 2;
  }
  if (flags.json) {
    Json issues = Json::array();
    for (const auto& i : report->issues) {
      issues.push_back({{"kind", i.kind}, {"subject", i.subject}, {"detail", i.detail},
                        {"repaired", i.repaired}});
    }
    std::cout << DumpJson(Json{{"blobsChecked", report->blobs_checked},
                               {"manifestsChecked", report->manifests_checked},
                               {"tagsChecked", report->tags_checked},
                               {"clean", report->clean()},
                               {"issues", issues}},
                          2)
              << "\n";
  } else {
    for (const auto& i : report->issues) {
      std::cout << i.kind << " " << i.subject << ": " << i.detail
                << (i.repaired ? " (repaired)" : "") << "\n";
    }
    std::cout << "checked " << report->blobs_checked << " blobs, " << report->manifests_checked
              << " manifests, " << report->tags_checked << " tags: "
              << (report->clean() ? "clean" : std::to_string(report->issues.size()) + " issues")
              << "\n";
  }
  return report->clean() ? 0 : 1;
}

}  // namespace

void RegisterFsckCommand(CLI::App& app, CommandContext& ctx) {
  auto flags = std::make_shared<FsckFlags>();
  CLI::App* cmd = app.add_subcommand("fsck", "Check stored blobs, manifests and tags");
  cmd->add_option("--data", flags->data_dir, "data directory (default ./data)");
  cmd->add_flag("--repair", flags->repair, "fix index entries where that is safe");
  cmd->add_flag("--json", flags->json, "print the report as JSON");
  cmd->callback([flags, &ctx] { ctx.exit_code = RunFsck(*flags); });
}

}  // namespace surveyor::cli
