#include "api/ecr/service.h"

#include <algorithm>
#include <functional>
#include <regex>
#include <set>

#include "auth/crypto.h"
#include "events/scan_resource_change.h"
#include "auth/policy.h"
#include "lifecycle/evaluator.h"
#include "lifecycle/images.h"
#include "lifecycle/policy.h"
#include "oci/reference.h"
#include "registry/repository_settings.h"
#include "registry/scanning_config.h"

namespace surveyor::api::ecr {

using registry::ImageRecord;
using registry::RepositoryRecord;

struct EcrService::Call {
  const http::Request& request;
  Json input;
  auth::Caller caller;
};

namespace {

using aws::OptString;
using aws::ReqString;
using aws::Validation;

constexpr char kInvalidParameter[] = "InvalidParameterException";

Status InvalidParam(const std::string& field, const std::string& what) {
  return InvalidArgument("Invalid parameter at '" + field + "' failed to satisfy constraint: '" +
                             what + "'",
                         kInvalidParameter);
}

Result<std::optional<int64_t>> OptInt(const Json& in, const char* field, int64_t min, int64_t max) {
  if (!in.contains(field) || in[field].is_null()) return std::optional<int64_t>();
  if (!in[field].is_number_integer()) {
    return Validation(field, DumpJson(in[field]), "Member must be an integer");
  }
  const int64_t v = in[field].get<int64_t>();
  if (v < min || v > max) {
    return Validation(field, std::to_string(v),
                      "Member must have value between " + std::to_string(min) + " and " +
                          std::to_string(max));
  }
  return std::optional<int64_t>(v);
}

bool OptBool(const Json& in, const char* field) {
  return in.contains(field) && in[field].is_boolean() && in[field].get<bool>();
}

Status ValidateRepositoryName(const std::string& name) {
  static const std::regex kPattern(
      "[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(\\/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*");
  if (name.size() < 2 || name.size() > 256) {
    return Validation("repositoryName", name, "Member must have length between 2 and 256");
  }
  if (!std::regex_match(name, kPattern)) {
    return InvalidParam("repositoryName",
                        "must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*"
                        "[a-z0-9]+(?:[._-][a-z0-9]+)*'");
  }
  return Status::Ok();
}

Status ValidateRegistryId(const Json& in, const aws::AwsContext& ctx) {
  ASSIGN_OR_RETURN(auto id, OptString(in, "registryId", 0, 64));
  if (!id) return Status::Ok();
  static const std::regex kPattern("[0-9]{12}");
  if (!std::regex_match(*id, kPattern)) {
    return Validation("registryId", *id, "Member must satisfy regular expression pattern: [0-9]{12}");
  }
  if (*id != ctx.account_id) {
    return NotFound("The registry with id '" + *id + "' does not exist",
                    "RepositoryNotFoundException");
  }
  return Status::Ok();
}

std::string FormatImageId(const Json& id) {
  return "{imageDigest:'" + GetString(id, "imageDigest").value_or("null") + "', imageTag:'" +
         GetString(id, "imageTag").value_or("null") + "'}";
}

Json ImageIdJson(const std::string& digest, const std::string& tag) {
  Json j{{"imageDigest", digest}};
  if (!tag.empty()) j["imageTag"] = tag;
  return j;
}

Result<registry::TagMutability> ParseMutability(const Json& in,
                                                std::vector<std::string>& filters) {
  registry::TagMutability m = registry::TagMutability::kMutable;
  if (in.contains("imageTagMutability")) {
    const Json& v = in["imageTagMutability"];
    auto parsed = v.is_string() ? registry::ParseTagMutability(v.get<std::string>()) : std::nullopt;
    if (!parsed) {
      return Validation("imageTagMutability", v.is_string() ? v.get<std::string>() : DumpJson(v),
                        "Member must satisfy enum value set: [MUTABLE, IMMUTABLE, "
                        "IMMUTABLE_WITH_EXCLUSION, MUTABLE_WITH_EXCLUSION]");
    }
    m = *parsed;
  }
  filters.clear();
  if (const Json* f = GetArray(in, "imageTagMutabilityExclusionFilters")) {
    if (f->empty() || f->size() > registry::kMaxMutabilityFilters) {
      return Validation("imageTagMutabilityExclusionFilters", std::to_string(f->size()),
                        "Member must have length between 1 and 5");
    }
    static const std::regex kFilter("[0-9a-zA-Z._*-]{1,128}");
    for (size_t i = 0; i < f->size(); ++i) {
      const std::string field =
          "imageTagMutabilityExclusionFilters." + std::to_string(i + 1) + ".member.";
      const Json& e = (*f)[i];
      auto type = e.is_object() ? GetString(e, "filterType") : std::nullopt;
      auto value = e.is_object() ? GetString(e, "filter") : std::nullopt;
      if (!type || *type != "WILDCARD") {
        return Validation(field + "filterType", type.value_or("null"),
                          "Member must satisfy enum value set: [WILDCARD]");
      }
      if (!value || !std::regex_match(*value, kFilter)) {
        return Validation(field + "filter", value.value_or("null"),
                          "Member must satisfy regular expression pattern: ^[0-9a-zA-Z._*-]{1,128}$");
      }
      filters.push_back(*value);
    }
  }
  const bool with_exclusion = m == registry::TagMutability::kImmutableWithExclusion ||
                              m == registry::TagMutability::kMutableWithExclusion;
  if (with_exclusion && filters.empty()) {
    return InvalidParam("imageTagMutabilityExclusionFilters",
                        "exclusion filters are required with " +
                            std::string(registry::TagMutabilityName(m)));
  }
  if (!with_exclusion && !filters.empty()) {
    return InvalidParam("imageTagMutabilityExclusionFilters",
                        "exclusion filters are only allowed with *_WITH_EXCLUSION");
  }
  return m;
}

Json FiltersJson(const std::vector<std::string>& filters) {
  Json a = Json::array();
  for (const auto& f : filters) a.push_back({{"filter", f}, {"filterType", "WILDCARD"}});
  return a;
}

Result<std::vector<std::pair<std::string, std::string>>> ParseTags(const Json& in,
                                                                   const char* field) {
  std::vector<std::pair<std::string, std::string>> out;
  const Json* tags = GetArray(in, field);
  if (!tags) return out;
  for (size_t i = 0; i < tags->size(); ++i) {
    const Json& t = (*tags)[i];
    auto k = t.is_object() ? GetString(t, "Key") : std::nullopt;
    auto v = t.is_object() ? GetString(t, "Value") : std::nullopt;
    if (!k || k->empty() || k->size() > 128) {
      return InvalidArgument("Invalid parameter at 'tags." + std::to_string(i + 1) +
                                 ".member.Key': tag keys must be 1 to 128 characters",
                             "InvalidTagParameterException");
    }
    if (!v || v->size() > 256) {
      return InvalidArgument("Invalid parameter at 'tags." + std::to_string(i + 1) +
                                 ".member.Value': tag values must be 0 to 256 characters",
                             "InvalidTagParameterException");
    }
    out.emplace_back(*k, *v);
  }
  return out;
}

// Adds or replaces tags by key; TooManyTagsException beyond 50.
Status MergeTags(std::vector<std::pair<std::string, std::string>>& into,
                 const std::vector<std::pair<std::string, std::string>>& add) {
  for (const auto& [k, v] : add) {
    auto it = std::find_if(into.begin(), into.end(), [&](const auto& p) { return p.first == k; });
    if (it != into.end()) {
      it->second = v;
    } else {
      into.emplace_back(k, v);
    }
  }
  if (into.size() > registry::kMaxResourceTags) {
    return InvalidArgument("a repository can have at most 50 tags", "TooManyTagsException");
  }
  return Status::Ok();
}

Json TagsJson(const std::vector<std::pair<std::string, std::string>>& tags) {
  Json a = Json::array();
  for (const auto& [k, v] : tags) a.push_back({{"Key", k}, {"Value", v}});
  return a;
}

// Who publishes the events of scanning-configuration changes.
surveyor::events::BusIdentity EventBus(const EcrDeps& d) {
  return {d.context.account_id, d.context.region, &d.clock};
}

}  // namespace

bool EcrService::Accepts(const http::Request& request) {
  if (request.method != http::Method::kPost || request.path != "/") return false;
  auto target = request.headers.Get("X-Amz-Target");
  return target && target->starts_with(kTargetPrefix);
}

http::Response EcrService::Handle(http::Request& request) {
  auto body = aws::ReadBody(request);
  if (!body.ok()) {
    return aws::AwsJsonError(request, "InvalidParameterException", "request body too large");
  }
  auto verified = aws::VerifyRequest(d_.verifier, request, *body, auth::kEcrService);
  if (!verified.ok()) {
    return aws::AwsJsonError(request, verified.status().domain_code(),
                             verified.status().message());
  }
  const std::string_view op = request.headers.Get("X-Amz-Target")->substr(
      std::string_view(kTargetPrefix).size());
  auto input = aws::ParseObjectBody(*body, "SerializationException");
  if (!input.ok()) return aws::AwsJsonErrorFrom(request, input.status());
  Call call{request, std::move(*input), auth::CallerFromSigV4(*verified, d_.context.account_id)};
  auto result = Dispatch(op, call);
  if (!result.ok()) return aws::AwsJsonErrorFrom(request, result.status());
  return aws::AwsJsonOk(request, *result);
}

namespace {

// The per-call helpers that need the service's dependencies.
class Ops {
 public:
  Ops(EcrDeps& d, EcrService::Call& c) : d_(d), c_(c) {}

