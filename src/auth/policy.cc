#include "auth/policy.h"

#include <algorithm>
#include <set>

#include "auth/errors.h"
#include "common/json.h"

namespace surveyor::auth {
namespace {

Status Invalid(std::string detail) {
  return InvalidArgument(std::string(kInvalidPolicyMessage) + " (" + detail + ")",
                         std::string(kInvalidParameterException));
}

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string ToLower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), Lower);
  return out;
}

bool IsDigits(std::string_view s, size_t n) {
  return s.size() == n &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "arn:<partition>:iam::<12 digits>:root|user/...|role/..."; returns the account or empty.
std::string_view IamArnAccount(std::string_view arn) {
  if (arn.substr(0, 4) != "arn:") return {};
  std::string_view rest = arn.substr(4);
  size_t p = rest.find(':');
  if (p == std::string_view::npos || p == 0) return {};
  rest = rest.substr(p + 1);
  if (rest.substr(0, 5) != "iam::") return {};
  rest = rest.substr(5);
  std::string_view account = rest.substr(0, 12);
  if (!IsDigits(account, 12) || rest.size() < 14 || rest[12] != ':') return {};
  return account;
}

// The part after "<account>:" of a well-formed IAM ARN ("root", "user/alice"); else empty.
std::string_view IamArnResource(std::string_view arn) {
  if (IamArnAccount(arn).empty()) return {};
  size_t p = arn.find("iam::");
  return arn.substr(p + 5 + 13);
}

Status ValidateAwsPrincipal(std::string_view p) {
  if (p == "*" || IsDigits(p, 12)) return Status::Ok();
  if (IamArnAccount(p).empty()) {
    return Invalid("Principal AWS value must be \"*\", a 12-digit account id or an IAM ARN");
  }
  std::string_view res = IamArnResource(p);
  if (res == "root") return Status::Ok();
  for (std::string_view kind : {"user/", "role/"}) {
    if (res.size() > kind.size() && res.substr(0, kind.size()) == kind &&
        res.find('*') == std::string_view::npos) {
      return Status::Ok();
    }
  }
  return Invalid("Principal ARN must name root, user/<name> or role/<name>, without wildcards");
}

// A string or a non-empty list of strings.
Status StringList(const Json& v, std::string_view field, std::vector<std::string>* out) {
  if (v.is_string()) {
    out->push_back(v.get<std::string>());
    return Status::Ok();
  }
  if (!v.is_array() || v.empty()) {
    return Invalid(std::string(field) + " must be a string or a non-empty list of strings");
  }
  if (v.size() > kMaxPolicyListItems) {
    return Invalid(std::string(field) + " lists more than " + std::to_string(kMaxPolicyListItems) +
                   " values");
  }
  for (const Json& item : v) {
    if (!item.is_string()) return Invalid(std::string(field) + " values must be strings");
    out->push_back(item.get<std::string>());
  }
  return Status::Ok();
}

const std::set<std::string, std::less<>>& SupportedOperators() {
  static const std::set<std::string, std::less<>> kOps = {"StringEquals",
                                                          "StringNotEquals",
                                                          "StringEqualsIgnoreCase",
                                                          "StringNotEqualsIgnoreCase",
                                                          "StringLike",
                                                          "StringNotLike",
                                                          "ArnEquals",
                                                          "ArnNotEquals",
                                                          "ArnLike",
                                                          "ArnNotLike",
                                                          "Bool"};
  return kOps;
}

Status ParseConditions(const Json& v, std::vector<PolicyCondition>* out) {
  if (!v.is_object()) return Invalid("Condition must be an object");
  for (const auto& [op, block] : v.items()) {
    if (!SupportedOperators().count(op)) {
      return Invalid("condition operator '" + op.substr(0, 64) + "' is not supported");
    }
    if (!block.is_object() || block.empty()) {
      return Invalid("Condition " + op + " must map keys to values");
    }
    for (const auto& [key, values] : block.items()) {
      PolicyCondition c;
      c.op = op;
      c.key = ToLower(key);
      if (c.key.empty() || c.key.size() > 128)
        return Invalid("condition key must be 1-128 characters");
      auto add = [&](const Json& x) -> Status {
        if (x.is_string())
          c.values.push_back(x.get<std::string>());
        else if (x.is_boolean())
          c.values.push_back(x.get<bool>() ? "true" : "false");
        else if (x.is_number_integer())
          c.values.push_back(std::to_string(x.get<int64_t>()));
        else
          return Invalid("condition values must be strings, booleans or integers");
        return Status::Ok();
      };
      if (values.is_array()) {
        if (values.empty() || values.size() > kMaxPolicyListItems) {
          return Invalid("condition value lists must have 1-" +
                         std::to_string(kMaxPolicyListItems) + " entries");
        }
        for (const Json& x : values) RETURN_IF_ERROR(add(x));
      } else {
        RETURN_IF_ERROR(add(values));
      }
      out->push_back(std::move(c));
    }
  }
  return Status::Ok();
}

Status ParseStatement(const Json& s, size_t index, PolicyStatement* out) {
  const std::string where = "Statement[" + std::to_string(index) + "]";
  if (!s.is_object()) return Invalid(where + " must be an object");
  for (const auto& [key, value] : s.items()) {
    if (key == "NotPrincipal" || key == "NotAction" || key == "NotResource") {
      return Invalid(where + "." + key + " is not supported");
    }
    if (key != "Sid" && key != "Effect" && key != "Principal" && key != "Action" &&
        key != "Resource" && key != "Condition") {
      return Invalid(where + " has an unknown element '" + key.substr(0, 64) + "'");
    }
  }
  if (auto it = s.find("Sid"); it != s.end()) {
    if (!it->is_string() || it->get<std::string>().size() > 256) {
      return Invalid(where + ".Sid must be a string of at most 256 characters");
    }
    out->sid = it->get<std::string>();
  }
  auto effect = s.find("Effect");
  if (effect == s.end()) return Invalid(where + ".Effect is missing");
  if (*effect == "Allow")
    out->effect = Effect::kAllow;
  else if (*effect == "Deny")
    out->effect = Effect::kDeny;
  else
    return Invalid(where + ".Effect must be \"Allow\" or \"Deny\"");

  auto principal = s.find("Principal");
  if (principal == s.end()) return Invalid(where + ".Principal is missing");
  if (principal->is_string()) {
    if (*principal != "*") return Invalid(where + ".Principal must be \"*\" or an object");
    out->any_principal = true;
  } else if (principal->is_object() && !principal->empty()) {
    for (const auto& [kind, value] : principal->items()) {
      if (kind == "AWS") {
        RETURN_IF_ERROR(StringList(value, where + ".Principal.AWS", &out->aws_principals));
      } else if (kind == "Service") {
        RETURN_IF_ERROR(StringList(value, where + ".Principal.Service", &out->service_principals));
      } else {
        return Invalid(where + ".Principal type '" + kind.substr(0, 64) + "' is not supported");
      }
    }
    for (const std::string& p : out->aws_principals) {
      RETURN_IF_ERROR(ValidateAwsPrincipal(p));
      if (p == "*") out->any_principal = true;
    }
  } else {
    return Invalid(where + ".Principal must be \"*\" or a non-empty object");
  }

  auto action = s.find("Action");
  if (action == s.end()) return Invalid(where + ".Action is missing");
  std::vector<std::string> actions;
  RETURN_IF_ERROR(StringList(*action, where + ".Action", &actions));
  for (const std::string& a : actions) {
    std::string lower = ToLower(a);
    if (lower != "*") {
      const bool ecr = lower.size() > 4 && lower.compare(0, 4, "ecr:") == 0;
      std::string_view name = ecr ? std::string_view(lower).substr(4) : std::string_view();
      if (!ecr || name.size() > 128 || !std::all_of(name.begin(), name.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || c == '*' || c == '?';
          })) {
        return Invalid(where + ".Action values must be \"*\" or \"ecr:<action>\"");
      }
    }
    out->actions.push_back(std::move(lower));
  }
  if (auto it = s.find("Resource"); it != s.end()) {
    RETURN_IF_ERROR(StringList(*it, where + ".Resource", &out->resources));
  }
  if (auto it = s.find("Condition"); it != s.end()) {
    RETURN_IF_ERROR(ParseConditions(*it, &out->conditions));
  }
  return Status::Ok();
}

