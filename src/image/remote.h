// Remote registries as an image input: `docker://host[:port]/repo[:tag|@sha256:...]`, pulled over
// the OCI distribution API with the bearer-token flow (401 + WWW-Authenticate: Bearer realm=...)
// or HTTP Basic, plain HTTP only with `insecure`. Manifests are read whole (bounded), layers are
// streamed and their digest and size checked as they pass. The parsers here are pure (no I/O);
// OpenRemote does network I/O. A remote source is used by one thread at a time.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace surveyor::image {

class ImageSource;
struct OpenOptions;

struct RemoteReference {
  std::string registry;    // "host[:port]" as written ("registry-1.docker.io" for Docker Hub)
  std::string repository;  // "library/alpine"
  std::string tag;         // empty when `digest` is set
  std::string digest;      // "sha256:..."
  // "repository:tag" or "repository@digest", for messages.
  std::string Name() const;
};

// Parses what follows "docker://". A first component without '.' or ':' (and not "localhost")
// is a Docker Hub repository, as docker and skopeo read it; a missing tag means "latest".
Result<RemoteReference> ParseRemoteReference(std::string_view text);

struct AuthChallenge {
  std::string scheme;                         // lower-cased: "bearer", "basic"
  std::map<std::string, std::string> params;  // names lower-cased, values unquoted
};

// Parses a WWW-Authenticate header value (RFC 7235: one or more challenges, each a scheme then
// comma-separated name=value or name="quoted value" parameters). InvalidArgument on malformed
// input; at most 16 challenges and 32 parameters each; values up to 4 KiB.
Result<std::vector<AuthChallenge>> ParseWwwAuthenticate(std::string_view header);

struct RegistryCredentials {
  std::string username;
  std::string password;
};

// Looks up `registry` in a docker config.json / containers auth.json document ("auths": {"host":
// {"auth": base64("user:password")}}; keys may carry a scheme or a path, "https://host/v1/").
// nullopt when the file has no usable entry; InvalidArgument when the document is malformed.
Result<std::optional<RegistryCredentials>> CredentialsFromAuthFile(std::string_view json,
                                                                  std::string_view registry);

struct RemoteOptions {
  std::string username;
  std::string password;
  // When no username is given: an explicit auth file, else $REGISTRY_AUTH_FILE,
  // ${XDG_RUNTIME_DIR}/containers/auth.json, ~/.docker/config.json (the first that exists).
  std::string auth_file;
  bool insecure = false;                    // plain HTTP instead of HTTPS
  uint64_t max_layer_bytes = 64ull << 30;   // a descriptor that claims more is refused
  long connect_timeout_s = 30;
  long stall_timeout_s = 60;
};

// The credentials OpenRemote would use for `registry`: the explicit ones, else the auth file.
Result<std::optional<RegistryCredentials>> ResolveCredentials(const RemoteOptions& options,
                                                             std::string_view registry);

Result<std::vector<std::unique_ptr<ImageSource>>> OpenRemote(const RemoteReference& ref,
                                                             std::string full_reference,
                                                             const OpenOptions& options);

}  // namespace surveyor::image
