#include "api/aws/registry_gate.h"

#include "api/oci/errors.h"
#include "auth/policy.h"
#include "registry/repository_settings.h"

namespace surveyor::api::aws {

std::optional<AnonymousAccess> ParseAnonymousAccess(std::string_view text) {
  if (text == "none") return AnonymousAccess::kNone;
  if (text == "pull") return AnonymousAccess::kPull;
  if (text == "push") return AnonymousAccess::kPush;
  return std::nullopt;
}

std::optional<ClassifiedOciRequest> ClassifyOciRequest(http::Method method,
                                                       std::string_view path) {
  using auth::OciOperation;
  if (path == "/v2" || path == "/v2/") return ClassifiedOciRequest{OciOperation::kBase, ""};
  if (path == "/v2/_catalog") return ClassifiedOciRequest{OciOperation::kCatalog, ""};
  if (!path.starts_with("/v2/")) return std::nullopt;
  const std::string_view rest = path.substr(4);
  auto split = [&](std::string_view marker) -> std::optional<std::string> {
    const size_t at = rest.rfind(marker);
    if (at == std::string_view::npos || at == 0) return std::nullopt;
    return std::string(rest.substr(0, at));
  };
  const bool read = method == http::Method::kGet || method == http::Method::kHead;
  if (rest.ends_with("/tags/list")) {
    if (auto name = split("/tags/list")) return ClassifiedOciRequest{OciOperation::kListTags, *name};
  }
  if (auto name = split("/manifests/")) {
    OciOperation op = read ? OciOperation::kGetManifest
                      : method == http::Method::kDelete ? OciOperation::kDeleteManifest
                                                        : OciOperation::kPutManifest;
    return ClassifiedOciRequest{op, *name};
  }
  if (auto name = split("/referrers/")) return ClassifiedOciRequest{OciOperation::kReferrers, *name};
  if (const size_t at = rest.rfind("/blobs/uploads"); at != std::string_view::npos && at > 0) {
    OciOperation op = method == http::Method::kPost ? OciOperation::kStartUpload
                      : method == http::Method::kPut ? OciOperation::kCompleteUpload
                                                     : OciOperation::kUploadChunk;
    return ClassifiedOciRequest{op, std::string(rest.substr(0, at))};
  }
  if (auto name = split("/blobs/")) {
    OciOperation op = method == http::Method::kDelete ? OciOperation::kDeleteBlob
                      : method == http::Method::kHead ? OciOperation::kHeadBlob
                                                      : OciOperation::kGetBlob;
    return ClassifiedOciRequest{op, *name};
  }
  return std::nullopt;
}

http::Response RegistryGate::Refuse(const http::Request& request, const Status& status) const {
  http::Response r = oci::ErrorResponse(status);
  if (r.status == 401) {
    const std::string host(request.headers.Get("Host").value_or("localhost"));
    r.headers.Set("WWW-Authenticate", auth::RegistryBasicChallenge("http://" + host + "/"));
  }
  r.headers.Set("Docker-Distribution-Api-Version", "registry/2.0");
  return r;
}

http::Response RegistryGate::Handle(http::Request& request, const http::Router& inner) const {
  // The body is streamed to the registry, so a SigV4 signature covers it only through the
  // x-amz-content-sha256 header the client sends (S3 style); it is not re-hashed here.
  std::vector<auth::Header> headers;
  auth::SignedRequest signed_request = ToSignedRequest(request, "", headers);
  const auto sha = request.headers.Get("x-amz-content-sha256");
  std::string payload_hash = sha ? std::string(*sha) : "";
  if (payload_hash.empty()) {
    payload_hash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  }
  signed_request.payload_sha256_hex = payload_hash;
  auto caller = auth::AuthenticateRegistryRequest(signed_request, tokens_, verifier_,
                                                  context_.account_id);
  if (!caller.ok()) return Refuse(request, caller.status());
  if (caller->anonymous && options_.anonymous == AnonymousAccess::kPush) {
    return inner.Dispatch(request);
  }
  auto op = ClassifyOciRequest(request.method, request.path);
  if (!op) {
    if (caller->anonymous) {
      return Refuse(request, Unauthenticated("authentication required", "UNAUTHORIZED"));
    }
    return inner.Dispatch(request);  // the OCI routes answer unknown paths themselves
  }
  if (op->repository.empty()) {
    // /v2/ and the catalog need a caller (or an open registry), no repository permission.
    if (caller->anonymous && options_.anonymous == AnonymousAccess::kNone) {
      return Refuse(request, Unauthenticated("authentication required", "UNAUTHORIZED"));
    }
    return inner.Dispatch(request);
  }
  bool anonymous_pull = options_.anonymous != AnonymousAccess::kNone;
  for (const auto& glob : options_.anonymous_pull_repositories) {
    if (registry::GlobMatches(op->repository, glob)) anonymous_pull = true;
  }
  std::optional<auth::Policy> policy;
  if (policies_) {
    auto text = policies_(op->repository);
    if (!text.ok()) return Refuse(request, Internal("policy lookup failed"));
    if (*text) {
      auto parsed = auth::ParseRepositoryPolicy(**text);
      if (parsed.ok()) policy = std::move(*parsed);
    }
  }
  const std::string arn = context_.RepositoryArn(op->repository);
  auth::AuthorizeInput input;
  input.caller = &*caller;
  input.action = auth::EcrActionForOci(op->operation);
  input.repository_arn = arn;
  input.repository_policy = policy ? &*policy : nullptr;
  input.anonymous_pull = anonymous_pull;
  Status allowed = auth::Authorize(input, auth::DenialStyle::kOci);
  if (!allowed.ok()) return Refuse(request, allowed);
  return inner.Dispatch(request);
}

}  // namespace surveyor::api::aws
