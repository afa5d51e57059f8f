#include "lifecycle/policy.h"

#include <algorithm>
#include <set>

#include "common/glob.h"
#include "common/json.h"

namespace surveyor::lifecycle {
namespace {

Status Invalid(const std::string& reason) {
  return InvalidArgument(
      "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle "
      "policy validation failure: " +
          reason + "'",
      kInvalidParameter);
}

std::string Quote(const std::string& s) { return DumpJson(Json(s)); }

Status OnlyKnownMembers(const Json& object, std::initializer_list<std::string_view> known,
                        const std::string& where) {
  std::vector<std::string> extra;
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (std::find(known.begin(), known.end(), it.key()) == known.end()) extra.push_back(it.key());
  }
  if (extra.empty()) return Status::Ok();
  std::string list;
  for (const auto& e : extra) list += (list.empty() ? "" : ",") + Quote(e);
  return Invalid(where + " has properties which are not allowed by the schema: [" + list + "]");
}

Result<int64_t> PositiveInteger(const Json& object, const char* key, const std::string& where) {
  const auto it = object.find(key);
  if (it == object.end()) return Invalid(where + " is missing required property " + Quote(key));
  if (!it->is_number_integer() && !it->is_number_unsigned()) {
    return Invalid(where + " " + Quote(key) + " must be an integer");
  }
  if (it->is_number_unsigned() && it->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
    return Invalid(where + " " + Quote(key) + " is too large");
  }
  const int64_t v = it->get<int64_t>();
  if (v < 1)
    return Invalid(where + " " + Quote(key) + " must be at least 1, found " + std::to_string(v));
  return v;
}

Result<std::vector<std::string>> StringList(const Json& list, const std::string& what) {
  if (!list.is_array()) return Invalid(what + " must be an array of strings");
  if (list.empty()) return Invalid(what + " must not be empty");
  std::vector<std::string> out;
  for (const auto& item : list) {
    if (!item.is_string() || item.get<std::string>().empty()) {
      return Invalid(what + " must contain only non-empty strings");
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

Result<Rule> ParseRule(const Json& r, size_t index) {
  const std::string where = "rules[" + std::to_string(index) + "]";
  if (!r.is_object()) return Invalid(where + " must be an object");
  RETURN_IF_ERROR(
      OnlyKnownMembers(r, {"rulePriority", "description", "selection", "action"}, where));
  Rule rule;
  ASSIGN_OR_RETURN(rule.priority, PositiveInteger(r, "rulePriority", where));
  if (const auto it = r.find("description"); it != r.end()) {
    if (!it->is_string()) return Invalid(where + " \"description\" must be a string");
    rule.description = it->get<std::string>();
  }
  const auto action = r.find("action");
  if (action == r.end() || !action->is_object()) {
    return Invalid(where + " is missing required property \"action\"");
  }
  RETURN_IF_ERROR(OnlyKnownMembers(*action, {"type"}, where + ".action"));
  const auto type = action->find("type");
  if (type == action->end() || !type->is_string() || *type != "expire") {
    return Invalid("The rule with priority " + std::to_string(rule.priority) +
                   " has an invalid action type; the only supported action type is \"expire\"");
  }
  const auto sel_it = r.find("selection");
  if (sel_it == r.end() || !sel_it->is_object()) {
    return Invalid(where + " is missing required property \"selection\"");
  }
  const Json& sel = *sel_it;
  const std::string swhere = where + ".selection";
  RETURN_IF_ERROR(OnlyKnownMembers(sel,
                                   {"tagStatus", "tagPrefixList", "tagPatternList", "countType",
                                    "countUnit", "countNumber", "storageClass"},
                                   swhere));
  const std::string prio = "The rule with priority " + std::to_string(rule.priority);
  const auto tag_status = sel.find("tagStatus");
  if (tag_status == sel.end())
    return Invalid(swhere + " is missing required property \"tagStatus\"");
  if (*tag_status == "tagged") {
    rule.tag_status = TagStatus::kTagged;
  } else if (*tag_status == "untagged") {
    rule.tag_status = TagStatus::kUntagged;
  } else if (*tag_status == "any") {
    rule.tag_status = TagStatus::kAny;
  } else {
    return Invalid(swhere + " \"tagStatus\" must be one of [\"tagged\",\"untagged\",\"any\"]");
  }
  const auto prefixes = sel.find("tagPrefixList");
  const auto patterns = sel.find("tagPatternList");
  if (prefixes != sel.end()) {
    ASSIGN_OR_RETURN(rule.tag_prefixes, StringList(*prefixes, swhere + " \"tagPrefixList\""));
  }
  if (patterns != sel.end()) {
    ASSIGN_OR_RETURN(rule.tag_patterns, StringList(*patterns, swhere + " \"tagPatternList\""));
    for (const auto& p : rule.tag_patterns) {
      if (std::count(p.begin(), p.end(), '*') > kMaxWildcardsPerPattern) {
        return Invalid(prio + " has a tagPatternList value " + Quote(p) +
                       " with more than 4 wildcards (*)");
      }
    }
  }
  if (rule.tag_status == TagStatus::kTagged) {
    if (rule.tag_prefixes.empty() && rule.tag_patterns.empty()) {
      return Invalid(prio +
                     " has tagStatus \"tagged\" and must specify tagPrefixList or tagPatternList");
    }
    if (!rule.tag_prefixes.empty() && !rule.tag_patterns.empty()) {
      return Invalid(prio + " must not specify both tagPrefixList and tagPatternList");
    }
  } else if (prefixes != sel.end() || patterns != sel.end()) {
    return Invalid(prio + " has tagStatus " + Quote(std::string(TagStatusName(rule.tag_status))) +
                   " and must not specify tagPrefixList or tagPatternList");
  }
  const auto count_type = sel.find("countType");
  if (count_type == sel.end())
    return Invalid(swhere + " is missing required property \"countType\"");
  if (*count_type == "imageCountMoreThan") {
    rule.count_type = CountType::kImageCountMoreThan;
  } else if (*count_type == "sinceImagePushed") {
    rule.count_type = CountType::kSinceImagePushed;
  } else if (*count_type == "sinceImagePulled") {
    rule.count_type = CountType::kSinceImagePulled;
  } else {
    return Invalid(swhere +
                   " \"countType\" must be one of [\"imageCountMoreThan\",\"sinceImagePushed\","
                   "\"sinceImagePulled\"]");
  }
  const auto unit = sel.find("countUnit");
  if (rule.count_type == CountType::kImageCountMoreThan) {
    if (unit != sel.end()) {
      return Invalid(prio + " has countType \"imageCountMoreThan\" and must not specify countUnit");
    }
  } else {
    if (unit == sel.end()) {
      return Invalid(prio + " has countType " + Quote(count_type->get<std::string>()) +
                     " and must specify countUnit");
    }
    if (*unit != "days") return Invalid(swhere + " \"countUnit\" must be \"days\"");
  }
  ASSIGN_OR_RETURN(rule.count_number, PositiveInteger(sel, "countNumber", swhere));
  if (const auto sc = sel.find("storageClass"); sc != sel.end() && *sc != "standard") {
    return Invalid(prio + " has an unsupported storageClass; only \"standard\" is supported");
  }
  return rule;
}

}  // namespace

std::string_view TagStatusName(TagStatus s) {
  switch (s) {
    case TagStatus::kTagged:
      return "tagged";
    case TagStatus::kUntagged:
      return "untagged";
    case TagStatus::kAny:
      return "any";
  }
  return "any";
}

bool TagMatchesPattern(std::string_view tag, std::string_view pattern) {
  return GlobMatch(tag, pattern);
}

Result<Policy> ParseLifecyclePolicy(std::string_view text) {
  if (text.size() > kMaxPolicyTextLength) {
    return Invalid("the policy text is longer than 30720 characters");
  }
  auto parsed = ParseJson(text, 16);
  if (!parsed.ok()) return Invalid(parsed.status().message());
  const Json& doc = *parsed;
  if (!doc.is_object()) return Invalid("the policy must be a JSON object");
  RETURN_IF_ERROR(OnlyKnownMembers(doc, {"rules"}, "the policy"));
  const auto rules = doc.find("rules");
  if (rules == doc.end()) return Invalid("the policy is missing required property \"rules\"");
  if (!rules->is_array()) return Invalid("\"rules\" must be an array");
  if (rules->empty()) return Invalid("\"rules\" must contain at least one rule");
  Policy policy;
  for (size_t i = 0; i < rules->size(); ++i) {
    ASSIGN_OR_RETURN(Rule rule, ParseRule((*rules)[i], i));
    policy.rules.push_back(std::move(rule));
  }
  std::stable_sort(policy.rules.begin(), policy.rules.end(),
                   [](const Rule& a, const Rule& b) { return a.priority < b.priority; });
  int untagged = 0;
  std::set<std::pair<int, std::set<std::string>>> tag_sets;
  for (size_t i = 0; i < policy.rules.size(); ++i) {
    const Rule& r = policy.rules[i];
    if (i > 0 && policy.rules[i - 1].priority == r.priority) {
      return Invalid("The rulePriority " + std::to_string(r.priority) +
                     " is used by more than one rule; each rule must have a unique rulePriority");
    }
    if (r.tag_status == TagStatus::kAny && i + 1 != policy.rules.size()) {
      return Invalid("The rule with priority " + std::to_string(r.priority) +
                     " has tagStatus \"any\" and must have the highest rulePriority");
    }
    if (r.tag_status == TagStatus::kUntagged && ++untagged > 1) {
      return Invalid("Only one rule may select untagged images");
    }
    if (r.tag_status == TagStatus::kTagged) {
      const bool by_prefix = !r.tag_prefixes.empty();
      const auto& list = by_prefix ? r.tag_prefixes : r.tag_patterns;
      if (!tag_sets.emplace(by_prefix ? 0 : 1, std::set<std::string>(list.begin(), list.end()))
               .second) {
        return Invalid("The rule with priority " + std::to_string(r.priority) +
                       " repeats the tag list of another rule; tag lists must be unique");
      }
    }
  }
  return policy;
}

}  // namespace surveyor::lifecycle