  const Json& in() const { return c_.input; }
  const std::string& account() const { return d_.context.account_id; }

  Status Authorize(std::string_view action, const std::string& repo,
                   const std::optional<std::string>& policy_text) {
    std::optional<auth::Policy> policy;
    if (policy_text) {
      auto parsed = auth::ParseRepositoryPolicy(*policy_text);
      if (parsed.ok()) policy = std::move(*parsed);
    }
    const std::string arn = repo.empty() ? "" : d_.context.RepositoryArn(repo);
    const std::string full = "ecr:" + std::string(action);
    auth::AuthorizeInput input;
    input.caller = &c_.caller;
    input.action = full;
    input.repository_arn = arn;
    input.repository_policy = policy ? &*policy : nullptr;
    return auth::Authorize(input, auth::DenialStyle::kAws);
  }

  // Validates registryId and repositoryName, loads the repository, authorizes `action`.
  Result<RepositoryRecord> Repo(std::string_view action, const char* field = "repositoryName") {
    RETURN_IF_ERROR(ValidateRegistryId(in(), d_.context));
    ASSIGN_OR_RETURN(std::string name, ReqString(in(), field, 2, 256));
    RETURN_IF_ERROR(ValidateRepositoryName(name));
    ASSIGN_OR_RETURN(RepositoryRecord repo, registry::GetRepository(d_.db, name, account()));
    RETURN_IF_ERROR(Authorize(action, repo.name, repo.settings.policy_text));
    return repo;
  }

