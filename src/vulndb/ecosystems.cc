#include "vulndb/ecosystems.h"

#include "versions/ecosystem.h"

namespace surveyor::vulndb {

std::string_view EcosystemBase(std::string_view ecosystem) {
  const size_t colon = ecosystem.find(':');
  return colon == std::string_view::npos ? ecosystem : ecosystem.substr(0, colon);
}

bool IsKnownEcosystem(std::string_view ecosystem) {
  return versions::FindEcosystem(ecosystem) != nullptr;
}

bool IsDistroEcosystem(std::string_view ecosystem) { return versions::IsDistroEcosystem(ecosystem); }

std::string NormalizePackageName(std::string_view ecosystem, std::string_view name) {
  return versions::NormalizePackageName(ecosystem, name);
}

}  // namespace surveyor::vulndb
