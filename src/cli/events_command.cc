// `surveyor events dead-letters list | replay`: inspect and re-queue event deliveries that failed
// max_attempts times. Safe while the server runs (SQLite WAL): replayed deliveries go to the end of
// their target's queue and a running server picks them up within a second.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/storage.h"
#include "common/json.h"
#include "events/dispatcher.h"

namespace surveyor::cli {
namespace {

struct EventsFlags {
  std::string data_dir = "data";
  std::vector<int64_t> ids;
  size_t limit = 1000;
};

int ListDead(const EventsFlags& flags) {
  auto storage = OpenStorage(flags.data_dir);
  if (!storage.ok()) {
    std::cerr << "surveyor events: " << storage.status().message() << "\n";
    return 1;
  }
  auto dead = events::ListDeadLetters(*storage->db, flags.limit);
  if (!dead.ok()) {
    std::cerr << "surveyor events: " << dead.status().message() << "\n";
    return 1;
  }
  OrderedJson out = OrderedJson::array();
  for (const auto& d : *dead) {
    OrderedJson j;
    j["id"] = d.id;
    j["rule"] = d.rule_name;
    j["target"] = d.target_id;
    j["targetArn"] = d.target_arn;
    j["resource"] = d.resource;
    j["attempts"] = d.attempts;
    j["lastError"] = d.last_error;
    j["failedAtMs"] = d.failed_ms;
    j["payload"] = d.payload;
    out.push_back(std::move(j));
  }
  std::cout << DumpJson(out, 2) << "\n";
  return 0;
}

int Replay(const EventsFlags& flags) {
  auto storage = OpenStorage(flags.data_dir);
  if (!storage.ok()) {
    std::cerr << "surveyor events: " << storage.status().message() << "\n";
    return 1;
  }
  auto n = events::ReplayDeadLetters(*storage->db, flags.ids);
  if (!n.ok()) {
    std::cerr << "surveyor events: " << n.status().message() << "\n";
    return 1;
  }
  std::cout << "replayed " << *n << " dead letter(s)\n";
  return 0;
}

}  // namespace

void RegisterEventsCommand(CLI::App& app, CommandContext& ctx) {
  auto flags = std::make_shared<EventsFlags>();
  CLI::App* cmd = app.add_subcommand("events", "Event delivery: dead letters");
  cmd->require_subcommand(1);
  CLI::App* dl = cmd->add_subcommand("dead-letters", "Deliveries that failed too often");
  dl->require_subcommand(1);
  CLI::App* list = dl->add_subcommand("list", "Print dead letters as JSON");
  list->add_option("--data", flags->data_dir, "data directory (default ./data)");
  list->add_option("--limit", flags->limit, "at most this many (default 1000)");
  list->callback([flags, &ctx] { ctx.exit_code = ListDead(*flags); });
  CLI::App* replay = dl->add_subcommand("replay", "Re-queue dead letters (all, or --id ...)");
  replay->add_option("--data", flags->data_dir, "data directory (default ./data)");
  replay->add_option("--id", flags->ids, "dead letter ids to replay (default: all)");
  replay->callback([flags, &ctx] { ctx.exit_code = Replay(*flags); });
}

}  // namespace surveyor::cli
