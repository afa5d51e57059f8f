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

// `surveyor sbom IMAGE`: the package inventory of an image (sbom_command.cc).
void RegisterSbomCommand(CLI::App& app, CommandContext& ctx);

}  // namespace surveyor::cli
