#include "auth/sigv4.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <cstdio>

namespace surveyor::auth {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr std::string_view kTerminator = "aws4_request";
constexpr std::string_view kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

Status AuthFailure(AuthError e, ErrorProtocol p, std::string message) {
  return Status(StatusCode::kUnauthenticated, std::move(message), std::string(AuthErrorName(e, p)));
}

bool IsOws(char c) { return c == ' ' || c == '\t'; }

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && IsOws(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsOws(s.back())) s.remove_suffix(1);
  return s;
}

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

void AppendEncoded(std::string& out, std::string_view bytes, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : bytes) {
    if (IsUnreserved(c) || (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes valid %XX sequences; anything else (including a lone '%') is kept literally.
std::string PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = HexValue(s[i + 1]);
      int lo = HexValue(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

std::string EncodeQueryComponent(std::string_view raw) {
  std::string out;
  if (raw.find('%') == std::string_view::npos) {
    out.reserve(raw.size());
    AppendEncoded(out, raw, false);
  } else {
    std::string decoded = PercentDecode(raw);
    out.reserve(decoded.size());
    AppendEncoded(out, decoded, false);
  }
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool AllOf(std::string_view s, bool (*pred)(char)) { return std::all_of(s.begin(), s.end(), pred); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool IsScopeChar(char c) { return (c >= 'a' && c <= 'z') || IsDigit(c) || c == '-' || c == '_'; }
bool IsLowerHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f'); }
bool IsHeaderNameChar(char c) {
  return (c >= 'a' && c <= 'z') || IsDigit(c) ||
         std::string_view("!#$%&'*+.^_`|~-").find(c) != std::string_view::npos;
}

// Finds the only value of a header; `count` receives how many there were.
std::string_view FindHeader(std::span<const Header> headers, std::string_view lower_name,
                            int* count) {
  std::string_view value;
  *count = 0;
  for (const Header& h : headers) {
    if (EqualsIgnoreCase(h.name, lower_name)) {
      if (*count == 0) value = h.value;
      ++*count;
    }
  }
  return value;
}

bool QueryHasPresignParameters(std::string_view query) {
  // Parameter names are compared case-sensitively, as AWS does.
  for (std::string_view name : {"X-Amz-Signature=", "X-Amz-Credential=", "X-Amz-Algorithm="}) {
    size_t pos = query.find(name);
    while (pos != std::string_view::npos) {
      if (pos == 0 || query[pos - 1] == '&') return true;
      pos = query.find(name, pos + 1);
    }
  }
  return false;
}

int64_t DaysFromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

}  // namespace

Result<AuthorizationHeader> ParseAuthorizationHeader(std::string_view value,
                                                     ErrorProtocol protocol) {
  auto incomplete = [&](std::string m) {
    return AuthFailure(AuthError::kIncompleteSignature, protocol, std::move(m));
  };
  value = TrimOws(value);
  if (value.size() > kMaxAuthorizationHeaderBytes) {
    return incomplete("Authorization header is longer than " +
                      std::to_string(kMaxAuthorizationHeaderBytes) + " bytes.");
  }
  size_t sp = 0;
  while (sp < value.size() && !IsOws(value[sp])) ++sp;
  std::string_view algorithm = value.substr(0, sp);
  if (algorithm != kAlgorithm) {
    // Echo the scheme only when it is short and harmless; never echo credentials.
    const bool printable =
        !algorithm.empty() && algorithm.size() <= 32 &&
        AllOf(algorithm, [](char c) { return IsAlnum(c) || c == '-' || c == '_'; });
    return incomplete(printable ? "Unsupported AWS 'algorithm': '" + std::string(algorithm) +
                                      "'. Only AWS4-HMAC-SHA256 is supported."
                                : "Authorization header is not an AWS4-HMAC-SHA256 signature.");
  }
  AuthorizationHeader out;
  bool have_credential = false, have_signed = false, have_signature = false;
  std::string_view rest = value.substr(sp);
  size_t index = 0;
  while (true) {
    size_t comma = rest.find(',');
    std::string_view part = TrimOws(rest.substr(0, comma));
    ++index;
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
      return incomplete("Authorization header part " + std::to_string(index) +
                        " is not a valid key=value pair (missing equal-sign).");
    }
    std::string_view key = part.substr(0, eq);
    std::string_view val = part.substr(eq + 1);
    bool* seen = nullptr;
    if (key == "Credential") {
      seen = &have_credential;
      out.credential_scope = val;
    } else if (key == "SignedHeaders") {
      seen = &have_signed;
      out.signed_headers = val;
    } else if (key == "Signature") {
      seen = &have_signature;
      out.signature = val;
    } else {
      return incomplete("Authorization header part " + std::to_string(index) +
                        " has an unknown key; expected Credential, SignedHeaders, Signature.");
    }
    if (*seen) {
      return incomplete("Authorization header repeats '" + std::string(key) + "'.");
    }
    *seen = true;
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  std::string missing;
  if (!have_credential) missing += "Authorization header requires 'Credential' parameter. ";
  if (!have_signature) missing += "Authorization header requires 'Signature' parameter. ";
  if (!have_signed) missing += "Authorization header requires 'SignedHeaders' parameter. ";
  if (!missing.empty()) {
    missing.pop_back();
    return incomplete(missing);
  }

  // Credential=<akid>/<date>/<region>/<service>/<terminator>
  std::string_view cred = out.credential_scope;
  std::string_view parts[5];
  for (int i = 0; i < 5; ++i) {
    size_t slash = cred.find('/');
    if ((slash == std::string_view::npos) != (i == 4)) {
      return incomplete(
          "Credential must have the form <access key id>/<YYYYMMDD>/<region>/<service>/"
          "aws4_request.");
    }
    parts[i] = cred.substr(0, slash);
    if (parts[i].empty()) {
      return incomplete("Credential has an empty component.");
    }
    if (slash != std::string_view::npos) cred = cred.substr(slash + 1);
  }
  out.access_key_id = parts[0];
  out.date = parts[1];
  out.region = parts[2];
  out.service = parts[3];
  out.terminator = parts[4];
  out.credential_scope = out.credential_scope.substr(parts[0].size() + 1);
  if (out.access_key_id.size() > 128 || !AllOf(out.access_key_id, IsAlnum)) {
    return incomplete("Credential has a malformed access key id.");
  }
  if (out.date.size() != 8 || !AllOf(out.date, IsDigit)) {
    return incomplete("Credential date must be YYYYMMDD.");
  }
  if (out.region.size() > 64 || !AllOf(out.region, IsScopeChar) || out.service.size() > 64 ||
      !AllOf(out.service, IsScopeChar) || out.terminator.size() > 32 ||
      !AllOf(out.terminator, IsScopeChar)) {
    return incomplete("Credential has a malformed region, service or terminator.");
  }

  // SignedHeaders=a;b;c — lower case, sorted, unique, including host.
  std::string_view sh = out.signed_headers;
  while (true) {
    size_t semi = sh.find(';');
    std::string_view name = sh.substr(0, semi);
    if (name.empty() || !AllOf(name, IsHeaderNameChar)) {
      return incomplete("SignedHeaders must be lower-case header names separated by ';'.");
    }
    if (!out.signed_header_names.empty() && !(out.signed_header_names.back() < name)) {
      return incomplete("SignedHeaders must be sorted and must not repeat a name.");
    }
    if (out.signed_header_names.size() == kMaxSignedHeaders) {
      return incomplete("SignedHeaders lists more than " + std::to_string(kMaxSignedHeaders) +
                        " headers.");
    }
    out.signed_header_names.push_back(name);
    if (semi == std::string_view::npos) break;
    sh = sh.substr(semi + 1);
  }
  if (!std::binary_search(out.signed_header_names.begin(), out.signed_header_names.end(),
                          std::string_view("host"))) {
    return incomplete("'Host' must be a 'SignedHeader' in the AWS Authorization.");
  }
  if (out.signature.size() != 64 || !AllOf(out.signature, IsLowerHex)) {
    return incomplete("Signature must be 64 lower-case hexadecimal characters.");
  }
  return out;
}

std::string CanonicalUri(std::string_view raw_path, bool s3) {
  if (raw_path.empty()) return "/";
  if (s3) return std::string(raw_path);
  // Collect the surviving segments, then encode them again ('%' becomes "%25").
  std::vector<std::string_view> segments;
  std::string_view rest = raw_path;
  while (true) {
    size_t slash = rest.find('/');
    std::string_view seg = rest.substr(0, slash);
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!seg.empty() && seg != ".") {
      segments.push_back(seg);
    }
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash + 1);
  }
  std::string out;
  out.reserve(raw_path.size() + 16);
  if (raw_path.front() == '/') out += '/';
  for (size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out += '/';
    AppendEncoded(out, segments[i], false);
  }
  if (raw_path.back() == '/' && !segments.empty()) out += '/';
  if (out.empty()) out = "/";
  return out;
}

std::string CanonicalQueryString(std::string_view raw_query) {
  if (raw_query.empty()) return {};
  std::vector<std::pair<std::string, std::string>> pairs;
  std::string_view rest = raw_query;
  while (true) {
    size_t amp = rest.find('&');
    std::string_view item = rest.substr(0, amp);
    if (!item.empty() && pairs.size() < kMaxQueryParameters) {
      size_t eq = item.find('=');
      std::string_view name = item.substr(0, eq);
      std::string_view value =
          eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1);
      pairs.emplace_back(EncodeQueryComponent(name), EncodeQueryComponent(value));
    }
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  out.reserve(raw_query.size() + 16);
  for (size_t i = 0; i < pairs.size(); ++i) {
    if (i > 0) out += '&';
    out += pairs[i].first;
    out += '=';
    out += pairs[i].second;
  }
  return out;
}

std::string CanonicalHeaderValue(std::span<const Header> headers, std::string_view lower_name,
                                 bool* found) {
  std::string out;
  *found = false;
  for (const Header& h : headers) {
    if (!EqualsIgnoreCase(h.name, lower_name)) continue;
    if (*found) out += ',';
    *found = true;
    std::string_view v = TrimOws(h.value);
    bool in_space = false;
    for (char c : v) {
      if (IsOws(c)) {
        in_space = true;
        continue;
      }
      if (in_space) out += ' ';
      in_space = false;
      out += c;
    }
  }
  return out;
}

std::string CanonicalRequest(const SignedRequest& request, const AuthorizationHeader& auth,
                             std::string_view payload_hash) {
  std::string out;
  out.reserve(256 + request.raw_path.size() * 3 + request.raw_query.size() * 3);
  for (char c : request.method) out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
  out += '\n';
  out += CanonicalUri(request.raw_path, auth.service == "s3");
  out += '\n';
  out += CanonicalQueryString(request.raw_query);
  out += '\n';
  for (std::string_view name : auth.signed_header_names) {
    bool found = false;
    out += name;
    out += ':';
    out += CanonicalHeaderValue(request.headers, name, &found);
    out += '\n';
  }
  out += '\n';
  out += auth.signed_headers;
  out += '\n';
  out += payload_hash;
  return out;
}

std::string StringToSign(std::string_view amz_date, std::string_view credential_scope,
                         std::string_view canonical_request) {
  std::string out;
  out.reserve(kAlgorithm.size() + amz_date.size() + credential_scope.size() + 64 + 3);
  out += kAlgorithm;
  out += '\n';
  out += amz_date;
  out += '\n';
  out += credential_scope;
  out += '\n';
  out += Sha256Hex(canonical_request);
  return out;
}

Sha256Bytes DeriveSigningKey(std::string_view secret, std::string_view date8,
                             std::string_view region, std::string_view service) {
  std::string k = "AWS4";
  k += secret;
  Sha256Bytes key = HmacSha256(std::string_view(k), date8);
  OPENSSL_cleanse(k.data(), k.size());
  key = HmacSha256(key, region);
  key = HmacSha256(key, service);
  return HmacSha256(key, kTerminator);
}

std::string SignatureHex(const Sha256Bytes& signing_key, std::string_view string_to_sign) {
  Sha256Bytes mac = HmacSha256(signing_key, string_to_sign);
  std::string hex(64, '0');
  HexInto(mac.data(), mac.size(), hex.data());
  return hex;
}

Result<TimePoint> ParseAmzDate(std::string_view t) {
  auto bad = [] {
    return InvalidArgument("date must be in ISO-8601 basic format YYYYMMDDTHHMMSSZ");
  };
  if (t.size() != 16 || t[8] != 'T' || t[15] != 'Z') return bad();
  for (size_t i : {0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14}) {
    if (!IsDigit(t[i])) return bad();
  }
  auto num = [&](size_t pos, size_t len) {
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) v = v * 10 + (t[i] - '0');
    return v;
  };
  int year = num(0, 4), month = num(4, 2), day = num(6, 2);
  int hour = num(9, 2), minute = num(11, 2), second = num(13, 2);
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  // The clock's nanosecond time points span 1678-2262; keep well inside that.
  if (year < 1970 || year > 2200 || month < 1 || month > 12 || day < 1) return bad();
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  int max_day = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  if (day > max_day || hour > 23 || minute > 59 || second > 59) return bad();
  int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second;
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::seconds(secs)));
}