  Json RepositoryJson(const RepositoryRecord& r) const {
    const auto& s = r.settings;
    Json enc{{"encryptionType", s.encryption_type}};
    if (!s.kms_key.empty()) enc["kmsKey"] = s.kms_key;
    Json j{{"repositoryArn", d_.context.RepositoryArn(r.name)},
           {"registryId", account()},
           {"repositoryName", r.name},
           {"repositoryUri", RegistryHost() + "/" + r.name},
           {"createdAt", aws::EpochSeconds(r.created_at_ms)},
           {"imageTagMutability", std::string(registry::TagMutabilityName(s.mutability))},
           {"imageScanningConfiguration", {{"scanOnPush", s.scan_on_push}}},
           {"encryptionConfiguration", enc}};
    if (!s.mutability_filters.empty()) {
      j["imageTagMutabilityExclusionFilters"] = FiltersJson(s.mutability_filters);
    }
    return j;
  }

  std::string RegistryHost() const {
    return std::string(c_.request.headers.Get("Host").value_or("localhost"));
  }

  // Resolves imageIds against the repository's images. Each entry → index into `images` or a
  // failure object.
  struct Resolved {
    const ImageRecord* image = nullptr;
    std::string tag;  // the tag the id named, if any
    bool had_digest = false;
    Json failure;
  };
  Result<std::vector<Resolved>> ResolveIds(const std::vector<ImageRecord>& images, size_t max_ids) {
    const Json* ids = GetArray(in(), "imageIds");
    if (!ids) return Validation("imageIds", "null", "Member must not be null");
    if (ids->empty() || ids->size() > max_ids) {
      return Validation("imageIds", std::to_string(ids->size()) + " items",
                        "Member must have length between 1 and " + std::to_string(max_ids));
    }
    std::vector<Resolved> out;
    for (const Json& id : *ids) {
      Resolved r;
      if (!id.is_object()) {
        return Validation("imageIds", DumpJson(id), "Member must be a structure");
      }
      auto digest = GetString(id, "imageDigest");
      auto tag = GetString(id, "imageTag");
      r.had_digest = digest.has_value();
      auto fail = [&](const char* code, const std::string& reason) {
        r.failure = {{"imageId", id}, {"failureCode", code}, {"failureReason", reason}};
      };
      if (!digest && !tag) {
        fail("MissingDigestAndTag", "Invalid request parameters: both tag and digest cannot be null");
      } else if (tag && (tag->empty() || tag->size() > 300)) {
        fail("InvalidImageTag", "Invalid request parameters: image tag must be 1 to 300 characters");
      } else if (digest && !Digest::Parse(*digest).ok()) {
        fail("InvalidImageDigest", "Invalid request parameters: image digest should satisfy the "
                                   "regex '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+'");
      } else {
        for (const auto& img : images) {
          const bool digest_ok = !digest || img.digest == *digest;
          const bool tag_ok =
              !tag || std::find(img.tags.begin(), img.tags.end(), *tag) != img.tags.end();
          if (digest_ok && tag_ok) {
            r.image = &img;
            break;
          }
        }
        if (!r.image) {
          bool tag_elsewhere = false;
          if (digest && tag) {
            for (const auto& img : images) {
              if (std::find(img.tags.begin(), img.tags.end(), *tag) != img.tags.end()) {
                tag_elsewhere = true;
              }
            }
          }
          if (tag_elsewhere) {
            fail("ImageTagDoesNotMatchDigest", "Invalid request parameters: given tag does not "
                                               "match the digest");
          } else {
            fail("ImageNotFound", "Requested image not found");
          }
        }
        if (tag) r.tag = *tag;
      }
      out.push_back(std::move(r));
    }
    return out;
  }

  Result<std::pair<size_t, size_t>> Page(size_t default_size, int64_t max) {
    ASSIGN_OR_RETURN(auto max_results, OptInt(in(), "maxResults", 1, max));
    ASSIGN_OR_RETURN(auto token, OptString(in(), "nextToken", 0, 4096));
    size_t offset = 0;
    if (token && !token->empty()) {
      ASSIGN_OR_RETURN(offset, aws::ParseOffsetToken(*token, kInvalidParameter));
    }
    return std::pair<size_t, size_t>(offset, max_results ? static_cast<size_t>(*max_results)
                                                         : default_size);
  }

