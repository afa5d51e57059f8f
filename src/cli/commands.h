// Every `surveyor` subcommand registers itself on the CLI11 app through one function listed here;
// main.cc calls them in order. A subcommand's file parses flags and calls into the components; it
// holds no business logic of its own.
#pragma once

#include <CLI/CLI.hpp>

namespace surveyor::cli {

// Commands set `exit_code` when they run; main returns it.
struct CommandContext {
  int exit_code = 0;
};

void RegisterServeCommand(CLI::App& app, CommandContext& ctx);
void RegisterGcCommand(CLI::App& app, CommandContext& ctx);
void RegisterFsckCommand(CLI::App& app, CommandContext& ctx);

// `surveyor versions compare|affected` (src/cli/versions_command.cc).
void RegisterVersionsCommand(CLI::App& app, CommandContext& ctx);
void RegisterAdminCommand(CLI::App& app, CommandContext& ctx);
void RegisterDbCommand(CLI::App& app, CommandContext& ctx);

// `surveyor sbom IMAGE`: the package inventory of an image (sbom_command.cc).
void RegisterSbomCommand(CLI::App& app, CommandContext& ctx);

void RegisterScanCommand(CLI::App& app, CommandContext& ctx);
void RegisterFindingsCommand(CLI::App& app, CommandContext& ctx);  // findings list|aggregate, wait
void RegisterEventsCommand(CLI::App& app, CommandContext& ctx);
// `surveyor lifecycle run|preview` (lifecycle_command.cc).
void RegisterLifecycleCommand(CLI::App& app, CommandContext& ctx);

}  // namespace surveyor::cli
