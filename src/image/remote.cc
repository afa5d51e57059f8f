#include "image/remote.h"

#include <openssl/evp.h>

#include <cstdlib>
#include <map>

#include "common/digest.h"
#include "common/fs.h"
#include "common/http_client.h"
#include "common/json.h"
#include "image/image.h"

namespace surveyor::image {
namespace {

constexpr size_t kMaxChallenges = 16;
constexpr size_t kMaxParams = 32;
constexpr size_t kMaxValue = 4096;
constexpr uint64_t kMaxErrorBody = 64 << 10;
constexpr uint64_t kMaxTokenBody = 1 << 20;
constexpr uint64_t kMaxAuthFileBytes = 4 << 20;

constexpr char kDockerHub[] = "registry-1.docker.io";

constexpr char kManifestAccept[] =
    "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.docker.distribution.manifest.v2+json";

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsTokenChar(char c) {
  // RFC 7230 tchar.
  return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool ValidComponent(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
          c == '.' || c == '_' || c == '-'))
      return false;
  }
  return std::isalnum(static_cast<unsigned char>(s.front())) && std::isalnum(static_cast<unsigned char>(s.back()));
}

std::string Base64Encode(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  out.resize(n < 0 ? 0 : static_cast<size_t>(n));
  return out;
}

Result<std::string> Base64Decode(std::string_view in) {
  std::string clean;
  for (char c : in)
    if (!std::isspace(static_cast<unsigned char>(c))) clean += c;
  if (clean.size() % 4 != 0) return InvalidArgument("base64 length is not a multiple of 4");
  std::string out(clean.size() / 4 * 3 + 1, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(clean.data()), static_cast<int>(clean.size()));
  if (n < 0) return InvalidArgument("invalid base64");
  size_t len = static_cast<size_t>(n);
  for (size_t i = clean.size(); i > 0 && clean[i - 1] == '='; --i) --len;  // EVP keeps padding bytes
  out.resize(len);
  return out;
}

// "https://host/v1/", "host", "http://host:5000" → "host[:port]"
std::string AuthKeyHost(std::string_view key) {
  if (size_t p = key.find("://"); p != std::string_view::npos) key.remove_prefix(p + 3);
  if (size_t p = key.find('/'); p != std::string_view::npos) key = key.substr(0, p);
  return Lower(key);
}

// The error text of a registry error body ({"errors":[{"code","message"}]}), if it has one.
std::string RegistryErrorText(const std::string& body) {
  auto j = ParseJson(body);
  if (!j.ok()) return "";
  const Json* errors = GetArray(*j, "errors");
  if (!errors || errors->empty() || !(*errors)[0].is_object()) return "";
  std::string code = GetString((*errors)[0], "code").value_or("");
  std::string message = GetString((*errors)[0], "message").value_or("");
  if (code.empty()) return message;
  return code + (message.empty() ? "" : ": " + message);
}

class RegistryClient {
 public:
  RegistryClient(RemoteReference ref, const RemoteOptions& options,
                 std::optional<RegistryCredentials> credentials)
      : ref_(std::move(ref)),
        base_((options.insecure ? "http://" : "https://") + ref_.registry),
        credentials_(std::move(credentials)),
        http_([&] {
          HttpClientOptions o;
          o.connect_timeout_s = options.connect_timeout_s;
          o.stall_timeout_s = options.stall_timeout_s;
          return o;
        }()) {}

  const RemoteReference& ref() const { return ref_; }

