// For tests: the facts of one minimal finding, as a scan would hand them to Reconcile.
#pragma once

#include <string>

#include "findings/finding.h"

namespace surveyor::findings {

// `vulnerability` in `package` (Debian 12), HIGH, no fix, no exploit, an empty detail.
inline FindingFacts TestFacts(const std::string& vulnerability, const std::string& package) {
  FindingFacts f;
  f.key = vulnerability + "|Debian:12|" + package;
  f.vulnerability_id = vulnerability;
  f.title = vulnerability + " - " + package;
  f.severity = "HIGH";
  f.fix_available = "NO";
  f.exploit_available = "NO";
  f.package_manager = "OS";
  f.package_name = package;
  f.fingerprint = "x";
  f.detail = Json::object();
  return f;
}

}  // namespace surveyor::findings
