// `surveyor sbom IMAGE`: analyse an image and print its inventory as JSON, a table, CycloneDX 1.5
// or SPDX 2.3. Exit codes: 0 done (warnings go to stderr), 1 the image could not be analysed
// (the reason is printed), 2 usage errors.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include "analyze/builtin.h"
#include "analyze/image_analysis.h"
#include "cli/commands.h"
#include "cli/remote_flags.h"
#include "common/fs.h"
#include "image/image.h"
#include "report/sbom.h"

namespace surveyor::cli {
namespace {

struct SbomFlags {
  std::string image;
  std::string format = "table";
  std::string output;
  std::string platform = "linux/amd64";
  // docker:// inputs
  RemoteFlags remote;
  std::string cache_dir;
  bool quiet = false;
};

int RunSbom(SbomFlags& flags) {
  report::SbomFormat format;
  if (!report::ParseSbomFormat(flags.format, format)) {
    std::cerr << "sbom: unknown --format " << flags.format << " (json, table, cyclonedx, spdx)\n";
    return 2;
  }
  image::OpenOptions open;
  open.platform = flags.platform;
  if (auto problem = PrepareRemoteCredentials(flags.remote)) {
    std::cerr << "sbom: " << *problem << "\n";
    return 2;
  }
  open.remote = flags.remote.remote;
  auto images = image::OpenImage(flags.image, open);
  if (!images.ok()) {
    std::cerr << "sbom: " << flags.image << ": " << images.status().ToString() << "\n";
    return 1;
  }
  auto owned = analyze::BuiltinAnalyzers();
  std::vector<const analyze::Analyzer*> analyzers;
  for (const auto& a : owned) analyzers.push_back(a.get());
  std::unique_ptr<analyze::LayerCache> cache;
  std::string cache_dir = flags.cache_dir;
  if (cache_dir.empty()) {
    if (const char* env = std::getenv("SURVEYOR_CACHE_DIR")) cache_dir = env;
  }
  if (!cache_dir.empty()) cache = std::make_unique<analyze::DirectoryLayerCache>(cache_dir);
  std::string out;
  bool several = images->size() > 1;
  bool json_like = format != report::SbomFormat::kTable;
  if (several && json_like) out += "[\n";
  for (size_t i = 0; i < images->size(); ++i) {
    auto analysis = analyze::AnalyzeImage(*(*images)[i], analyzers, cache.get());
    if (!analysis.ok()) {
      std::cerr << "sbom: " << flags.image << ": " << analysis.status().ToString() << "\n";
      return 1;
    }
    if (!flags.quiet) {
      for (const auto& w : analysis->inventory.warnings) std::cerr << "warning: " << w << "\n";
    }
    std::string doc = report::RenderSbom(*analysis, format);
    if (several && json_like && i > 0) out += ",\n";
    out += doc;
  }
  if (several && json_like) out += "]\n";
  if (flags.output.empty() || flags.output == "-") {
    std::fwrite(out.data(), 1, out.size(), stdout);
    return 0;
  }
  Status st = PosixFileSystem::Default().WriteFileAtomic(flags.output, out);
  if (!st.ok()) {
    std::cerr << "sbom: writing " << flags.output << ": " << st.ToString() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

void RegisterSbomCommand(CLI::App& app, CommandContext& ctx) {
  auto flags = std::make_shared<SbomFlags>();
  CLI::App* cmd = app.add_subcommand(
      "sbom", "List the packages in an image (oci:DIR[:TAG], oci-archive:FILE, docker-archive:FILE, docker://HOST/REPO:TAG)");
  cmd->add_option("image", flags->image, "image reference")->required();
  cmd->add_option("--format,-f", flags->format, "json | table | cyclonedx | spdx")->capture_default_str();
  cmd->add_option("--output,-o", flags->output, "write to FILE instead of stdout");
  cmd->add_option("--platform", flags->platform, "os/arch[/variant] from a multi-arch index, or 'all'")
      ->capture_default_str();
  cmd->add_option("--cache-dir", flags->cache_dir,
                  "per-layer result cache directory (default: $SURVEYOR_CACHE_DIR, none if unset)");
  cmd->add_flag("--quiet,-q", flags->quiet, "do not print per-file warnings");
  AddRemoteFlags(*cmd, flags->remote);
  cmd->callback([flags, &ctx] { ctx.exit_code = RunSbom(*flags); });
}

}  // namespace surveyor::cli
