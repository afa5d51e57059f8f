// The lifecycle evaluator: (images, policy, now) -> expirations, following ECR's rules exactly
// (SPEC.md §6.7): rules in rulePriority order; an image is expired by at most one rule; an image
// selected by a higher-priority rule is never expired by a lower one but still counts toward the
// lower rule's imageCountMoreThan limit; older images always go first. Pure and deterministic.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/json.h"
#include "lifecycle/policy.h"

namespace surveyor::lifecycle {

struct Image {
  std::string digest;
  std::vector<std::string> tags;
  TimePoint pushed_at;
  std::optional<TimePoint> last_pulled_at;  // none: never pulled
};

struct Expiration {
  std::string digest;
  int64_t rule_priority = 0;
  bool operator==(const Expiration&) const = default;
};

// True when `rule`'s tag selection picks `image` (tagStatus plus prefix or pattern lists).
bool Selects(const Rule& rule, const Image& image);

// Expirations ordered by push time, oldest first (ties by digest). Images with equal push times
// are ordered by digest for imageCountMoreThan, so the result never depends on input order.
// sinceImagePushed/sinceImagePulled expire an image when now − reference > countNumber days;
// for sinceImagePulled the reference is the last pull, or the push when it was never pulled.
std::vector<Expiration> Evaluate(const Policy& policy, const std::vector<Image>& images,
                                 TimePoint now);

// GetLifecyclePolicyPreview's result members for a finished preview: previewResults (each
// {imageTags, imageDigest, imagePushedAt (epoch seconds), action {type: EXPIRE},
// appliedRulePriority}) and summary {expiringImageTotalCount}. `tag_status_filter` is the
// request's filter.tagStatus (TAGGED/UNTAGGED/ANY, upper-case as on the wire, empty = none); it
// narrows previewResults, while the summary counts every expiring image.
Json BuildPreviewResults(const std::vector<Image>& images,
                         const std::vector<Expiration>& expirations,
                         const std::string& tag_status_filter = "");

// One page of GetLifecyclePolicyPreview. `image_digests` is the request's imageIds resolved to
// digests by the caller (empty = every image); max_results 1..100 (AWS's bounds, default 100);
// next_token is the value a previous page returned. Adds "nextToken" when more results remain.
// Errors: InvalidArgument with domain code InvalidParameterException.
struct PreviewQuery {
  std::string tag_status_filter;
  std::vector<std::string> image_digests;
  int64_t max_results = 100;
  std::string next_token;
};
Result<Json> BuildPreviewPage(const std::vector<Image>& images,
                              const std::vector<Expiration>& expirations,
                              const PreviewQuery& query);

}  // namespace surveyor::lifecycle