bool PrincipalMatches(const PolicyStatement& s, std::string_view principal_arn) {
  if (s.any_principal) return true;
  if (principal_arn.empty()) return false;
  std::string_view account = IamArnAccount(principal_arn);
  for (const std::string& p : s.aws_principals) {
    if (p == principal_arn) return true;
    // An account (bare id or its root ARN) stands for every principal of that account.
    if (!account.empty()) {
      if (p == account) return true;
      if (IamArnResource(p) == "root" && IamArnAccount(p) == account) return true;
    }
  }
  return false;
}

bool ConditionHolds(const PolicyCondition& c, const std::map<std::string, std::string>& context) {
  auto it = context.find(c.key);
  const bool negated = c.op.find("Not") != std::string::npos;
  if (it == context.end()) return negated;  // IAM: a missing key fails positive operators
  const std::string& actual = it->second;
  bool any = false;
  for (const std::string& v : c.values) {
    bool m;
    if (c.op == "StringEquals" || c.op == "StringNotEquals" || c.op == "ArnEquals" ||
        c.op == "ArnNotEquals" || c.op == "Bool") {
      m = c.op == "Bool" ? ToLower(actual) == ToLower(v) : actual == v;
    } else if (c.op == "StringEqualsIgnoreCase" || c.op == "StringNotEqualsIgnoreCase") {
      m = ToLower(actual) == ToLower(v);
    } else {  // StringLike, StringNotLike, ArnLike, ArnNotLike
      m = WildcardMatch(v, actual, false);
    }
    if (m) {
      any = true;
      break;
    }
  }
  return negated ? !any : any;
}

}  // namespace

