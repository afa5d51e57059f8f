#include "auth/sigv4_signer.h"

#include <algorithm>

#include "auth/sigv4.h"
#include "auth/crypto.h"

namespace surveyor::auth {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Status SignRequest(RequestToSign& request, const SigningCredentials& credentials,
                   std::string_view region, std::string_view service, TimePoint now) {
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty())
    return InvalidArgument("no AWS credentials to sign with");
  if (region.empty() || service.empty()) return InvalidArgument("signing needs a region and a service");
  auto& h = request.headers;
  h.erase(std::remove_if(h.begin(), h.end(),
                         [](const auto& kv) {
                           const std::string n = Lower(kv.first);
                           return n == "x-amz-date" || n == "x-amz-security-token" || n == "authorization";
                         }),
          h.end());
  bool has_host = false;
  for (const auto& [n, v] : h) has_host = has_host || Lower(n) == "host";
  if (!has_host) return InvalidArgument("a request to sign needs a Host header");
  const std::string amz_date = FormatAmzDate(now);
  h.emplace_back("X-Amz-Date", amz_date);
  if (!credentials.session_token.empty()) h.emplace_back("X-Amz-Security-Token", credentials.session_token);

  std::vector<std::string> names;
  for (const auto& [n, v] : h) names.push_back(Lower(n));
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::string signed_headers;
  for (const auto& n : names) signed_headers += (signed_headers.empty() ? "" : ";") + n;
  const std::string date8 = amz_date.substr(0, 8);
  const std::string scope = date8 + "/" + std::string(region) + "/" + std::string(service) + "/aws4_request";

  std::vector<Header> views;
  for (const auto& [n, v] : h) views.push_back(Header{n, v});
  SignedRequest view;
  view.method = request.method;
  view.raw_path = request.path;
  view.raw_query = request.query;
  view.headers = views;
  view.body = request.body;
  AuthorizationHeader auth;
  auth.access_key_id = credentials.access_key_id;
  auth.date = date8;
  auth.region = region;
  auth.service = service;
  auth.terminator = "aws4_request";
  auth.credential_scope = scope;
  auth.signed_headers = signed_headers;
  for (const auto& n : names) auth.signed_header_names.push_back(n);
  const std::string canonical = CanonicalRequest(view, auth, Sha256Hex(request.body));
  const std::string to_sign = StringToSign(amz_date, scope, canonical);
  const std::string signature =
      SignatureHex(DeriveSigningKey(credentials.secret_access_key, date8, region, service), to_sign);
  h.emplace_back("Authorization", "AWS4-HMAC-SHA256 Credential=" + credentials.access_key_id + "/" + scope +
                                      ", SignedHeaders=" + signed_headers + ", Signature=" + signature);
  return Status::Ok();
}

}  // namespace surveyor::auth