std::string FormatAmzDate(TimePoint t) {
  int64_t secs = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  int64_t rem = secs - days * 86400;
  // civil_from_days
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld%02u%02uT%02lld%02lld%02lldZ",
                static_cast<long long>(y + (m <= 2)), m, d, static_cast<long long>(rem / 3600),
                static_cast<long long>(rem / 60 % 60), static_cast<long long>(rem % 60));
  return buf;
}

SigV4Verifier::~SigV4Verifier() {
  for (auto& [id, entry] : signing_keys_) {
    OPENSSL_cleanse(entry.secret.data(), entry.secret.size());
    OPENSSL_cleanse(entry.key.data(), entry.key.size());
  }
}

Sha256Bytes SigV4Verifier::SigningKey(const AuthorizationHeader& auth,
                                      std::string_view secret) const {
  std::string cache_key;
  cache_key.reserve(auth.access_key_id.size() + auth.credential_scope.size() + 1);
  cache_key += auth.access_key_id;
  cache_key += '/';
  cache_key += auth.credential_scope;
  {
    std::lock_guard lock(cache_mu_);
    auto it = signing_keys_.find(cache_key);
    if (it != signing_keys_.end() && ConstantTimeEquals(it->second.secret, secret)) {
      return it->second.key;
    }
  }
  Sha256Bytes key = DeriveSigningKey(secret, auth.date, auth.region, auth.service);
  std::lock_guard lock(cache_mu_);
  if (signing_keys_.size() >= kMaxCachedSigningKeys) signing_keys_.clear();
  signing_keys_[cache_key] = CachedSigningKey{std::string(secret), key};
  return key;
}