  // GET /v2/<repo>/<kind>/<reference>, authenticating on a 401 challenge (once). Returns the
  // open stream of a 200 response; other statuses become errors naming `what`.
  Result<std::unique_ptr<HttpStream>> Get(const std::string& kind, const std::string& reference,
                                          const std::string& what, bool manifest) {
    HttpRequest req;
    req.url = base_ + "/v2/" + ref_.repository + "/" + kind + "/" + reference;
    if (manifest) req.headers.emplace_back("Accept", kManifestAccept);
    for (int attempt = 0; attempt < 2; ++attempt) {
      HttpRequest r = req;
      if (!authorization_.empty()) r.headers.emplace_back("Authorization", authorization_);
      ASSIGN_OR_RETURN(auto stream, http_.Open(r));
      const long code = stream->status();
      if (code == 200) return stream;
      std::string body = stream->ReadAll(kMaxErrorBody).value_or("");
      if (code == 401 && attempt == 0) {
        std::string challenge = stream->Header("www-authenticate").value_or("");
        RETURN_IF_ERROR(Authenticate(challenge));
        continue;
      }
      return HttpError(code, body, what);
    }
    return Unauthenticated(ref_.registry + " refused the credentials for " + what + CredentialHint());
  }

 private:
  std::string CredentialHint() const {
    if (credentials_) return " (check --username/--password or the auth file entry)";
    return "; pass --username and --password (or --password-stdin), or add the registry to "
           "an auth file (docker/podman login)";
  }

  Status HttpError(long code, const std::string& body, const std::string& what) const {
    std::string detail = RegistryErrorText(body);
    std::string suffix = detail.empty() ? "" : " (" + detail + ")";
    if (code == 404) return NotFound(what + " not found on " + ref_.registry + suffix);
    if (code == 401) {
      return Unauthenticated(ref_.registry + " requires authentication for " + what + suffix +
                             CredentialHint());
    }
    if (code == 403) {
      return PermissionDenied(ref_.registry + " denied access to " + what + suffix +
                              (credentials_ ? "" : CredentialHint()));
    }
    if (code == 429) return Unavailable(ref_.registry + " is rate limiting (HTTP 429)" + suffix);
    return Unavailable(ref_.registry + ": HTTP " + std::to_string(code) + " for " + what + suffix);
  }

  Status Authenticate(const std::string& header) {
    if (header.empty()) return Unauthenticated(ref_.registry + " answered 401 without a WWW-Authenticate challenge");
    auto parsed = ParseWwwAuthenticate(header);
    if (!parsed.ok()) return parsed.status().WithContext(ref_.registry + ": WWW-Authenticate");
    const AuthChallenge* bearer = nullptr;
    const AuthChallenge* basic = nullptr;
    for (const auto& c : *parsed) {
      if (c.scheme == "bearer" && !bearer) bearer = &c;
      if (c.scheme == "basic" && !basic) basic = &c;
    }
    if (bearer) return FetchToken(*bearer);
    if (basic) {
      if (!credentials_) {
        return Unauthenticated(ref_.registry + " requires a username and password" + CredentialHint());
      }
      authorization_ = "Basic " + Base64Encode(credentials_->username + ":" + credentials_->password);
      return Status::Ok();
    }
    return Unimplemented(ref_.registry + " asks for an unsupported authentication scheme: " + header);
  }

  Status FetchToken(const AuthChallenge& c) {
    auto realm = c.params.find("realm");
    if (realm == c.params.end() || realm->second.empty())
      return Unauthenticated(ref_.registry + ": Bearer challenge without a realm");
    const std::string& url = realm->second;
    if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0)
      return Unauthenticated(ref_.registry + ": token realm is not an http(s) URL: " + url);
    std::string query;
    if (auto s = c.params.find("service"); s != c.params.end()) query += "service=" + UrlEncode(s->second);
    auto scope = c.params.find("scope");
    std::string want = scope != c.params.end() ? scope->second : "repository:" + ref_.repository + ":pull";
    query += (query.empty() ? "" : "&") + std::string("scope=") + UrlEncode(want);
    HttpRequest req;
    req.url = url + (url.find('?') == std::string::npos ? "?" : "&") + query;
    if (credentials_) {
      req.headers.emplace_back("Authorization",
                               "Basic " + Base64Encode(credentials_->username + ":" + credentials_->password));
    }
    ASSIGN_OR_RETURN(HttpResponse resp, http_.Send(req, kMaxTokenBody));
    if (resp.status == 401 || resp.status == 403) {
      return Unauthenticated("the token service " + url + " refused " +
                             (credentials_ ? "the credentials" : "an anonymous token") + " for " +
                             want + CredentialHint());
    }
    if (resp.status != 200)
      return Unavailable("token service " + url + ": HTTP " + std::to_string(resp.status));
    auto j = ParseJson(resp.body);
    if (!j.ok()) return Unavailable("token service " + url + " sent invalid JSON");
    std::string token = GetString(*j, "token").value_or("");
    if (token.empty()) token = GetString(*j, "access_token").value_or("");
    if (token.empty()) return Unavailable("token service " + url + " sent no token");
    if (token.size() > 64 * 1024) return Unavailable("token service " + url + " sent an oversized token");
    authorization_ = "Bearer " + token;
    return Status::Ok();
  }

  RemoteReference ref_;
  std::string base_;
  std::optional<RegistryCredentials> credentials_;
  HttpClient http_;
  std::string authorization_;
};

