// The /v2 gate: every registry request must carry a registry token (HTTP Basic "AWS:<token>"
// from GetAuthorizationToken) or a SigV4 signature, unless anonymous access is configured; the
// repository policy is then enforced for the ECR action of the OCI operation. Failures are OCI
// errors: 401 UNAUTHORIZED with ECR's Basic challenge, or 403 DENIED. Immutable after
// construction; thread-safe if the policy lookup is.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/aws/protocol.h"
#include "auth/authorizer.h"
#include "auth/registry_token.h"
#include "auth/sigv4.h"
#include "http/router.h"

namespace surveyor::api::aws {

enum class AnonymousAccess {
  kNone,  // every request authenticates (the default)
  kPull,  // anonymous callers may pull from every repository
  kPush,  // anonymous callers may do everything (an open registry, as before authentication)
};
// "none" | "pull" | "push".
std::optional<AnonymousAccess> ParseAnonymousAccess(std::string_view text);

struct RegistryGateOptions {
  AnonymousAccess anonymous = AnonymousAccess::kNone;
  // Repositories (anchored `*` globs) anonymous callers may pull from even when `anonymous` is
  // kNone.
  std::vector<std::string> anonymous_pull_repositories;
};

// The stored repository policy text of a repository, if any.
using PolicyLookup = std::function<Result<std::optional<std::string>>(std::string_view repo)>;

struct ClassifiedOciRequest {
  auth::OciOperation operation = auth::OciOperation::kBase;
  std::string repository;  // empty for /v2/ and /v2/_catalog
};
// Which distribution-API operation a /v2 request is; nullopt for paths that are none.
std::optional<ClassifiedOciRequest> ClassifyOciRequest(http::Method method, std::string_view path);

class RegistryGate {
 public:
  RegistryGate(const auth::RegistryTokens& tokens, const auth::SigV4Verifier& verifier,
               AwsContext context, RegistryGateOptions options, PolicyLookup policies)
      : tokens_(tokens),
        verifier_(verifier),
        context_(std::move(context)),
        options_(std::move(options)),
        policies_(std::move(policies)) {}

  // Authenticates and authorizes `request`, then hands it to `inner` (the OCI routes).
  http::Response Handle(http::Request& request, const http::Router& inner) const;

 private:
  http::Response Refuse(const http::Request& request, const Status& status) const;

  const auth::RegistryTokens& tokens_;
  const auth::SigV4Verifier& verifier_;
  AwsContext context_;
  RegistryGateOptions options_;
  PolicyLookup policies_;
};

}  // namespace surveyor::api::aws