Result<VerifiedCaller> SigV4Verifier::Verify(const SignedRequest& request,
                                             ServiceSpec service) const {
  const ErrorProtocol p = service.protocol;
  auto fail = [&](AuthError e, std::string m) { return AuthFailure(e, p, std::move(m)); };

  int auth_count = 0;
  std::string_view auth_value = FindHeader(request.headers, "authorization", &auth_count);
  if (auth_count == 0) {
    if (QueryHasPresignParameters(request.raw_query)) {
      return fail(AuthError::kIncompleteSignature,
                  "Query-string (presigned URL) authentication is not supported by this server; "
                  "sign requests with the Authorization header.");
    }
    return fail(AuthError::kMissingAuthenticationToken, "Missing Authentication Token");
  }
  if (auth_count > 1) {
    return fail(AuthError::kIncompleteSignature, "Only one Authorization header is allowed.");
  }
  ASSIGN_OR_RETURN(AuthorizationHeader auth, ParseAuthorizationHeader(auth_value, p));

  int date_count = 0;
  std::string_view amz_date = TrimOws(FindHeader(request.headers, "x-amz-date", &date_count));
  if (date_count == 0) {
    return fail(AuthError::kIncompleteSignature,
                "Authorization header requires existence of a 'X-Amz-Date' header (this server "
                "does not accept the 'Date' header for signing).");
  }
  if (date_count > 1) {
    return fail(AuthError::kIncompleteSignature, "Only one X-Amz-Date header is allowed.");
  }
  auto request_time = ParseAmzDate(amz_date);
  if (!request_time.ok()) {
    const bool printable =
        amz_date.size() <= 32 && AllOf(amz_date, [](char c) { return c > ' ' && c < 127; });
    return fail(AuthError::kIncompleteSignature,
                "Date must be in ISO-8601 'basic format'" +
                    (printable ? ". Got '" + std::string(amz_date) + "'." : std::string(".")));
  }

  // Scope: terminator, service, region, date.
  if (auth.terminator != kTerminator) {
    return fail(AuthError::kInvalidSignature,
                "Credential should be scoped with a valid terminator: 'aws4_request', not '" +
                    std::string(auth.terminator) + "'.");
  }
  if (auth.service != service.name) {
    return fail(AuthError::kInvalidSignature, "Credential should be scoped to correct service: '" +
                                                  std::string(service.name) + "'.");
  }
  if (auth.region != config_.region) {
    return fail(AuthError::kInvalidSignature,
                "Credential should be scoped to a valid region, not '" + std::string(auth.region) +
                    "'. This server's region is '" + config_.region + "'.");
  }
  if (auth.date != amz_date.substr(0, 8)) {
    return fail(AuthError::kInvalidSignature,
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
                "from HTTP: '" +
                    std::string(auth.date) + "' != '" + std::string(amz_date.substr(0, 8)) +
                    "', from '" + std::string(amz_date) + "'.");
  }

  // Freshness.
  const auto now = std::chrono::time_point_cast<std::chrono::seconds>(clock_.Now());
  const auto t = *request_time;
  if (t < now - config_.max_skew) {
    return fail(AuthError::kInvalidSignature,
                "Signature expired: " + std::string(amz_date) + " is now earlier than " +
                    FormatAmzDate(now - config_.max_skew) + " (" + FormatAmzDate(now) + " - " +
                    std::to_string(config_.max_skew.count() / 60) + " min.)");
  }
  if (t > now + config_.max_skew) {
    return fail(AuthError::kInvalidSignature,
                "Signature not yet current: " + std::string(amz_date) + " is still later than " +
                    FormatAmzDate(now + config_.max_skew) + " (" + FormatAmzDate(now) + " + " +
                    std::to_string(config_.max_skew.count() / 60) + " min.)");
  }

  // Session credentials: this server issues none, so a token can never be valid.
  int token_count = 0;
  FindHeader(request.headers, "x-amz-security-token", &token_count);
  if (token_count > 0 ||
      std::binary_search(auth.signed_header_names.begin(), auth.signed_header_names.end(),
                         std::string_view("x-amz-security-token"))) {
    return fail(AuthError::kUnrecognizedClient,
                "The security token included in the request is invalid: session credentials "
                "(X-Amz-Security-Token) are not supported by this server; use a long-term "
                "access key.");
  }

  if (static_cast<size_t>(std::count(request.raw_query.begin(), request.raw_query.end(), '&')) >=
      kMaxQueryParameters) {
    return fail(
        AuthError::kInvalidSignature,
        "The query string has more than " + std::to_string(kMaxQueryParameters) + " parameters.");
  }

  // Every signed header must be present.
  for (std::string_view name : auth.signed_header_names) {
    int n = 0;
    FindHeader(request.headers, name, &n);
    if (n == 0) {
      return fail(AuthError::kInvalidSignature, "Header '" + std::string(name) +
                                                    "' is listed in SignedHeaders but missing from "
                                                    "the request.");
    }
  }

  // Payload hash.
  std::string computed_hash;
  auto actual_hash = [&]() -> std::string_view {
    if (!request.payload_sha256_hex.empty()) return request.payload_sha256_hex;
    if (request.body.empty()) return kEmptySha256;
    if (computed_hash.empty()) computed_hash = Sha256Hex(request.body);
    return computed_hash;
  };
  int content_count = 0;
  std::string_view content_sha =
      TrimOws(FindHeader(request.headers, "x-amz-content-sha256", &content_count));
  std::string_view payload_hash;
  if (content_count > 1) {
    return fail(AuthError::kIncompleteSignature,
                "Only one x-amz-content-sha256 header is allowed.");
  }
  if (content_count == 1) {
    if (content_sha == "UNSIGNED-PAYLOAD") {
      if (!config_.allow_unsigned_payload) {
        return fail(AuthError::kInvalidSignature,
                    "UNSIGNED-PAYLOAD is not accepted by this server; the signature must cover "
                    "the payload hash.");
      }
      payload_hash = content_sha;
    } else if (content_sha.substr(0, 10) == "STREAMING-") {
      return fail(AuthError::kIncompleteSignature,
                  "Streaming (aws-chunked) payload signing is not supported by this server.");
    } else if (content_sha.size() == 64 && AllOf(content_sha, IsLowerHex)) {
      if (content_sha != actual_hash()) {
        return fail(AuthError::kInvalidSignature,
                    "The provided 'x-amz-content-sha256' header does not match what was "
                    "computed.");
      }
      payload_hash = content_sha;
    } else {
      return fail(AuthError::kIncompleteSignature,
                  "x-amz-content-sha256 must be 64 lower-case hex characters or UNSIGNED-PAYLOAD.");
    }
  } else {
    payload_hash = actual_hash();
  }

  // The key.
  auto key = keys_.Lookup(auth.access_key_id);
  if (!key.ok()) {
    if (key.status().code() == StatusCode::kNotFound) {
      return fail(AuthError::kUnrecognizedClient,
                  "The security token included in the request is invalid.");
    }
    return key.status();
  }

  const std::string canonical = CanonicalRequest(request, auth, payload_hash);
  const std::string to_sign = StringToSign(amz_date, auth.credential_scope, canonical);
  const Sha256Bytes signing_key = SigningKey(auth, key->secret_access_key);
  const std::string expected = SignatureHex(signing_key, to_sign);
  if (!ConstantTimeEquals(expected, auth.signature)) {
    return fail(AuthError::kInvalidSignature,
                "The request signature we calculated does not match the signature you provided. "
                "Check your AWS Secret Access Key and signing method. Consult the service "
                "documentation for details.");
  }
  VerifiedCaller caller;
  caller.access_key_id = std::string(auth.access_key_id);
  caller.user_name = std::move(key->info.user_name);
  caller.region = std::string(auth.region);
  caller.service = std::string(auth.service);
  caller.request_time = t;
  return caller;
}

}  // namespace surveyor::auth