// Passes a layer through, hashing it; fails at the end (or as soon as it runs past the
// descriptor's size) when the bytes are not what the digest and size promise.
class VerifyingSource final : public ByteSource {
 public:
  VerifyingSource(std::unique_ptr<HttpStream> in, Digest digest, int64_t size)
      : in_(std::move(in)), digest_(std::move(digest)), size_(size), hasher_(digest_.algorithm()) {}
  Result<size_t> Read(char* buf, size_t n) override {
    if (verified_) return size_t{0};
    ASSIGN_OR_RETURN(size_t got, in_->Read(buf, n));
    if (got == 0) {
      RETURN_IF_ERROR(Verify());
      return size_t{0};
    }
    pos_ += got;
    if (size_ >= 0 && pos_ > static_cast<uint64_t>(size_)) {
      return DataLoss("layer " + digest_.ToString() + " is longer than its descriptor's " +
                      std::to_string(size_) + " bytes");
    }
    hasher_.Update(std::string_view(buf, got));
    if (size_ >= 0 && pos_ == static_cast<uint64_t>(size_)) {
      // All promised bytes are in: check now, so a consumer that stops here still verified them.
      char probe;
      ASSIGN_OR_RETURN(size_t extra, in_->Read(&probe, 1));
      if (extra != 0) {
        return DataLoss("layer " + digest_.ToString() + " is longer than its descriptor's " +
                        std::to_string(size_) + " bytes");
      }
      RETURN_IF_ERROR(Verify());
    }
    return got;
  }
  uint64_t consumed() const override { return pos_; }

 private:
  Status Verify() {
    if (size_ >= 0 && pos_ != static_cast<uint64_t>(size_)) {
      return DataLoss("layer " + digest_.ToString() + " ended after " + std::to_string(pos_) +
                      " of " + std::to_string(size_) + " bytes");
    }
    Digest got = hasher_.Finish();
    if (!(got == digest_)) {
      return DataLoss("layer " + digest_.ToString() + " does not match its digest (got " + got.ToString() + ")");
    }
    verified_ = true;
    return Status::Ok();
  }

  std::unique_ptr<HttpStream> in_;
  Digest digest_;
  int64_t size_;
  Hasher hasher_;
  uint64_t pos_ = 0;
  bool verified_ = false;
};

class RemoteFetcher final : public BlobFetcher {
 public:
  RemoteFetcher(std::unique_ptr<RegistryClient> client, const RemoteOptions& options)
      : client_(std::move(client)), max_layer_bytes_(options.max_layer_bytes) {}

  void Remember(const Digest& d, std::string bytes) { known_[d.ToString()] = std::move(bytes); }