std::string_view DecisionName(Decision d) {
  switch (d) {
    case Decision::kAllow:
      return "Allow";
    case Decision::kDeny:
      return "Deny";
    case Decision::kNoOpinion:
      return "NoOpinion";
  }
  return "NoOpinion";
}

bool WildcardMatch(std::string_view pattern, std::string_view text, bool ignore_case) {
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  auto eq = [&](char a, char b) { return ignore_case ? Lower(a) == Lower(b) : a == b; };
  while (t < text.size()) {
    if (p < pattern.size() &&
        (pattern[p] == '?' || (pattern[p] != '*' && eq(pattern[p], text[t])))) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

Result<Policy> ParseRepositoryPolicy(std::string_view text) {
  if (text.size() > kMaxPolicyTextBytes) {
    return Invalid("policy text is longer than " + std::to_string(kMaxPolicyTextBytes) +
                   " characters");
  }
  auto parsed = ParseJson(text, 16);
  if (!parsed.ok()) return Invalid("not valid JSON: " + parsed.status().message());
  const Json& root = *parsed;
  if (!root.is_object()) return Invalid("the policy must be a JSON object");
  for (const auto& [key, value] : root.items()) {
    if (key != "Version" && key != "Id" && key != "Statement") {
      return Invalid("unknown top-level element '" + key.substr(0, 64) + "'");
    }
  }
  Policy policy;
  if (auto it = root.find("Version"); it != root.end()) {
    if (*it != "2012-10-17" && *it != "2008-10-17") {
      return Invalid("Version must be \"2012-10-17\" or \"2008-10-17\"");
    }
    policy.version = it->get<std::string>();
  }
  if (auto it = root.find("Id"); it != root.end() && !it->is_string()) {
    return Invalid("Id must be a string");
  }
  auto statements = root.find("Statement");
  if (statements == root.end()) return Invalid("Statement is missing");
  std::vector<const Json*> list;
  if (statements->is_object()) {
    list.push_back(&*statements);
  } else if (statements->is_array() && !statements->empty()) {
    for (const Json& s : *statements) list.push_back(&s);
  } else {
    return Invalid("Statement must be an object or a non-empty list");
  }
  if (list.size() > kMaxPolicyStatements) {
    return Invalid("more than " + std::to_string(kMaxPolicyStatements) + " statements");
  }
  std::set<std::string> sids;
  for (size_t i = 0; i < list.size(); ++i) {
    PolicyStatement st;
    RETURN_IF_ERROR(ParseStatement(*list[i], i, &st));
    if (!st.sid.empty() && !sids.insert(st.sid).second) {
      return Invalid("Sid '" + st.sid.substr(0, 64) + "' is used twice");
    }
    policy.statements.push_back(std::move(st));
  }
  return policy;
}

Decision Decide(const Policy& policy, const AccessRequest& request) {
  std::map<std::string, std::string> context;
  if (request.context) context = *request.context;
  if (!request.principal_arn.empty()) {
    context.emplace("aws:principalarn", std::string(request.principal_arn));
    std::string_view account = IamArnAccount(request.principal_arn);
    if (!account.empty()) context.emplace("aws:principalaccount", std::string(account));
    std::string_view res = IamArnResource(request.principal_arn);
    if (res.substr(0, 5) == "user/") {
      std::string_view name = res.substr(res.rfind('/') + 1);
      context.emplace("aws:username", std::string(name));
    }
  }
  bool allowed = false;
  for (const PolicyStatement& s : policy.statements) {
    if (!PrincipalMatches(s, request.principal_arn)) continue;
    if (!std::any_of(s.actions.begin(), s.actions.end(), [&](const std::string& a) {
          return WildcardMatch(a, request.action, true);
        })) {
      continue;
    }
    if (!s.resources.empty() && !request.resource_arn.empty() &&
        !std::any_of(s.resources.begin(), s.resources.end(), [&](const std::string& r) {
          return WildcardMatch(r, request.resource_arn, false);
        })) {
      continue;
    }
    if (!std::all_of(s.conditions.begin(), s.conditions.end(),
                     [&](const PolicyCondition& c) { return ConditionHolds(c, context); })) {
      continue;
    }
    if (s.effect == Effect::kDeny) return Decision::kDeny;
    allowed = true;
  }
  return allowed ? Decision::kAllow : Decision::kNoOpinion;
}

Decision Decide(const Policy& policy, std::string_view principal_arn, std::string_view action) {
  AccessRequest r;
  r.principal_arn = principal_arn;
  r.action = action;
  return Decide(policy, r);
}

std::string UserArn(std::string_view account_id, std::string_view user_name) {
  return "arn:aws:iam::" + std::string(account_id) + ":user/" + std::string(user_name);
}

}  // namespace surveyor::auth
