// `surveyor`: the one binary. Wires subcommands; see commands.h for the list.
#include <CLI/CLI.hpp>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"Surveyor: a self-hosted container registry with continuous vulnerability scanning"};
  app.require_subcommand(1);
  surveyor::cli::CommandContext ctx;
  surveyor::cli::RegisterServeCommand(app, ctx);
  surveyor::cli::RegisterGcCommand(app, ctx);
  surveyor::cli::RegisterFsckCommand(app, ctx);
  surveyor::cli::RegisterVersionsCommand(app, ctx);
  surveyor::cli::RegisterAdminCommand(app, ctx);
  surveyor::cli::RegisterDbCommand(app, ctx);
  surveyor::cli::RegisterSbomCommand(app, ctx);
  surveyor::cli::RegisterScanCommand(app, ctx);
  surveyor::cli::RegisterFindingsCommand(app, ctx);
  surveyor::cli::RegisterEventsCommand(app, ctx);
  surveyor::cli::RegisterLifecycleCommand(app, ctx);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  return ctx.exit_code;
}