  EcrDeps& d_;
  EcrService::Call& c_;
};

template <typename T>
Json PageOut(const std::vector<T>& all, size_t offset, size_t size, const char* key,
             const std::function<Json(const T&)>& render) {
  Json items = Json::array();
  for (size_t i = offset; i < all.size() && i < offset + size; ++i) items.push_back(render(all[i]));
  Json out{{key, items}};
  if (offset + size < all.size()) out["nextToken"] = aws::OffsetToken(offset + size);
  return out;
}

}  // namespace

Result<Json> EcrService::Dispatch(std::string_view op, Call& call) {
  Ops o(d_, call);
  const Json& in = call.input;
  const std::string& account = d_.context.account_id;
  auto now_ms = [&] { return ToUnixMillis(d_.clock.Now()); };

  if (op == "GetAuthorizationToken") {
    RETURN_IF_ERROR(o.Authorize("GetAuthorizationToken", "", std::nullopt));
    ASSIGN_OR_RETURN(auto token, d_.tokens.Issue(call.caller.access_key_id));
    return Json{{"authorizationData",
                 Json::array({{{"authorizationToken", token.authorization_token},
                               {"expiresAt", aws::EpochSeconds(ToUnixMillis(token.expires_at))},
                               {"proxyEndpoint", "http://" + o.RegistryHost()}}})}};
  }
  if (op == "CreateRepository") {
    RETURN_IF_ERROR(ValidateRegistryId(in, d_.context));
    ASSIGN_OR_RETURN(std::string name, ReqString(in, "repositoryName", 2, 256));
    RETURN_IF_ERROR(ValidateRepositoryName(name));
    registry::RepositorySettings s;
    ASSIGN_OR_RETURN(s.mutability, ParseMutability(in, s.mutability_filters));
    if (const Json* sc = GetObject(in, "imageScanningConfiguration")) s.scan_on_push = OptBool(*sc, "scanOnPush");
    if (const Json* enc = GetObject(in, "encryptionConfiguration")) {
      auto type = GetString(*enc, "encryptionType");
      if (!type || (*type != "AES256" && *type != "KMS" && *type != "KMS_DSSE")) {
        return Validation("encryptionConfiguration.encryptionType", type.value_or("null"),
                          "Member must satisfy enum value set: [AES256, KMS, KMS_DSSE]");
      }
      s.encryption_type = *type;
      ASSIGN_OR_RETURN(auto key, OptString(*enc, "kmsKey", 1, 2048));
      if (key && *type == "AES256") {
        return InvalidParam("encryptionConfiguration.kmsKey",
                            "kmsKey may only be given with encryptionType KMS or KMS_DSSE");
      }
      if (key) s.kms_key = *key;
      if (!key && *type != "AES256") {
        s.kms_key = "arn:aws:kms:" + d_.context.region + ":" + account + ":alias/aws/ecr";
      }
    }
    ASSIGN_OR_RETURN(auto tags, ParseTags(in, "tags"));
    RETURN_IF_ERROR(MergeTags(s.tags, tags));
    RETURN_IF_ERROR(o.Authorize("CreateRepository", name, std::nullopt));
    ASSIGN_OR_RETURN(auto repo, registry::CreateRepository(d_.db, name, s, now_ms(), account));
    return Json{{"repository", o.RepositoryJson(repo)}};
  }
  if (op == "DescribeRepositories") {
    RETURN_IF_ERROR(ValidateRegistryId(in, d_.context));
    std::vector<RepositoryRecord> repos;
    if (const Json* names = GetArray(in, "repositoryNames")) {
      if (names->empty() || names->size() > 100) {
        return Validation("repositoryNames", std::to_string(names->size()) + " items",
                          "Member must have length between 1 and 100");
      }
      if (in.contains("maxResults") || in.contains("nextToken")) {
        return InvalidParam("repositoryNames", "cannot be combined with maxResults or nextToken");
      }
      for (const Json& n : *names) {
        if (!n.is_string()) return Validation("repositoryNames", DumpJson(n), "Member must be a string");
        RETURN_IF_ERROR(ValidateRepositoryName(n.get<std::string>()));
        ASSIGN_OR_RETURN(auto r, registry::GetRepository(d_.db, n.get<std::string>(), account));
        repos.push_back(std::move(r));
      }
    } else {
      ASSIGN_OR_RETURN(repos, registry::ListRepositories(d_.db));
    }
    std::vector<RepositoryRecord> visible;
    for (auto& r : repos) {
      if (o.Authorize("DescribeRepositories", r.name, r.settings.policy_text).ok()) {
        visible.push_back(std::move(r));
      } else if (GetArray(in, "repositoryNames")) {
        RETURN_IF_ERROR(o.Authorize("DescribeRepositories", r.name, r.settings.policy_text));
      }
    }
    ASSIGN_OR_RETURN(auto page, o.Page(100, 1000));
    std::function<Json(const RepositoryRecord&)> render = [&](const RepositoryRecord& r) {
      return o.RepositoryJson(r);
    };
    return PageOut(visible, page.first, page.second, "repositories", render);
  }
  if (op == "DeleteRepository") {
    ASSIGN_OR_RETURN(auto repo, o.Repo("DeleteRepository"));
    if (OptBool(in, "force")) {
      // Through the registry first, so that its observers hear of every deleted image.
      ASSIGN_OR_RETURN(auto images, registry::ListImageRecords(d_.db, repo.id));
      for (const auto& img : images) {
        Status s = d_.registry.DeleteManifest(repo.name, img.digest);
        if (!s.ok() && s.code() != StatusCode::kNotFound) return s;
      }
    }
    RETURN_IF_ERROR(registry::DeleteRepository(d_.db, repo.name, OptBool(in, "force"), account));
    return Json{{"repository", o.RepositoryJson(repo)}};
  }
  if (op == "PutImageTagMutability") {
    ASSIGN_OR_RETURN(auto repo, o.Repo("PutImageTagMutability"));
    if (!in.contains("imageTagMutability")) return Validation("imageTagMutability", "null", "Member must not be null");
    ASSIGN_OR_RETURN(repo.settings.mutability, ParseMutability(in, repo.settings.mutability_filters));
    RETURN_IF_ERROR(registry::SaveSettings(d_.db, repo.id, repo.settings));
    Json out{{"registryId", account},
             {"repositoryName", repo.name},
             {"imageTagMutability", std::string(registry::TagMutabilityName(repo.settings.mutability))}};
    if (!repo.settings.mutability_filters.empty()) {
      out["imageTagMutabilityExclusionFilters"] = FiltersJson(repo.settings.mutability_filters);
    }
    return out;
  }
  if (op == "PutImageScanningConfiguration") {
    ASSIGN_OR_RETURN(auto repo, o.Repo("PutImageScanningConfiguration"));
    const Json* sc = GetObject(in, "imageScanningConfiguration");
    if (!sc) return Validation("imageScanningConfiguration", "null", "Member must not be null");
    repo.settings.scan_on_push = OptBool(*sc, "scanOnPush");
    RETURN_IF_ERROR(surveyor::events::ChangeScanningWithEvents(d_.db, EventBus(d_), [&] {
      return registry::SaveSettings(d_.db, repo.id, repo.settings);
    }));
    return Json{{"registryId", account},
                {"repositoryName", repo.name},
                {"imageScanningConfiguration", {{"scanOnPush", repo.settings.scan_on_push}}}};
  }
  if (op == "PutRegistryScanningConfiguration") {
    RETURN_IF_ERROR(o.Authorize("PutRegistryScanningConfiguration", "", std::nullopt));
    ASSIGN_OR_RETURN(auto config, registry::ParseScanningConfiguration(in));
    // "ECR Scan Resource Change" for the repositories it moves, in the same transaction.
    RETURN_IF_ERROR(surveyor::events::ChangeScanningWithEvents(d_.db, EventBus(d_), [&] {
      return registry::SaveScanningConfiguration(d_.db, config);
    }));
    return Json{{"registryScanningConfiguration", registry::ScanningConfigurationToJson(config)}};
  }
  if (op == "GetRegistryScanningConfiguration") {
    RETURN_IF_ERROR(o.Authorize("GetRegistryScanningConfiguration", "", std::nullopt));
    ASSIGN_OR_RETURN(auto config, registry::LoadScanningConfiguration(d_.db));
    return Json{{"registryId", account},
                {"scanningConfiguration", registry::ScanningConfigurationToJson(config)}};
  }
  if (op == "BatchGetRepositoryScanningConfiguration") {
    const Json* names = GetArray(in, "repositoryNames");
    if (!names) return Validation("repositoryNames", "null", "Member must not be null");
    if (names->empty() || names->size() > 25) {
      return Validation("repositoryNames", std::to_string(names->size()) + " items",
                        "Member must have length between 1 and 25");
    }
    ASSIGN_OR_RETURN(auto config, registry::LoadScanningConfiguration(d_.db));
    Json configs = Json::array(), failures = Json::array();
    for (const Json& n : *names) {
      if (!n.is_string()) return Validation("repositoryNames", DumpJson(n), "Member must be a string");
      const std::string name = n.get<std::string>();
      RETURN_IF_ERROR(ValidateRepositoryName(name));
      auto repo = registry::GetRepository(d_.db, name, account);
      if (!repo.ok()) {
        if (repo.status().domain_code() != "RepositoryNotFoundException") return repo.status();
        failures.push_back({{"repositoryName", name},
                            {"failureCode", "REPOSITORY_NOT_FOUND"},
                            {"failureReason", "REPOSITORY_NOT_FOUND"}});
        continue;
      }
      RETURN_IF_ERROR(o.Authorize("BatchGetRepositoryScanningConfiguration", name,
                                  repo->settings.policy_text));
      auto eff = registry::EffectiveScanningFor(config, name, repo->settings.scan_on_push);
      Json filters = Json::array();
      for (const auto& f : eff.applied_filters) filters.push_back({{"filter", f}, {"filterType", "WILDCARD"}});
      Json c{{"repositoryArn", d_.context.RepositoryArn(name)},
             {"repositoryName", name},
             {"scanOnPush", eff.scan_on_push},
             {"appliedScanFilters", filters}};
      if (!eff.scan_frequency.empty()) c["scanFrequency"] = eff.scan_frequency;
      configs.push_back(std::move(c));
    }
    return Json{{"scanningConfigurations", configs}, {"failures", failures}};
  }
  if (op == "DescribeImages" || op == "ListImages") {
    ASSIGN_OR_RETURN(auto repo, o.Repo(op));
    ASSIGN_OR_RETURN(auto images, registry::ListImageRecords(d_.db, repo.id));
    std::string tag_status = "ANY";
    if (const Json* f = GetObject(in, "filter")) {
      auto ts = GetString(*f, "tagStatus");
      if (ts && *ts != "TAGGED" && *ts != "UNTAGGED" && *ts != "ANY") {
        return Validation("filter.tagStatus", *ts, "Member must satisfy enum value set: [TAGGED, UNTAGGED, ANY]");
      }
      if (ts) tag_status = *ts;
    }
    auto keep = [&](const ImageRecord& r) {
      return tag_status == "ANY" || (tag_status == "TAGGED") == !r.tags.empty();
    };
    if (op == "ListImages") {
      std::vector<Json> ids;
      for (const auto& r : images) {
        if (!keep(r)) continue;
        if (r.tags.empty()) ids.push_back(ImageIdJson(r.digest, ""));
        for (const auto& t : r.tags) ids.push_back(ImageIdJson(r.digest, t));
      }
      ASSIGN_OR_RETURN(auto page, o.Page(100, 1000));
      std::function<Json(const Json&)> render = [](const Json& j) { return j; };
      return PageOut(ids, page.first, page.second, "imageIds", render);
    }
    auto detail = [&](const ImageRecord& r) {
      Json tags = Json::array();
      for (const auto& t : r.tags) tags.push_back(t);
      Json j{{"registryId", account},
             {"repositoryName", repo.name},
             {"imageDigest", r.digest},
             {"imageSizeInBytes", r.layers_size + r.manifest_size},
             {"imagePushedAt", aws::EpochSeconds(r.pushed_at_ms)},
             {"imageManifestMediaType", r.media_type}};
      if (!r.tags.empty()) j["imageTags"] = tags;
      if (!r.artifact_type.empty()) j["artifactMediaType"] = r.artifact_type;
      if (r.last_pulled_at_ms) j["lastRecordedPullTime"] = aws::EpochSeconds(*r.last_pulled_at_ms);
      const Json scan_fields = ScanSummaryFields(repo.name, r.digest);
      for (const auto& [k, v] : scan_fields.items()) j[k] = v;
      return j;
    };
    if (GetArray(in, "imageIds")) {
      if (in.contains("nextToken") || in.contains("maxResults")) {
        return InvalidParam("imageIds", "cannot be combined with maxResults or nextToken");
      }
      ASSIGN_OR_RETURN(auto resolved, o.ResolveIds(images, 100));
      Json details = Json::array();
      for (const auto& r : resolved) {
        if (!r.image) {
          return NotFound("The image with imageId " + FormatImageId(r.failure["imageId"]) +
                              " does not exist within the repository with name '" + repo.name +
                              "' in the registry with id '" + account + "'",
                          "ImageNotFoundException");
        }
        details.push_back(detail(*r.image));
      }
      return Json{{"imageDetails", details}};
    }
    std::vector<ImageRecord> kept;
    for (auto& r : images) {
      if (keep(r)) kept.push_back(std::move(r));
    }
    ASSIGN_OR_RETURN(auto page, o.Page(100, 1000));
    std::function<Json(const ImageRecord&)> render = detail;
    return PageOut(kept, page.first, page.second, "imageDetails", render);
  }
  if (op == "BatchGetImage") {
    ASSIGN_OR_RETURN(auto repo, o.Repo("BatchGetImage"));
    ASSIGN_OR_RETURN(auto images, registry::ListImageRecords(d_.db, repo.id));
    ASSIGN_OR_RETURN(auto resolved, o.ResolveIds(images, 100));
    std::set<std::string> accepted;
    if (const Json* a = GetArray(in, "acceptedMediaTypes")) {
      for (const Json& t : *a) {
        if (t.is_string()) accepted.insert(t.get<std::string>());
      }
    }
    Json out_images = Json::array(), failures = Json::array();
    for (const auto& r : resolved) {
      if (!r.image) {
        failures.push_back(r.failure);
        continue;
      }
      if (!accepted.empty() && !accepted.contains(r.image->media_type)) {
        failures.push_back({{"imageId", ImageIdJson(r.image->digest, r.tag)},
                            {"failureCode", "UnsupportedImageType"},
                            {"failureReason", "The image's media type is not accepted"}});
        continue;
      }
      ASSIGN_OR_RETURN(auto m, d_.registry.GetManifest(repo.name, r.image->digest, true));
      out_images.push_back({{"registryId", account},
                            {"repositoryName", repo.name},
                            {"imageId", ImageIdJson(r.image->digest, r.tag)},
                            {"imageManifest", m.content},
                            {"imageManifestMediaType", m.media_type}});
    }
    return Json{{"images", out_images}, {"failures", failures}};
  }
  if (op == "BatchDeleteImage") {
    ASSIGN_OR_RETURN(auto repo, o.Repo("BatchDeleteImage"));
    ASSIGN_OR_RETURN(auto images, registry::ListImageRecords(d_.db, repo.id));
    ASSIGN_OR_RETURN(auto resolved, o.ResolveIds(images, 100));
    Json deleted = Json::array(), failures = Json::array();
    for (const auto& r : resolved) {
      if (!r.image) {
        failures.push_back(r.failure);
        continue;
      }
      const bool by_tag = !r.tag.empty() && !r.had_digest;
      Status s;
      if (by_tag && r.image->tags.size() > 1) {
        s = d_.registry.DeleteManifest(repo.name, r.tag);
      } else {
        s = d_.registry.DeleteManifest(repo.name, r.image->digest);
        if (s.code() == StatusCode::kNotFound) s = Status::Ok();  // deleted by an earlier id
      }
      if (!s.ok()) return s;
      deleted.push_back(ImageIdJson(r.image->digest, r.tag));
    }
    return Json{{"imageIds", deleted}, {"failures", failures}};
  }
  if (op == "PutImage") {
    ASSIGN_OR_RETURN(auto repo, o.Repo("PutImage"));
    ASSIGN_OR_RETURN(std::string manifest, ReqString(in, "imageManifest", 1, 4194304));
    ASSIGN_OR_RETURN(auto media_type, OptString(in, "imageManifestMediaType", 0, 1024));
    ASSIGN_OR_RETURN(auto tag, OptString(in, "imageTag", 1, 300));
    ASSIGN_OR_RETURN(auto expected, OptString(in, "imageDigest", 0, 1024));
    std::string type = media_type.value_or("");
    if (type.empty()) {
      auto parsed = ParseJson(manifest, 64);
      if (parsed.ok() && parsed->is_object()) type = parsed->value("mediaType", std::string());
    }
    if (type.empty()) {
      return InvalidParam("imageManifestMediaType",
                          "the manifest has no mediaType; give imageManifestMediaType");
    }
    const Digest computed = ComputeDigest(manifest);
    if (expected && *expected != computed.ToString()) {
      return InvalidArgument("Invalid parameter at 'imageDigest': the manifest digest is " +
                                 computed.ToString(),
                             "ImageDigestDoesNotMatchException");
    }
    if (tag) {
      auto current = d_.registry.GetManifest(repo.name, *tag, false);
      if (current.ok() && current->digest == computed) {
        return AlreadyExists("Image with digest '" + computed.ToString() + "' and tag '" + *tag +
                                 "' already exists in the repository with name '" + repo.name +
                                 "' in registry with id '" + account + "'",
                             "ImageAlreadyExistsException");
      }
    }
    auto put = d_.registry.PutManifest(repo.name, tag ? *tag : computed.ToString(), type, manifest);
    if (!put.ok()) {
      const std::string& code = put.status().domain_code();
      if (code == "TAG_INVALID" && put.status().code() == StatusCode::kFailedPrecondition) {
        return InvalidArgument(put.status().message(), "ImageTagAlreadyExistsException");
      }
      if (code == "MANIFEST_BLOB_UNKNOWN") {
        return InvalidArgument(put.status().message(), "LayersNotFoundException");
      }
      if (code == "MANIFEST_INVALID" || code == "TAG_INVALID" || code == "SIZE_INVALID") {
        return InvalidArgument(put.status().message(), kInvalidParameter);
      }
      return put.status();
    }
    Json image_id = ImageIdJson(put->digest.ToString(), tag.value_or(""));
    return Json{{"image",
                 {{"registryId", account},
                  {"repositoryName", repo.name},
                  {"imageId", image_id},
                  {"imageManifest", manifest},
                  {"imageManifestMediaType", type}}}};
  }
  if (op == "StartImageScan" || op == "DescribeImageScanFindings") {
    ASSIGN_OR_RETURN(auto repo, o.Repo(op));
    const Json* id_member = GetObject(in, "imageId");
    if (!id_member) return Validation("imageId", "null", "Member must not be null");
    const Json image_id = *id_member;  // call.input is swapped below
    const Json* id = &image_id;
    ASSIGN_OR_RETURN(auto images, registry::ListImageRecords(d_.db, repo.id));
    Json wrapped{{"imageIds", Json::array({*id})}};
    Json saved = call.input;
    call.input = wrapped;
    auto resolved = o.ResolveIds(images, 1);
    call.input = saved;
    if (!resolved.ok()) return resolved.status();
    if (!(*resolved)[0].image) {
      return NotFound("The image with imageId " + FormatImageId(*id) +
                          " does not exist within the repository with name '" + repo.name +
                          "' in the registry with id '" + account + "'",
                      "ImageNotFoundException");
    }
    const ImageRecord& image = *(*resolved)[0].image;
    const std::string tag = (*resolved)[0].tag;
    return ScanOperation(op, repo.name, image.digest, image.media_type,
                         ImageIdJson(image.digest, tag), in);
  }
  if (op == "PutLifecyclePolicy") {
    ASSIGN_OR_RETURN(auto repo, o.Repo("PutLifecyclePolicy"));
    ASSIGN_OR_RETURN(std::string text, ReqString(in, "lifecyclePolicyText", 100, 30720));
    ASSIGN_OR_RETURN(auto policy, lifecycle::ParseLifecyclePolicy(text));
    (void)policy;
    repo.settings.lifecycle_policy_text = text;
    RETURN_IF_ERROR(registry::SaveSettings(d_.db, repo.id, repo.settings));
    return Json{{"registryId", account}, {"repositoryName", repo.name}, {"lifecyclePolicyText", text}};
  }
  if (op == "GetLifecyclePolicy" || op == "DeleteLifecyclePolicy") {
    ASSIGN_OR_RETURN(auto repo, o.Repo(op));
    if (!repo.settings.lifecycle_policy_text) {
      return NotFound("Lifecycle policy does not exist for the repository with name '" +
                          repo.name + "' in the registry with id '" + account + "'",
                      "LifecyclePolicyNotFoundException");
    }
    Json out{{"registryId", account},
             {"repositoryName", repo.name},
             {"lifecyclePolicyText", *repo.settings.lifecycle_policy_text}};
    if (repo.settings.lifecycle_evaluated_at_ms) {
      out["lastEvaluatedAt"] = aws::EpochSeconds(*repo.settings.lifecycle_evaluated_at_ms);
    }
    if (op == "DeleteLifecyclePolicy") {
      repo.settings.lifecycle_policy_text.reset();
      RETURN_IF_ERROR(registry::SaveSettings(d_.db, repo.id, repo.settings));
    }
    return out;
  }
  if (op == "StartLifecyclePolicyPreview") {
    ASSIGN_OR_RETURN(auto repo, o.Repo("StartLifecyclePolicyPreview"));
    ASSIGN_OR_RETURN(auto text, OptString(in, "lifecyclePolicyText", 100, 30720));
    if (!text) text = repo.settings.lifecycle_policy_text;
    if (!text) {
      return NotFound("Lifecycle policy does not exist for the repository with name '" +
                          repo.name + "' in the registry with id '" + account + "'",
                      "LifecyclePolicyNotFoundException");
    }
    ASSIGN_OR_RETURN(auto policy, lifecycle::ParseLifecyclePolicy(*text));
    (void)policy;
    // The same loading (and, at Get, the same planning) as `surveyor lifecycle run`: the images as
    // they are now, and the index references that keep an index's children with it.
    RETURN_IF_ERROR(d_.registry.FlushPullTimes());
    ASSIGN_OR_RETURN(auto loaded, lifecycle::LoadRepositoryImages(d_.db, repo.id));
    Json images = Json::array();
    for (const auto& img : loaded.images) {
      images.push_back({{"digest", img.digest},
                        {"tags", img.tags},
                        {"pushed", ToUnixMillis(img.pushed_at)},
                        {"pulled", img.last_pulled_at ? Json(ToUnixMillis(*img.last_pulled_at))
                                                      : Json()}});
    }
    Json refs = Json::array();
    for (const auto& [parent, child] : loaded.references) refs.push_back({parent, child});
    // The evaluation is quick and pure: it runs now, and Get reports COMPLETE.
    {
      std::lock_guard lock(previews_mu_);
      previews_[repo.name] =
          Json{{"text", *text}, {"images", images}, {"refs", refs}, {"now", now_ms()}};
    }
    return Json{{"registryId", account},
                {"repositoryName", repo.name},
                {"lifecyclePolicyText", *text},
                {"status", "IN_PROGRESS"}};
  }
  if (op == "GetLifecyclePolicyPreview") {
    ASSIGN_OR_RETURN(auto repo, o.Repo("GetLifecyclePolicyPreview"));
    Json state;
    {
      std::lock_guard lock(previews_mu_);
      auto it = previews_.find(repo.name);
      if (it == previews_.end()) {
        return NotFound("There is no dry run for the repository with name '" + repo.name +
                            "' in the registry with id '" + account + "'",
                        "LifecyclePolicyPreviewNotFoundException");
      }
      state = it->second;
    }
    ASSIGN_OR_RETURN(auto policy, lifecycle::ParseLifecyclePolicy(state["text"].get<std::string>()));
    lifecycle::RepositoryImages loaded;
    auto millis = [](int64_t ms) { return TimePoint(std::chrono::milliseconds(ms)); };
    for (const Json& j : state["images"]) {
      lifecycle::Image img;
      img.digest = j["digest"].get<std::string>();
      for (const Json& t : j["tags"]) img.tags.push_back(t.get<std::string>());
      img.pushed_at = millis(j["pushed"].get<int64_t>());
      if (j["pulled"].is_number()) img.last_pulled_at = millis(j["pulled"].get<int64_t>());
      loaded.images.push_back(std::move(img));
    }
    for (const Json& r : state["refs"]) {
      loaded.references.emplace_back(r[0].get<std::string>(), r[1].get<std::string>());
    }
    const TimePoint now = millis(state["now"].get<int64_t>());
    const lifecycle::Plan plan = lifecycle::PlanExpirations(policy, loaded, now);
    const auto& images = loaded.images;
    const auto& expirations = plan.expirations;
    lifecycle::PreviewQuery q;
    if (const Json* f = GetObject(in, "filter")) {
      auto ts = GetString(*f, "tagStatus");
      if (ts && *ts != "TAGGED" && *ts != "UNTAGGED" && *ts != "ANY") {
        return Validation("filter.tagStatus", *ts, "Member must satisfy enum value set: [TAGGED, UNTAGGED, ANY]");
      }
      if (ts) q.tag_status_filter = *ts;
    }
    ASSIGN_OR_RETURN(auto max_results, OptInt(in, "maxResults", 1, 100));
    if (max_results) q.max_results = *max_results;
    ASSIGN_OR_RETURN(auto token, OptString(in, "nextToken", 0, 4096));
    if (token) q.next_token = *token;
    if (const Json* ids = GetArray(in, "imageIds")) {
      (void)ids;
      ASSIGN_OR_RETURN(auto records, registry::ListImageRecords(d_.db, repo.id));
      ASSIGN_OR_RETURN(auto resolved, o.ResolveIds(records, 100));
      for (const auto& r : resolved) {
        if (r.image) q.image_digests.push_back(r.image->digest);
      }
    }
    ASSIGN_OR_RETURN(Json page, lifecycle::BuildPreviewPage(images, expirations, q));
    page["registryId"] = account;
    page["repositoryName"] = repo.name;
    page["lifecyclePolicyText"] = state["text"];
    page["status"] = "COMPLETE";
    return page;
  }
  if (op == "SetRepositoryPolicy") {
    ASSIGN_OR_RETURN(auto repo, o.Repo("SetRepositoryPolicy"));
    ASSIGN_OR_RETURN(std::string text, ReqString(in, "policyText", 0, 10240));
    ASSIGN_OR_RETURN(auto policy, auth::ParseRepositoryPolicy(text));
    (void)policy;
    repo.settings.policy_text = text;
    RETURN_IF_ERROR(registry::SaveSettings(d_.db, repo.id, repo.settings));
    return Json{{"registryId", account}, {"repositoryName", repo.name}, {"policyText", text}};
  }
  if (op == "GetRepositoryPolicy" || op == "DeleteRepositoryPolicy") {
    ASSIGN_OR_RETURN(auto repo, o.Repo(op));
    if (!repo.settings.policy_text) {
      return NotFound("Repository policy does not exist for the repository with name '" +
                          repo.name + "' in the registry with id '" + account + "'",
                      "RepositoryPolicyNotFoundException");
    }
    Json out{{"registryId", account},
             {"repositoryName", repo.name},
             {"policyText", *repo.settings.policy_text}};
    if (op == "DeleteRepositoryPolicy") {
      repo.settings.policy_text.reset();
      RETURN_IF_ERROR(registry::SaveSettings(d_.db, repo.id, repo.settings));
    }
    return out;
  }
  if (op == "TagResource" || op == "UntagResource" || op == "ListTagsForResource") {
    ASSIGN_OR_RETURN(std::string arn, ReqString(in, "resourceArn", 1, 2048));
    const std::string prefix = d_.context.RepositoryArn("");
    if (!arn.starts_with(prefix) || arn.size() == prefix.size()) {
      return InvalidParam("resourceArn", "must be the ARN of a repository in this registry (" +
                                             prefix + "<name>)");
    }
    call.input["repositoryName"] = arn.substr(prefix.size());
    ASSIGN_OR_RETURN(auto repo, o.Repo(op));
    if (op == "ListTagsForResource") return Json{{"tags", TagsJson(repo.settings.tags)}};
    if (op == "TagResource") {
      if (!GetArray(in, "tags")) return Validation("tags", "null", "Member must not be null");
      ASSIGN_OR_RETURN(auto tags, ParseTags(in, "tags"));
      RETURN_IF_ERROR(MergeTags(repo.settings.tags, tags));
    } else {
      const Json* keys = GetArray(in, "tagKeys");
      if (!keys) return Validation("tagKeys", "null", "Member must not be null");
      std::set<std::string> drop;
      for (const Json& k : *keys) {
        if (k.is_string()) drop.insert(k.get<std::string>());
      }
      std::erase_if(repo.settings.tags, [&](const auto& p) { return drop.contains(p.first); });
    }
    RETURN_IF_ERROR(registry::SaveSettings(d_.db, repo.id, repo.settings));
    return Json::object();
  }
  if (op == "DescribeRegistry") {
    RETURN_IF_ERROR(o.Authorize("DescribeRegistry", "", std::nullopt));
    return Json{{"registryId", account}, {"replicationConfiguration", {{"rules", Json::array()}}}};
  }
  return InvalidArgument("The operation " + std::string(op) + " is not supported by this server",
                         "UnknownOperationException");
}

void AddRoutes(http::Router& router, EcrService& service) {
  router.Add("ecr", EcrService::Accepts, [&service](http::Request& r) { return service.Handle(r); });
}

}  // namespace surveyor::api::ecr
