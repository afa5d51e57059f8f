#include "auth/sigv4_test_util.h"

#include <algorithm>
#include <sstream>

#include "auth/crypto.h"
#include "common/fs.h"
#include "common/json.h"

namespace surveyor::auth::testing {
namespace {

bool SameIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::string* OwnedRequest::FindHeader(std::string_view lower_name) {
  for (auto& [n, v] : headers) {
    if (SameIgnoreCase(n, lower_name)) return &v;
  }
  return nullptr;
}

void OwnedRequest::RemoveHeader(std::string_view lower_name) {
  headers.erase(std::remove_if(headers.begin(), headers.end(),
                               [&](const auto& h) { return SameIgnoreCase(h.first, lower_name); }),
                headers.end());
}

Result<OwnedRequest> LoadCapture(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, PosixFileSystem::Default().ReadFile(path, 1 << 20));
  ASSIGN_OR_RETURN(Json j, ParseJson(text));
  OwnedRequest r;
  r.label = j.value("label", "");
  r.method = j.value("method", "");
  std::string target = j.value("raw_path", "");
  size_t q = target.find('?');
  r.path = target.substr(0, q);
  if (q != std::string::npos) r.query = target.substr(q + 1);
  for (const auto& h : j.at("headers")) {
    r.headers.emplace_back(h.at(0).get<std::string>(), h.at(1).get<std::string>());
  }
  ASSIGN_OR_RETURN(r.body, Base64Decode(j.value("body_b64", "")));
  r.received_at = j.value("received_at", 0.0);
  return r;
}

Result<std::vector<SuiteVector>> LoadSuiteVectors(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, PosixFileSystem::Default().ReadFile(path, 1 << 20));
  std::vector<SuiteVector> out;
  std::optional<SuiteVector> cur;
  std::istringstream in(text);
  std::string line;
  auto flush = [&] {
    if (cur) out.push_back(std::move(*cur));
    cur.reset();
  };
  while (std::getline(in, line)) {
    if (line.empty()) {
      flush();
      continue;
    }
    if (line[0] == '#') continue;
    size_t colon = line.find(": ");
    if (colon == std::string::npos) return InvalidArgument("bad vector line: " + line);
    std::string key = line.substr(0, colon);
    std::string value = line.substr(colon + 2);
    if (!cur) cur.emplace();
    OwnedRequest& r = cur->request;
    if (key == "name")
      r.label = value;
    else if (key == "method")
      r.method = value;
    else if (key == "path")
      r.path = value;
    else if (key == "query")
      r.query = value;
    else if (key == "body")
      r.body = value;
    else if (key == "header") {
      size_t c = value.find(':');
      if (c == std::string::npos) return InvalidArgument("bad header line: " + line);
      r.headers.emplace_back(value.substr(0, c), value.substr(c + 1));
    } else if (key == "authorization")
      cur->authorization = value;
    else if (key == "sts-hash")
      cur->sts_hash = value;
    else if (key == "expect")
      cur->expect = value;
    else
      return InvalidArgument("unknown key in vector file: " + key);
  }
  flush();
  for (auto& v : out) v.request.headers.emplace_back("Authorization", v.authorization);
  return out;
}

}  // namespace surveyor::auth::testing
