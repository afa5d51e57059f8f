// Test helpers for SigV4: an owning request (strings) that yields a SignedRequest view, and
// loaders for the captured requests (captures/raw/*.json) and the test-suite vector file.
// Test-only; not part of the auth library.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "auth/sigv4.h"
#include "common/status.h"

namespace surveyor::auth::testing {

struct OwnedRequest {
  std::string label;
  std::string method;
  std::string path;
  std::string query;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  double received_at = 0;  // epoch seconds, captures only

  // The view stays valid while this object is alive and unchanged.
  SignedRequest View() {
    views_.clear();
    for (const auto& [n, v] : headers) views_.push_back(Header{n, v});
    SignedRequest r;
    r.method = method;
    r.raw_path = path;
    r.raw_query = query;
    r.headers = views_;
    r.body = body;
    return r;
  }
  std::string* FindHeader(std::string_view lower_name);
  void RemoveHeader(std::string_view lower_name);

 private:
  std::vector<Header> views_;
};

// Reads one capture JSON (method, raw_path with query, headers, body_b64, received_at).
Result<OwnedRequest> LoadCapture(const std::string& path);

struct SuiteVector {
  OwnedRequest request;
  std::string authorization;
  std::string sts_hash;
  std::string expect;
};
Result<std::vector<SuiteVector>> LoadSuiteVectors(const std::string& path);

}  // namespace surveyor::auth::testing
