#include "cli/remote_flags.h"

#include <iostream>

namespace surveyor::cli {

void AddRemoteFlags(CLI::App& cmd, RemoteFlags& flags) {
  cmd.add_option("--username", flags.remote.username,
                 "docker:// registry user name (ECR and Surveyor: AWS)");
  cmd.add_option("--password", flags.remote.password, "docker:// registry password or token");
  cmd.add_flag("--password-stdin", flags.password_stdin,
               "read the registry password from standard input");
  cmd.add_option("--authfile", flags.remote.auth_file,
                 "credentials file (default: $REGISTRY_AUTH_FILE, "
                 "$XDG_RUNTIME_DIR/containers/auth.json, ~/.docker/config.json)");
  cmd.add_flag("--insecure", flags.remote.insecure, "talk plain HTTP to a docker:// registry");
}

std::optional<std::string> PrepareRemoteCredentials(RemoteFlags& flags) {
  if (flags.password_stdin) {
    // The first line of standard input, as `docker login --password-stdin` reads it.
    std::string line;
    if (!std::getline(std::cin, line)) return "--password-stdin: nothing on standard input";
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
    flags.remote.password = line;
  }
  if (!flags.remote.password.empty() && flags.remote.username.empty()) {
    return "--password needs --username";
  }
  return std::nullopt;
}

}  // namespace surveyor::cli
