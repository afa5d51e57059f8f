// SigV4 signing for Surveyor's own clients (the CLI calling a server's ECR and Inspector2 APIs):
// adds X-Amz-Date, X-Amz-Security-Token (with a session token) and Authorization to a request,
// signing every header it carries. Shares the canonicalisation with the verifier (sigv4.h).
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace surveyor::auth {

struct SigningCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty unless temporary credentials
};

struct RequestToSign {
  std::string method;  // "POST"
  std::string path;    // as it goes on the request line, percent-encoded: "/findings/list"
  std::string query;   // after '?', without it
  std::vector<std::pair<std::string, std::string>> headers;  // must include "host"
  std::string body;
};

// Signs `request` in place for `service` ("ecr", "inspector2") in `region` at time `now`. Any
// existing X-Amz-Date, X-Amz-Security-Token or Authorization header is replaced. Fails when
// there is no host header or the credentials are empty.
Status SignRequest(RequestToSign& request, const SigningCredentials& credentials,
                   std::string_view region, std::string_view service, TimePoint now);

}  // namespace surveyor::auth
