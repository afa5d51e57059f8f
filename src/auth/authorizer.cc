#include "auth/authorizer.h"

#include <vector>

#include "auth/errors.h"

namespace surveyor::auth {
namespace {

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

std::string_view FirstAuthorization(const SignedRequest& request, int* count) {
  std::string_view value;
  *count = 0;
  for (const Header& h : request.headers) {
    if (h.name.size() == 13 && StartsWithIgnoreCase(h.name, "authorization")) {
      if (*count == 0) value = h.value;
      ++*count;
    }
  }
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  return value;
}

}  // namespace

Caller CallerFromSigV4(const VerifiedCaller& verified, std::string_view account_id) {
  Caller c;
  c.anonymous = false;
  c.access_key_id = verified.access_key_id;
  c.user_name = verified.user_name;
  c.principal_arn = UserArn(account_id, verified.user_name);
  return c;
}

Result<Caller> AuthenticateRegistryRequest(const SignedRequest& request,
                                           const RegistryTokens& tokens,
                                           const SigV4Verifier& verifier,
                                           std::string_view account_id) {
  int count = 0;
  std::string_view auth = FirstAuthorization(request, &count);
  if (count == 0) return Caller{};
  if (count > 1) {
    return Status(StatusCode::kUnauthenticated, "more than one Authorization header",
                  std::string(kOciUnauthorized));
  }
  if (StartsWithIgnoreCase(auth, "basic ")) {
    ASSIGN_OR_RETURN(RegistryTokenClaims claims, tokens.VerifyBasicAuthorization(auth));
    Caller c;
    c.anonymous = false;
    c.access_key_id = claims.access_key_id;
    c.user_name = claims.user_name;
    c.principal_arn = UserArn(account_id, claims.user_name);
    return c;
  }
  if (StartsWithIgnoreCase(auth, "aws4-hmac-sha256 ")) {
    auto verified = verifier.Verify(request, kEcrService);
    if (!verified.ok()) {
      // Keep the precise reason; registry clients understand only the OCI code.
      return Status(StatusCode::kUnauthenticated,
                    verified.status().domain_code() + ": " + verified.status().message(),
                    std::string(kOciUnauthorized));
    }
    return CallerFromSigV4(*verified, account_id);
  }
  return Status(StatusCode::kUnauthenticated,
                "unsupported authorization scheme; log in with the password from "
                "`aws ecr get-login-password` and user name AWS",
                std::string(kOciUnauthorized));
}

std::string_view EcrActionForOci(OciOperation op) {
  switch (op) {
    case OciOperation::kBase:
      return "ecr:GetAuthorizationToken";
    case OciOperation::kCatalog:
      return "ecr:DescribeRepositories";
    case OciOperation::kListTags:
      return "ecr:ListImages";
    case OciOperation::kGetManifest:
      return "ecr:BatchGetImage";
    case OciOperation::kPutManifest:
      return "ecr:PutImage";
    case OciOperation::kDeleteManifest:
      return "ecr:BatchDeleteImage";
    case OciOperation::kGetBlob:
      return "ecr:GetDownloadUrlForLayer";
    case OciOperation::kHeadBlob:
      return "ecr:BatchCheckLayerAvailability";
    case OciOperation::kDeleteBlob:
      return "ecr:BatchDeleteImage";
    case OciOperation::kStartUpload:
      return "ecr:InitiateLayerUpload";
    case OciOperation::kUploadChunk:
      return "ecr:UploadLayerPart";
    case OciOperation::kCompleteUpload:
      return "ecr:CompleteLayerUpload";
    case OciOperation::kReferrers:
      return "ecr:BatchGetImage";
  }
  return "ecr:*";
}

bool IsPullAction(std::string_view action) {
  for (std::string_view a :
       {"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability",
        "ecr:ListImages", "ecr:DescribeImages", "ecr:GetAuthorizationToken"}) {
    if (action.size() == a.size() && StartsWithIgnoreCase(action, a)) return true;
  }
  return false;
}

Status Authorize(const AuthorizeInput& in, DenialStyle style) {
  static const Caller kAnonymous;
  const Caller& caller = in.caller ? *in.caller : kAnonymous;
  Decision d = Decision::kNoOpinion;
  if (in.repository_policy) {
    AccessRequest r;
    r.principal_arn = caller.principal_arn;
    r.action = in.action;
    r.resource_arn = in.repository_arn;
    d = Decide(*in.repository_policy, r);
  }
  bool allowed;
  std::string because;
  if (d == Decision::kDeny) {
    allowed = false;
    because = " with an explicit deny in a resource-based policy";
  } else if (!caller.anonymous) {
    allowed = true;  // the registry's own account
  } else {
    allowed = d == Decision::kAllow || (in.anonymous_pull && IsPullAction(in.action));
    because = " because no resource-based policy allows the " + std::string(in.action) +
              " action to anonymous callers";
  }
  if (allowed) return Status::Ok();
  const std::string who = caller.anonymous ? "anonymous" : caller.principal_arn;
  std::string message = "User: " + who +
                        " is not authorized to perform: " + std::string(in.action) +
                        " on resource: " + std::string(in.repository_arn) + because;
  if (style == DenialStyle::kAws) {
    return Status(StatusCode::kPermissionDenied, std::move(message), "AccessDeniedException");
  }
  if (caller.anonymous) {
    return Status(StatusCode::kUnauthenticated, std::move(message), std::string(kOciUnauthorized));
  }
  return Status(StatusCode::kPermissionDenied, std::move(message), "DENIED");
}

}  // namespace surveyor::auth
