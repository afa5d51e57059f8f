#include "api/inspector/filter_criteria.h"

#include <map>
#include <string_view>

namespace surveyor::api::inspector {
namespace {

enum class Kind { kString, kDate, kNumber, kMap, kPackage, kPortRange };

const std::map<std::string, Kind, std::less<>>& Fields() {
  static const auto* kFields = new std::map<std::string, Kind, std::less<>>{
      {"findingArn", Kind::kString}, {"awsAccountId", Kind::kString},
      {"findingType", Kind::kString}, {"severity", Kind::kString},
      {"firstObservedAt", Kind::kDate}, {"lastObservedAt", Kind::kDate},
      {"updatedAt", Kind::kDate}, {"findingStatus", Kind::kString},
      {"title", Kind::kString}, {"inspectorScore", Kind::kNumber},
      {"resourceType", Kind::kString}, {"resourceId", Kind::kString},
      {"resourceTags", Kind::kMap}, {"ec2InstanceImageId", Kind::kString},
      {"ec2InstanceVpcId", Kind::kString}, {"ec2InstanceSubnetId", Kind::kString},
      {"ecrImagePushedAt", Kind::kDate}, {"ecrImageArchitecture", Kind::kString},
      {"ecrImageRegistry", Kind::kString}, {"ecrImageRepositoryName", Kind::kString},
      {"ecrImageTags", Kind::kString}, {"ecrImageHash", Kind::kString},
      {"ecrImageLastInUseAt", Kind::kDate}, {"ecrImageInUseCount", Kind::kNumber},
      {"portRange", Kind::kPortRange}, {"networkProtocol", Kind::kString},
      {"componentId", Kind::kString}, {"componentType", Kind::kString},
      {"vulnerabilityId", Kind::kString}, {"vulnerabilitySource", Kind::kString},
      {"vendorSeverity", Kind::kString}, {"vulnerablePackages", Kind::kPackage},
      {"relatedVulnerabilities", Kind::kString}, {"fixAvailable", Kind::kString},
      {"lambdaFunctionName", Kind::kString}, {"lambdaFunctionLayers", Kind::kString},
      {"lambdaFunctionRuntime", Kind::kString}, {"lambdaFunctionLastModifiedAt", Kind::kDate},
      {"lambdaFunctionExecutionRoleArn", Kind::kString}, {"exploitAvailable", Kind::kString},
      {"codeVulnerabilityDetectorName", Kind::kString},
      {"codeVulnerabilityDetectorTags", Kind::kString},
      {"codeVulnerabilityFilePath", Kind::kString}, {"epssScore", Kind::kNumber},
      {"codeRepositoryProjectName", Kind::kString},
      {"codeRepositoryProviderType", Kind::kString},
  };
  return *kFields;
}

Status Error(const std::string& field, const std::string& value, const std::string& what) {
  return InvalidArgument("1 validation error detected: Value '" + value + "' at '" + field +
                             "' failed to satisfy constraint: " + what,
                         "ValidationException");
}

std::string Show(const Json& v) {
  std::string s = v.is_string() ? v.get<std::string>() : DumpJson(v);
  return s.size() > 64 ? s.substr(0, 64) + "..." : s;
}

Status OnlyMembers(const Json& obj, const std::string& field,
                   std::initializer_list<std::string_view> allowed) {
  for (const auto& [k, v] : obj.items()) {
    bool ok = false;
    for (auto a : allowed) ok = ok || a == k;
    if (!ok) return Error(field + "." + k, Show(v), "Member is not part of the structure");
  }
  return Status::Ok();
}

Status StringFilter(const Json& f, const std::string& field) {
  if (!f.is_object()) return Error(field, Show(f), "Member must be a structure");
  RETURN_IF_ERROR(OnlyMembers(f, field, {"comparison", "value"}));
  auto c = GetString(f, "comparison");
  if (!c || (*c != "EQUALS" && *c != "PREFIX" && *c != "NOT_EQUALS")) {
    return Error(field + ".comparison", c.value_or("null"),
                 "Member must satisfy enum value set: [EQUALS, PREFIX, NOT_EQUALS]");
  }
  auto v = GetString(f, "value");
  if (!v || v->empty() || v->size() > 1024) {
    return Error(field + ".value", v ? Show(*v) : "null", "Member must have length between 1 and 1024");
  }
  return Status::Ok();
}

Status Bound(const Json& f, const std::string& field, const char* member, double lo, double hi) {
  if (!f.contains(member)) return Status::Ok();
  const Json& v = f[member];
  if (!v.is_number()) return Error(field + "." + member, Show(v), "Member must be a number");
  const double d = v.get<double>();
  if (d < lo || d > hi) {
    return Error(field + "." + member, Show(v), "Member must be between " + DumpJson(Json(lo)) +
                                                    " and " + DumpJson(Json(hi)));
  }
  return Status::Ok();
}

Status OneFilter(Kind kind, const Json& f, const std::string& field) {
  if (!f.is_object()) return Error(field, Show(f), "Member must be a structure");
  switch (kind) {
    case Kind::kString: return StringFilter(f, field);
    case Kind::kDate:
      RETURN_IF_ERROR(OnlyMembers(f, field, {"startInclusive", "endInclusive"}));
      RETURN_IF_ERROR(Bound(f, field, "startInclusive", -1e12, 1e12));
      return Bound(f, field, "endInclusive", -1e12, 1e12);
    case Kind::kNumber:
      RETURN_IF_ERROR(OnlyMembers(f, field, {"lowerInclusive", "upperInclusive"}));
      RETURN_IF_ERROR(Bound(f, field, "lowerInclusive", -1e300, 1e300));
      return Bound(f, field, "upperInclusive", -1e300, 1e300);
    case Kind::kPortRange:
      RETURN_IF_ERROR(OnlyMembers(f, field, {"beginInclusive", "endInclusive"}));
      RETURN_IF_ERROR(Bound(f, field, "beginInclusive", 0, 65535));
      return Bound(f, field, "endInclusive", 0, 65535);
    case Kind::kMap: {
      RETURN_IF_ERROR(OnlyMembers(f, field, {"comparison", "key", "value"}));
      auto c = GetString(f, "comparison");
      if (!c || *c != "EQUALS") {
        return Error(field + ".comparison", c.value_or("null"), "Member must satisfy enum value set: [EQUALS]");
      }
      auto k = GetString(f, "key");
      if (!k || k->empty() || k->size() > 128) {
        return Error(field + ".key", k.value_or("null"), "Member must have length between 1 and 128");
      }
      if (f.contains("value")) {
        auto v = GetString(f, "value");
        if (!v || v->size() > 256) {
          return Error(field + ".value", Show(f["value"]), "Member must have length less than or equal to 256");
        }
      }
      return Status::Ok();
    }
    case Kind::kPackage: {
      RETURN_IF_ERROR(OnlyMembers(f, field, {"name", "version", "epoch", "release", "architecture",
                                             "sourceLayerHash", "sourceLambdaLayerArn", "filePath"}));
      for (const char* m : {"name", "version", "release", "architecture", "sourceLayerHash",
                            "sourceLambdaLayerArn", "filePath"}) {
        if (f.contains(m)) RETURN_IF_ERROR(StringFilter(f[m], field + "." + m));
      }
      if (f.contains("epoch")) {
        const Json& e = f["epoch"];
        if (!e.is_object()) return Error(field + ".epoch", Show(e), "Member must be a structure");
        RETURN_IF_ERROR(OnlyMembers(e, field + ".epoch", {"lowerInclusive", "upperInclusive"}));
        RETURN_IF_ERROR(Bound(e, field + ".epoch", "lowerInclusive", -1e300, 1e300));
        RETURN_IF_ERROR(Bound(e, field + ".epoch", "upperInclusive", -1e300, 1e300));
      }
      return Status::Ok();
    }
  }
  return Status::Ok();
}

}  // namespace

Status ValidateFilterCriteria(const Json& criteria, const std::string& field) {
  if (!criteria.is_object()) return Error(field, Show(criteria), "Member must be a structure");
  for (const auto& [name, list] : criteria.items()) {
    const std::string f = field + "." + name;
    auto it = Fields().find(name);
    if (it == Fields().end()) return Error(f, Show(list), "Member is not part of FilterCriteria");
    if (!list.is_array()) return Error(f, Show(list), "Member must be a list");
    if (list.empty() || list.size() > 10) {
      return Error(f, std::to_string(list.size()) + " items", "Member must have length between 1 and 10");
    }
    for (size_t i = 0; i < list.size(); ++i) {
      RETURN_IF_ERROR(OneFilter(it->second, list[i], f + "." + std::to_string(i + 1) + ".member"));
    }
  }
  return Status::Ok();
}

}  // namespace surveyor::api::inspector
