// `surveyor versions`: the "why is this flagged?" tools.
//   versions compare SCHEME A B                     prints <, = or >; bad input → stderr, exit 2
//   versions affected OSV_FILE ECOSYSTEM NAME VER   evaluates one OSV record for one package
#include <array>
#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "common/fs.h"
#include "common/json.h"
#include "versions/ecosystem.h"
#include "versions/osv_eval.h"
#include "versions/scheme.h"

namespace surveyor::cli {
namespace {

constexpr uint64_t kMaxOsvFileBytes = 64ull << 20;

std::string SchemeList() {
  std::string out;
  for (const versions::Scheme* s : versions::AllSchemes()) {
    if (!out.empty()) out += ' ';
    out += s->Name();
  }
  return out;
}

int RunCompare(const std::string& scheme_name, const std::string& a, const std::string& b) {
  const versions::Scheme* scheme = versions::FindScheme(scheme_name);
  if (scheme == nullptr) {
    std::cerr << "unknown version scheme \"" << scheme_name << "\" (known: " << SchemeList()
              << ")\n";
    return 2;
  }
  Result<std::weak_ordering> c = scheme->CompareText(a, b);
  if (!c.ok()) {
    std::cerr << c.status().message() << "\n";
    return 2;
  }
  std::cout << (*c < 0 ? "<" : (*c > 0 ? ">" : "=")) << "\n";
  return 0;
}

int RunAffected(const std::string& file, const std::string& ecosystem, const std::string& name,
                const std::string& version) {
  const versions::Scheme* scheme = versions::SchemeForEcosystem(ecosystem);
  if (scheme == nullptr) {
    std::cerr << "no version scheme for ecosystem \"" << ecosystem << "\"\n";
    return 2;
  }
  Result<std::string> text = PosixFileSystem::Default().ReadFile(file, kMaxOsvFileBytes);
  if (!text.ok()) {
    std::cerr << file << ": " << text.status().message() << "\n";
    return 2;
  }
  Result<Json> record = ParseJson(*text);
  if (!record.ok()) {
    std::cerr << file << ": " << record.status().message() << "\n";
    return 2;
  }
  const std::string id = GetString(*record, "id").value_or("(no id)");
  if (GetBool(*record, "withdrawn").has_value() || GetString(*record, "withdrawn")) {
    std::cout << id << ": withdrawn record (never produces findings)\n";
  }
  std::vector<const Json*> entries = versions::EntriesForPackage(*record, ecosystem, name);
  std::cout << id << " " << ecosystem << " " << name << " " << version << " (scheme "
            << scheme->Name() << ")\n";
  if (entries.empty()) {
    std::cout << "affected: no (no affected[] entry names this package)\n";
    return 0;
  }
  Result<versions::Evaluation> ev = versions::EvaluateAffectedEntries(entries, *scheme, version);
  if (!ev.ok()) {
    std::cerr << ev.status().message() << "\n";
    return 2;
  }
  std::cout << "affected: " << (ev->affected ? "yes" : "no") << "\n";
  for (const versions::AffectedBy& by : ev->by) {
    std::cout << "  by " << by.description << "\n";
  }
  if (ev->affected) {
    std::cout << "fixedInVersion: ";
    if (ev->fixed_versions.empty()) std::cout << "(none)";
    for (size_t i = 0; i < ev->fixed_versions.size(); ++i) {
      std::cout << (i ? ", " : "") << ev->fixed_versions[i];
    }
    std::cout << "\nfixAvailable: " << versions::FixAvailableName(ev->fix_available) << "\n";
  }
  for (const std::string& w : ev->warnings) std::cout << "warning: " << w << "\n";
  return 0;
}

}  // namespace

void RegisterVersionsCommand(CLI::App& app, CommandContext& ctx) {
  CLI::App* cmd = app.add_subcommand("versions", "Compare versions and evaluate OSV ranges");
  cmd->require_subcommand(1);

  auto compare_args = std::make_shared<std::array<std::string, 3>>();
  CLI::App* compare =
      cmd->add_subcommand("compare", "Print <, = or > for A versus B under SCHEME");
  compare->add_option("scheme", (*compare_args)[0], "dpkg apk rpm semver npm pep440 ...")
      ->required();
  compare->add_option("a", (*compare_args)[1])->required();
  compare->add_option("b", (*compare_args)[2])->required();
  compare->callback([compare_args, &ctx] {
    ctx.exit_code = RunCompare((*compare_args)[0], (*compare_args)[1], (*compare_args)[2]);
  });

  auto affected_args = std::make_shared<std::array<std::string, 4>>();
  CLI::App* affected = cmd->add_subcommand(
      "affected", "Is NAME at VERSION affected by the OSV record in OSV_FILE, and why");
  affected->add_option("osv_file", (*affected_args)[0])->required();
  affected->add_option("ecosystem", (*affected_args)[1], "OSV ecosystem, e.g. Debian:12")
      ->required();
  affected->add_option("name", (*affected_args)[2])->required();
  affected->add_option("version", (*affected_args)[3])->required();
  affected->callback([affected_args, &ctx] {
    const auto& a = *affected_args;
    ctx.exit_code = RunAffected(a[0], a[1], a[2], a[3]);
  });
}

}  // namespace surveyor::cli
