// The docker:// credential flags shared by `surveyor sbom` and `surveyor scan`: their
// registration on a CLI11 subcommand, and the checks run before the image is opened
// (--password-stdin read, --password without --username refused).
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "image/remote.h"

namespace surveyor::cli {

struct RemoteFlags {
  image::RemoteOptions remote;
  bool password_stdin = false;
};

void AddRemoteFlags(CLI::App& cmd, RemoteFlags& flags);

// Reads the password from standard input when asked. Returns an error message naming the flag to
// fix, or nothing when the credentials are usable.
std::optional<std::string> PrepareRemoteCredentials(RemoteFlags& flags);

}  // namespace surveyor::cli