  Result<std::string> ReadManifest(const Digest& d, uint64_t max_bytes) override {
    if (auto it = known_.find(d.ToString()); it != known_.end()) return it->second;
    return ReadWhole("manifests", d, max_bytes, true);
  }
  Result<std::string> ReadBlob(const Digest& d, uint64_t max_bytes) override {
    return ReadWhole("blobs", d, max_bytes, false);
  }
  Result<std::unique_ptr<ByteSource>> OpenBlob(const Digest& d) override {
    LayerInfo l;
    l.digest = d;
    return OpenLayerBlob(l);
  }
  Result<std::unique_ptr<ByteSource>> OpenLayerBlob(const LayerInfo& layer) override {
    if (layer.size >= 0 && static_cast<uint64_t>(layer.size) > max_layer_bytes_) {
      return ResourceExhausted("layer " + layer.digest.ToString() + " claims " + std::to_string(layer.size) +
                               " bytes, over the limit of " + std::to_string(max_layer_bytes_));
    }
    const std::string what = "blob " + layer.digest.ToString() + " of " + client_->ref().repository;
    ASSIGN_OR_RETURN(auto stream, client_->Get("blobs", layer.digest.ToString(), what, false));
    return std::unique_ptr<ByteSource>(
        std::make_unique<VerifyingSource>(std::move(stream), layer.digest, layer.size));
  }

 private:
  Result<std::string> ReadWhole(const std::string& kind, const Digest& d, uint64_t max_bytes, bool manifest) {
    const std::string what = (manifest ? "manifest " : "blob ") + client_->ref().repository + "@" + d.ToString();
    ASSIGN_OR_RETURN(auto stream, client_->Get(kind, d.ToString(), what, manifest));
    auto bytes = stream->ReadAll(max_bytes);
    if (!bytes.ok()) return bytes.status().WithContext(what);
    if (!(ComputeDigest(*bytes, d.algorithm()) == d)) return DataLoss(what + " does not match its digest");
    return bytes;
  }

  std::unique_ptr<RegistryClient> client_;
  uint64_t max_layer_bytes_;
  std::map<std::string, std::string> known_;
};

}  // namespace

std::string RemoteReference::Name() const {
  return repository + (digest.empty() ? ":" + tag : "@" + digest);
}

