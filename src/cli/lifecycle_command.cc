// `surveyor lifecycle run [REPO]` and `surveyor lifecycle preview REPO`: apply (or only compute)
// ECR lifecycle policies on a data directory, online (a server may run on the same directory).
// Expiry deletes through the registry with the same observers the server has: a DELETE event goes
// to the events outbox (the server's dispatcher delivers it) and the image's findings close.
// `--now` (hidden, for tests) evaluates as of another time; deletions and events keep the clock.
#include <iostream>

#include "cli/commands.h"
#include "cli/config.h"
#include "cli/storage.h"
#include "common/fs.h"
#include "common/json.h"
#include "events/registry_observer.h"
#include "lifecycle/executor.h"
#include "registry/registry.h"
#include "scan/service.h"

namespace surveyor::cli {
namespace {

struct LifecycleFlags {
  std::string data_dir = "data";
  std::string config_file;
  std::string repository;
  std::string policy_file;
  std::string now;
  bool dry_run = false;
  bool json = false;
};

std::string Short(const std::string& digest) {
  const auto colon = digest.find(':');
  return colon == std::string::npos ? digest : digest.substr(0, colon + 13);
}

std::string Joined(const std::vector<std::string>& tags) {
  if (tags.empty()) return "<untagged>";
  std::string out;
  for (const auto& t : tags) out += (out.empty() ? "" : ",") + t;
  return out;
}

Json ImagesJson(const std::vector<lifecycle::ExpiredImage>& images) {
  Json a = Json::array();
  for (const auto& e : images) {
    a.push_back({{"imageDigest", e.digest},
                 {"imageTags", e.tags},
                 {"imagePushedAt", FormatRfc3339(e.pushed_at)},
                 {"appliedRulePriority", e.rule_priority}});
  }
  return a;
}

Json OutcomeJson(const lifecycle::RepositoryOutcome& o) {
  Json j = {{"repositoryName", o.repository},
            {"hasPolicy", o.has_policy},
            {"imageCount", o.images},
            {"expiringImageTotalCount", o.expired.size()},
            {"images", ImagesJson(o.expired)},
            {"keptReferenced", ImagesJson(o.kept_referenced)}};
  if (!o.error.ok()) j["error"] = o.error.ToString();
  return j;
}

void PrintTable(const std::vector<lifecycle::RepositoryOutcome>& outcomes, const char* verb) {
  std::printf("%-24s %-20s %-26s %-25s %s\n", "REPOSITORY", "DIGEST", "TAGS", "PUSHED", "RULE");
  for (const auto& o : outcomes) {
    for (const auto& e : o.expired) {
      std::printf("%-24s %-20s %-26s %-25s %lld\n", o.repository.c_str(), Short(e.digest).c_str(),
                  Joined(e.tags).c_str(), FormatRfc3339(e.pushed_at).c_str(),
                  static_cast<long long>(e.rule_priority));
    }
  }
  for (const auto& o : outcomes) {
    if (!o.error.ok()) {
      std::printf("%s: failed: %s\n", o.repository.c_str(), o.error.ToString().c_str());
    } else if (!o.has_policy) {
      std::printf("%s: no lifecycle policy\n", o.repository.c_str());
    } else {
      std::printf("%s: %zu of %zu images %s", o.repository.c_str(), o.expired.size(), o.images,
                  verb);
      if (!o.kept_referenced.empty()) {
        std::printf(" (%zu more kept: an image index names them)", o.kept_referenced.size());
      }
      std::printf("\n");
    }
  }
}

// Everything a run needs, opened on the data directory: the registry with the same observers as
// `serve` (events outbox, findings closing).
struct Session {
  Storage storage;
  ServeConfig config;
  std::unique_ptr<registry::Registry> registry;
  std::unique_ptr<events::RegistryEventObserver> events;
  std::unique_ptr<scan::Service> scanner;
  std::unique_ptr<lifecycle::Executor> executor;
  std::optional<TimePoint> now;
};

Result<std::unique_ptr<Session>> Open(const LifecycleFlags& flags) {
  auto s = std::make_unique<Session>();
  if (!flags.config_file.empty()) RETURN_IF_ERROR(LoadConfigFile(flags.config_file, s->config));
  ASSIGN_OR_RETURN(s->storage, OpenStorage(flags.data_dir));
  if (!flags.now.empty()) {
    ASSIGN_OR_RETURN(TimePoint t, ParseRfc3339(flags.now));
    s->now = t;
  }
  const Clock& clock = SystemClock::Default();
  s->registry = std::make_unique<registry::Registry>(*s->storage.db, *s->storage.blobs, clock,
                                                     registry::Options{});
  scan::ServiceOptions scan_options;  // never started: it only hears deletions
  scan_options.account_id = s->config.account_id;
  scan_options.region = s->config.region;
  s->scanner = std::make_unique<scan::Service>(*s->storage.db, *s->storage.blobs, *s->registry,
                                               clock, scan_options);
  s->registry->AddTransactionObserver(s->scanner.get());
  s->events = std::make_unique<events::RegistryEventObserver>(
      events::BusIdentity{s->config.account_id, s->config.region, &clock});
  s->registry->AddTransactionObserver(s->events.get());
  s->executor = std::make_unique<lifecycle::Executor>(*s->storage.db, *s->registry, clock);
  return s;
}

int RunLifecycle(const LifecycleFlags& flags) {
  auto session = Open(flags);
  if (!session.ok()) {
    std::cerr << "surveyor lifecycle run: " << session.status().message() << "\n";
    return 2;
  }
  lifecycle::RunOptions options;
  options.dry_run = flags.dry_run;
  options.now = (*session)->now;
  std::vector<lifecycle::RepositoryOutcome> outcomes;
  if (!flags.repository.empty()) {
    auto one = (*session)->executor->Run(flags.repository, options);
    if (!one.ok()) {
      std::cerr << "surveyor lifecycle run: " << one.status().message() << "\n";
      return 1;
    }
    outcomes.push_back(std::move(*one));
  } else {
    auto all = (*session)->executor->RunAll(options);
    if (!all.ok()) {
      std::cerr << "surveyor lifecycle run: " << all.status().message() << "\n";
      return 1;
    }
    outcomes = std::move(*all);
  }
  bool failed = false;
  for (const auto& o : outcomes) failed = failed || !o.error.ok();
  if (flags.json) {
    Json repos = Json::array();
    for (const auto& o : outcomes) repos.push_back(OutcomeJson(o));
    std::cout << DumpJson(Json{{"dryRun", flags.dry_run}, {"repositories", repos}}, 2) << "\n";
  } else {
    PrintTable(outcomes, flags.dry_run ? "would expire" : "expired");
  }
  return failed ? 1 : 0;
}

int RunPreview(const LifecycleFlags& flags) {
  auto session = Open(flags);
  if (!session.ok()) {
    std::cerr << "surveyor lifecycle preview: " << session.status().message() << "\n";
    return 2;
  }
  std::string text;
  if (!flags.policy_file.empty()) {
    auto read = PosixFileSystem::Default().ReadFile(flags.policy_file, 64 * 1024);
    if (!read.ok()) {
      std::cerr << "surveyor lifecycle preview: " << read.status().message() << "\n";
      return 2;
    }
    text = std::move(*read);
  }
  auto out = (*session)->executor->Preview(flags.repository, text, (*session)->now);
  if (!out.ok()) {
    std::cerr << "surveyor lifecycle preview: " << out.status().message() << "\n";
    return 1;
  }
  if (flags.json) {
    std::cout << DumpJson(OutcomeJson(*out), 2) << "\n";
  } else {
    PrintTable({*out}, "would expire");
  }
  return 0;
}

}  // namespace

void RegisterLifecycleCommand(CLI::App& app, CommandContext& ctx) {
  auto flags = std::make_shared<LifecycleFlags>();
  CLI::App* cmd = app.add_subcommand("lifecycle", "Apply or preview ECR lifecycle policies");
  cmd->require_subcommand(1);
  auto common = [&](CLI::App* sub) {
    sub->add_option("--data", flags->data_dir, "the registry's data directory (default ./data)");
    sub->add_flag("--json", flags->json, "print the result as JSON");
    sub->add_option("--now", flags->now,
                    "evaluate as of this RFC 3339 time instead of now (for tests)")
        ->group("");
  };
  CLI::App* run = cmd->add_subcommand(
      "run", "Expire the images the stored policies select (every repository, or REPO)");
  run->add_option("repository", flags->repository, "only this repository");
  run->add_flag("--dry-run", flags->dry_run, "report what would expire, delete nothing");
  run->add_option("--config", flags->config_file,
                  "the server's YAML configuration (its aws.account_id and aws.region go into "
                  "events and findings)");
  common(run);
  run->callback([flags, &ctx] { ctx.exit_code = RunLifecycle(*flags); });
  CLI::App* preview =
      cmd->add_subcommand("preview", "Show what REPO's lifecycle policy would expire, now");
  preview->add_option("repository", flags->repository, "the repository")->required();
  preview->add_option("--policy", flags->policy_file,
                      "a policy file to evaluate instead of the stored policy");
  common(preview);
  preview->callback([flags, &ctx] { ctx.exit_code = RunPreview(*flags); });
}

}  // namespace surveyor::cli
