// Who is calling, and may they do this? Glue for the API layers:
//  - AuthenticateRegistryRequest: /v2 requests carry "Basic base64(AWS:<token>)" (docker login
//    with a get-login-password token), an AWS4-HMAC-SHA256 signature, or nothing (anonymous).
//  - EcrActionForOci: the IAM action ECR checks for each distribution-API operation.
//  - Authorize: repository policy (explicit deny wins) + the server's defaults: every access key
//    of this server acts for the registry's own account, so it may do what no policy denies;
//    anonymous callers may only pull, and only where anonymous pull is configured or a policy
//    allows "*". Pure functions over their inputs; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "auth/policy.h"
#include "auth/registry_token.h"
#include "auth/sigv4.h"
#include "common/status.h"

namespace surveyor::auth {

struct Caller {
  bool anonymous = true;
  std::string access_key_id;
  std::string user_name;
  std::string principal_arn;  // arn:aws:iam::<account>:user/<name>; empty when anonymous
};

// kUnauthenticated with domain code UNAUTHORIZED for a bad token or signature (the registry
// answers 401 with RegistryBasicChallenge); a request without Authorization is anonymous.
Result<Caller> AuthenticateRegistryRequest(const SignedRequest& request,
                                           const RegistryTokens& tokens,
                                           const SigV4Verifier& verifier,
                                           std::string_view account_id);
Caller CallerFromSigV4(const VerifiedCaller& verified, std::string_view account_id);

enum class OciOperation {
  kBase,            // GET /v2/
  kCatalog,         // GET /v2/_catalog
  kListTags,        // GET /v2/<name>/tags/list
  kGetManifest,     // GET/HEAD /v2/<name>/manifests/<ref>
  kPutManifest,     // PUT manifests
  kDeleteManifest,  // DELETE manifests
  kGetBlob,         // GET /v2/<name>/blobs/<digest>
  kHeadBlob,        // HEAD blobs
  kDeleteBlob,      // DELETE blobs
  kStartUpload,     // POST /v2/<name>/blobs/uploads/ (also cross-repository mounts)
  kUploadChunk,     // PATCH / GET upload status
  kCompleteUpload,  // PUT ...uploads/<id>?digest=
  kReferrers,       // GET /v2/<name>/referrers/<digest>
};
// "ecr:BatchGetImage" etc.; kBase needs no repository permission and maps to
// "ecr:GetAuthorizationToken".
std::string_view EcrActionForOci(OciOperation op);
// Actions an anonymous caller may be granted by "anonymous pull" configuration.
bool IsPullAction(std::string_view action);

enum class DenialStyle {
  kAws,  // AccessDeniedException (ECR API)
  kOci,  // DENIED, or UNAUTHORIZED for anonymous callers so that clients offer to log in
};

struct AuthorizeInput {
  const Caller* caller = nullptr;
  std::string_view action;                    // "ecr:PutImage"
  std::string_view repository_arn;            // arn:aws:ecr:<region>:<account>:repository/<name>
  const Policy* repository_policy = nullptr;  // null when the repository has none
  bool anonymous_pull = false;  // configured for this repository or the whole registry
};

// Ok, or kPermissionDenied (AccessDeniedException / DENIED) or kUnauthenticated (UNAUTHORIZED,
// anonymous callers on the OCI side) with an ECR-style message naming principal, action and
// repository.
Status Authorize(const AuthorizeInput& input, DenialStyle style);

}  // namespace surveyor::auth