Result<RemoteReference> ParseRemoteReference(std::string_view text) {
  if (text.empty()) return InvalidArgument("empty registry reference");
  if (text.size() > 1024) return InvalidArgument("registry reference longer than 1024 characters");
  if (text.substr(0, 2) == "//") text.remove_prefix(2);
  RemoteReference ref;
  std::string_view rest = text;
  if (size_t at = rest.find('@'); at != std::string_view::npos) {
    std::string_view d = rest.substr(at + 1);
    auto parsed = Digest::Parse(d);
    if (!parsed.ok()) return InvalidArgument("bad digest in " + std::string(text) + ": " + parsed.status().message());
    ref.digest = std::string(d);
    rest = rest.substr(0, at);
  }
  size_t slash = rest.find('/');
  std::string_view first = slash == std::string_view::npos ? std::string_view() : rest.substr(0, slash);
  bool has_host = !first.empty() && (first.find('.') != std::string_view::npos ||
                                     first.find(':') != std::string_view::npos || first == "localhost");
  std::string_view path = rest;
  if (has_host) {
    ref.registry = Lower(first);
    path = rest.substr(slash + 1);
  } else {
    ref.registry = kDockerHub;
  }
  // A tag is after the last ':' of the path (a ':' in the host was removed with it).
  if (size_t colon = path.rfind(':'); colon != std::string_view::npos) {
    std::string_view tag = path.substr(colon + 1);
    if (!ref.digest.empty()) return InvalidArgument("give either a tag or a digest, not both: " + std::string(text));
    if (tag.empty() || tag.size() > 128) return InvalidArgument("bad tag in " + std::string(text));
    for (char c : tag) {
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-'))
        return InvalidArgument("bad tag '" + std::string(tag) + "' in " + std::string(text));
    }
    if (tag.front() == '.' || tag.front() == '-') return InvalidArgument("bad tag '" + std::string(tag) + "'");
    ref.tag = std::string(tag);
    path = path.substr(0, colon);
  }
  if (path.empty()) return InvalidArgument("no repository in " + std::string(text));
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    std::string_view comp = path.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (!ValidComponent(comp)) {
      return InvalidArgument("bad repository name '" + std::string(path) +
                             "' (lower-case letters, digits and . _ - separated by /)");
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  ref.repository = std::string(path);
  if (ref.registry == kDockerHub && ref.repository.find('/') == std::string::npos)
    ref.repository = "library/" + ref.repository;
  if (ref.tag.empty() && ref.digest.empty()) ref.tag = "latest";
  return ref;
}

Result<std::vector<AuthChallenge>> ParseWwwAuthenticate(std::string_view h) {
  std::vector<AuthChallenge> out;
  size_t i = 0;
  auto is_ws = [&](size_t k) { return k < h.size() && (h[k] == ' ' || h[k] == '\t'); };
  auto skip_ws = [&] {
    while (is_ws(i)) ++i;
  };
  auto skip_separators = [&] {
    while (i < h.size() && (h[i] == ' ' || h[i] == '\t' || h[i] == ',')) ++i;
  };
  auto read_token = [&] {
    size_t s = i;
    while (i < h.size() && IsTokenChar(h[i])) ++i;
    return h.substr(s, i - s);
  };
  auto bad_char = [&] {
    return InvalidArgument("unexpected character '" + std::string(1, h[i]) + "' at offset " + std::to_string(i));
  };
  while (true) {
    skip_separators();
    if (i >= h.size()) break;
    std::string_view scheme = read_token();
    if (scheme.empty()) return bad_char();
    if (out.size() >= kMaxChallenges) return InvalidArgument("more than 16 challenges");
    AuthChallenge c;
    c.scheme = Lower(scheme);
    // Parameters (name=value, comma-separated) until a token not followed by '=', which is the
    // next challenge's scheme. A token68 credential is read as a parameter with an empty value.
    while (true) {
      const size_t save = i;
      skip_separators();
      if (i >= h.size()) break;
      std::string_view name = read_token();
      if (name.empty()) return bad_char();
      skip_ws();
      if (i >= h.size() || h[i] != '=') {
        i = save;  // the next challenge
        break;
      }
      while (i < h.size() && h[i] == '=') ++i;  // '=' (or token68 padding)
      skip_ws();
      std::string value;
      if (i < h.size() && h[i] == '"') {
        ++i;
        bool closed = false;
        while (i < h.size()) {
          char ch = h[i++];
          if (ch == '"') {
            closed = true;
            break;
          }
          if (ch == '\\') {
            if (i >= h.size()) break;
            ch = h[i++];
          }
          if (value.size() >= kMaxValue) return InvalidArgument("parameter value longer than 4096 bytes");
          value += ch;
        }
        if (!closed) return InvalidArgument("unterminated quoted string in parameter " + std::string(name));
      } else {
        // Lenient: a bare value runs to the next separator (unquoted URLs appear in the wild).
        size_t s = i;
        while (i < h.size() && h[i] != ',' && h[i] != ' ' && h[i] != '\t' && h[i] != '"') ++i;
        if (i - s > kMaxValue) return InvalidArgument("parameter value longer than 4096 bytes");
        value = std::string(h.substr(s, i - s));
      }
      if (c.params.size() >= kMaxParams) return InvalidArgument("more than 32 parameters in a challenge");
      c.params[Lower(name)] = std::move(value);
      skip_ws();
      if (i < h.size() && h[i] != ',') return bad_char();
    }
    out.push_back(std::move(c));
  }
  if (out.empty()) return InvalidArgument("empty WWW-Authenticate header");
  return out;
}

Result<std::optional<RegistryCredentials>> CredentialsFromAuthFile(std::string_view json,
                                                                  std::string_view registry) {
  ASSIGN_OR_RETURN(Json doc, ParseJson(json));
  if (!doc.is_object()) return InvalidArgument("auth file is not a JSON object");
  const Json* auths = GetObject(doc, "auths");
  if (!auths) return std::optional<RegistryCredentials>();
  const std::string want = Lower(registry);
  // Docker Hub's entries are keyed by its index, "https://index.docker.io/v1/".
  const bool hub = want == kDockerHub || want == "docker.io" || want == "index.docker.io";
  for (auto it = auths->begin(); it != auths->end(); ++it) {
    std::string host = AuthKeyHost(it.key());
    bool match = host == want || (hub && (host == "index.docker.io" || host == "docker.io" || host == kDockerHub));
    if (!match || !it.value().is_object()) continue;
    auto auth = GetString(it.value(), "auth");
    if (!auth || auth->empty()) continue;  // a credential helper entry: not supported
    auto decoded = Base64Decode(*auth);
    if (!decoded.ok()) return InvalidArgument("auth entry for " + it.key() + " is not valid base64");
    size_t colon = decoded->find(':');
    if (colon == std::string::npos) return InvalidArgument("auth entry for " + it.key() + " is not user:password");
    return std::optional<RegistryCredentials>(RegistryCredentials{decoded->substr(0, colon), decoded->substr(colon + 1)});
  }
  return std::optional<RegistryCredentials>();
}

Result<std::optional<RegistryCredentials>> ResolveCredentials(const RemoteOptions& options,
                                                             std::string_view registry) {
  if (!options.username.empty()) {
    return std::optional<RegistryCredentials>(RegistryCredentials{options.username, options.password});
  }
  std::vector<std::string> candidates;
  if (!options.auth_file.empty()) {
    candidates.push_back(options.auth_file);
  } else {
    if (const char* f = std::getenv("REGISTRY_AUTH_FILE"); f && *f) candidates.push_back(f);
    if (const char* x = std::getenv("XDG_RUNTIME_DIR"); x && *x)
      candidates.push_back(JoinPath(x, "containers/auth.json"));
    if (const char* home = std::getenv("HOME"); home && *home)
      candidates.push_back(JoinPath(home, ".docker/config.json"));
  }
  auto& fs = PosixFileSystem::Default();
  for (const auto& path : candidates) {
    if (!fs.Exists(path)) {
      if (!options.auth_file.empty()) return NotFound("auth file " + path + " does not exist");
      continue;
    }
    ASSIGN_OR_RETURN(std::string text, fs.ReadFile(path, kMaxAuthFileBytes));
    auto creds = CredentialsFromAuthFile(text, registry);
    if (!creds.ok()) return creds.status().WithContext(path);
    if (*creds) return creds;
  }
  return std::optional<RegistryCredentials>();
}

Result<std::vector<std::unique_ptr<ImageSource>>> OpenRemote(const RemoteReference& ref,
                                                             std::string full_reference,
                                                             const OpenOptions& options) {
  ASSIGN_OR_RETURN(auto credentials, ResolveCredentials(options.remote, ref.registry));
  auto client = std::make_unique<RegistryClient>(ref, options.remote, std::move(credentials));
  RegistryClient& c = *client;
  auto fetcher = std::make_shared<RemoteFetcher>(std::move(client), options.remote);
  const std::string reference = ref.digest.empty() ? ref.tag : ref.digest;
  const std::string what = "manifest " + ref.Name();
  ASSIGN_OR_RETURN(auto stream, c.Get("manifests", reference, what, true));
  auto bytes = stream->ReadAll(options.max_manifest_bytes);
  if (!bytes.ok()) return bytes.status().WithContext(what);
  Digest digest;
  if (!ref.digest.empty()) {
    ASSIGN_OR_RETURN(digest, Digest::Parse(ref.digest));
    if (!(ComputeDigest(*bytes, digest.algorithm()) == digest)) return DataLoss(what + " does not match its digest");
  } else {
    digest = ComputeDigest(*bytes);
    if (auto header = stream->Header("docker-content-digest")) {
      auto claimed = Digest::Parse(*header);
      if (claimed.ok() && !(ComputeDigest(*bytes, claimed->algorithm()) == *claimed)) {
        return DataLoss(what + ": Docker-Content-Digest " + *header + " does not match the content");
      }
    }
  }
  fetcher->Remember(digest, std::move(*bytes));
  return OpenFromBlobs(fetcher, digest, std::move(full_reference), options);
}

}  // namespace surveyor::image
