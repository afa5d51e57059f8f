// Files that hold key material: created with mode 0600, written atomically (temporary file,
// fsync, rename, fsync of the directory), and refused on read when group or others can access
// them. Stateless free functions; safe to call from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace surveyor::auth {

// Writes `content` to `path` with mode 0600. AlreadyExists when `path` exists and
// `overwrite` is false (the check and the rename are not atomic against other writers).
Status WritePrivateFile(const std::string& path, std::string_view content, bool overwrite);
// Reads `path` (at most `max_bytes`); FailedPrecondition when its mode grants any access to
// group or others, NotFound when absent.
Result<std::string> ReadPrivateFile(const std::string& path, uint64_t max_bytes);

// Loads a 32-byte key kept as 64 lower-case hex characters in a private file, creating the file
// with a fresh random key when it does not exist. FailedPrecondition when it is malformed or
// accessible by group/others.
Result<std::string> LoadOrCreateKeyFile(const std::string& path);

}  // namespace surveyor::auth
