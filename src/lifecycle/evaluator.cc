#include "lifecycle/evaluator.h"

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <unordered_map>

namespace surveyor::lifecycle {
namespace {

bool HasTagWithPrefix(const Image& image, const std::string& prefix) {
  return std::any_of(image.tags.begin(), image.tags.end(), [&](const std::string& t) {
    return t.compare(0, prefix.size(), prefix) == 0 && t.size() >= prefix.size();
  });
}

bool HasTagMatching(const Image& image, const std::string& pattern) {
  return std::any_of(image.tags.begin(), image.tags.end(),
                     [&](const std::string& t) { return TagMatchesPattern(t, pattern); });
}

}  // namespace

bool Selects(const Rule& rule, const Image& image) {
  switch (rule.tag_status) {
    case TagStatus::kAny:
      return true;
    case TagStatus::kUntagged:
      return image.tags.empty();
    case TagStatus::kTagged:
      if (image.tags.empty()) return false;
      for (const auto& p : rule.tag_prefixes) {
        if (!HasTagWithPrefix(image, p)) return false;
      }
      for (const auto& p : rule.tag_patterns) {
        if (!HasTagMatching(image, p)) return false;
      }
      return true;
  }
  return false;
}

std::vector<Expiration> Evaluate(const Policy& policy, const std::vector<Image>& images,
                                 TimePoint now) {
  // Oldest first; equal push times by digest.
  std::vector<uint32_t> order(images.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    if (images[a].pushed_at != images[b].pushed_at)
      return images[a].pushed_at < images[b].pushed_at;
    return images[a].digest < images[b].digest;
  });
  std::vector<uint8_t> identified(images.size(), 0);  // selected by an earlier rule
  std::vector<int64_t> expired_by(images.size(), 0);  // 0 = not expired
  std::vector<uint32_t> selected;
  selected.reserve(images.size());
  for (const Rule& rule : policy.rules) {
    selected.clear();
    for (uint32_t i : order) {
      if (Selects(rule, images[i])) selected.push_back(i);
    }
    auto expire = [&](uint32_t i) {
      if (!identified[i] && expired_by[i] == 0) expired_by[i] = rule.priority;
    };
    if (rule.count_type == CountType::kImageCountMoreThan) {
      // Keep the newest countNumber of the selected images; the older rest is over the limit.
      if (static_cast<int64_t>(selected.size()) > rule.count_number) {
        const size_t over = selected.size() - static_cast<size_t>(rule.count_number);
        for (size_t k = 0; k < over; ++k) expire(selected[k]);
      }
    } else {
      // Ages in whole seconds; a countNumber too large to express in seconds never expires.
      constexpr int64_t kSecondsPerDay = 86400;
      if (rule.count_number <= INT64_MAX / kSecondsPerDay) {
        const int64_t limit = rule.count_number * kSecondsPerDay;
        for (uint32_t i : selected) {
          TimePoint reference = images[i].pushed_at;
          if (rule.count_type == CountType::kSinceImagePulled && images[i].last_pulled_at) {
            reference = *images[i].last_pulled_at;
          }
          const int64_t age =
              std::chrono::duration_cast<std::chrono::seconds>(now - reference).count();
          const bool older =
              age > limit || (age == limit && now - reference > std::chrono::seconds(age));
          if (older) expire(i);
        }
      }
    }
    for (uint32_t i : selected) identified[i] = 1;
  }
  std::vector<Expiration> out;
  for (uint32_t i : order) {
    if (expired_by[i] != 0) out.push_back({images[i].digest, expired_by[i]});
  }
  return out;
}

namespace {

Json PreviewEntry(const Image& img, const Expiration& e) {
  const double pushed = std::chrono::duration<double>(img.pushed_at.time_since_epoch()).count();
  return {{"imageTags", img.tags},
          {"imageDigest", img.digest},
          {"imagePushedAt", pushed},
          {"action", {{"type", "EXPIRE"}}},
          {"appliedRulePriority", e.rule_priority}};
}

bool PassesTagFilter(const Image& img, const std::string& filter) {
  if (filter == "TAGGED") return !img.tags.empty();
  if (filter == "UNTAGGED") return img.tags.empty();
  return true;
}

}  // namespace

Json BuildPreviewResults(const std::vector<Image>& images,
                         const std::vector<Expiration>& expirations,
                         const std::string& tag_status_filter) {
  std::unordered_map<std::string, const Image*> by_digest;
  by_digest.reserve(images.size());
  for (const auto& img : images) by_digest.emplace(img.digest, &img);
  Json results = Json::array();
  for (const auto& e : expirations) {
    const auto it = by_digest.find(e.digest);
    if (it == by_digest.end() || !PassesTagFilter(*it->second, tag_status_filter)) continue;
    results.push_back(PreviewEntry(*it->second, e));
  }
  return {{"previewResults", results},
          {"summary", {{"expiringImageTotalCount", expirations.size()}}}};
}

Result<Json> BuildPreviewPage(const std::vector<Image>& images,
                              const std::vector<Expiration>& expirations,
                              const PreviewQuery& query) {
  if (query.max_results < 1 || query.max_results > 100) {
    return InvalidArgument("maxResults must be between 1 and 100", kInvalidParameter);
  }
  const std::string& f = query.tag_status_filter;
  if (!f.empty() && f != "TAGGED" && f != "UNTAGGED" && f != "ANY") {
    return InvalidArgument("filter.tagStatus must be one of TAGGED, UNTAGGED, ANY",
                           kInvalidParameter);
  }
  size_t offset = 0;
  if (!query.next_token.empty()) {
    const std::string& t = query.next_token;
    if (t.size() < 2 || t.size() > 12 || t[0] != 'p' ||
        t.find_first_not_of("0123456789", 1) != std::string::npos) {
      return InvalidArgument("Invalid parameter at 'nextToken'", kInvalidParameter);
    }
    offset = static_cast<size_t>(std::stoull(t.substr(1)));
  }
  std::unordered_map<std::string, const Image*> by_digest;
  by_digest.reserve(images.size());
  for (const auto& img : images) by_digest.emplace(img.digest, &img);
  std::unordered_map<std::string, bool> wanted;
  for (const auto& d : query.image_digests) wanted.emplace(d, true);
  Json results = Json::array();
  size_t seen = 0;
  bool more = false;
  for (const auto& e : expirations) {
    const auto it = by_digest.find(e.digest);
    if (it == by_digest.end() || !PassesTagFilter(*it->second, f)) continue;
    if (!wanted.empty() && !wanted.count(e.digest)) continue;
    if (seen++ < offset) continue;
    if (results.size() == static_cast<size_t>(query.max_results)) {
      more = true;
      break;
    }
    results.push_back(PreviewEntry(*it->second, e));
  }
  Json out = {{"previewResults", results},
              {"summary", {{"expiringImageTotalCount", expirations.size()}}}};
  if (more) out["nextToken"] = "p" + std::to_string(offset + results.size());
  return out;
}

}  // namespace surveyor::lifecycle
