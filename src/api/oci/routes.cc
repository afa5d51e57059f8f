#include "api/oci/routes.h"

#include <charconv>

#include "api/oci/errors.h"
#include "oci/media_types.h"

namespace surveyor::api::oci {
namespace {

using http::Method;
using http::Request;
using http::Response;
namespace media = surveyor::oci;

// Where a /v2/ path points.
enum class Target { kBase, kCatalog, kTags, kManifest, kBlob, kUploads, kUpload, kReferrers, kNone };

struct ParsedPath {
  Target target = Target::kNone;
  std::string name;
  std::string rest;  // reference, digest or upload id
};

ParsedPath ParsePath(std::string_view path) {
  if (path == "/v2" || path == "/v2/") return {Target::kBase, {}, {}};
  if (!path.starts_with("/v2/")) return {};
  std::string_view p = path.substr(4);
  if (p == "_catalog") return {Target::kCatalog, {}, {}};
  auto split = [&](std::string_view marker, Target t) -> std::optional<ParsedPath> {
    const size_t at = p.rfind(marker);
    if (at == std::string_view::npos || at == 0) return std::nullopt;
    std::string_view rest = p.substr(at + marker.size());
    if (rest.find('/') != std::string_view::npos) return std::nullopt;
    return ParsedPath{t, std::string(p.substr(0, at)), std::string(rest)};
  };
  if (p.ends_with("/tags/list")) {
    return {Target::kTags, std::string(p.substr(0, p.size() - 10)), {}};
  }
  if (p.ends_with("/blobs/uploads") || p.ends_with("/blobs/uploads/")) {
    const size_t at = p.rfind("/blobs/uploads");
    return {Target::kUploads, std::string(p.substr(0, at)), {}};
  }
  if (auto r = split("/blobs/uploads/", Target::kUpload)) return *r;
  if (auto r = split("/manifests/", Target::kManifest)) return *r;
  if (auto r = split("/referrers/", Target::kReferrers)) return *r;
  if (auto r = split("/blobs/", Target::kBlob)) return *r;
  return {};
}

Response Error(const Status& s) { return ErrorResponse(s); }

Response WithDistributionHeader(Response r) {
  r.headers.Set("Docker-Distribution-API-Version", "registry/2.0");
  return r;
}

Result<std::optional<size_t>> PageSize(const Request& req) {
  auto n = req.QueryParam("n");
  if (!n) return std::optional<size_t>();
  size_t value = 0;
  auto [ptr, ec] = std::from_chars(n->data(), n->data() + n->size(), value);
  if (ec != std::errc() || ptr != n->data() + n->size()) {
    return InvalidArgument("n must be a non-negative integer", "PAGINATION_NUMBER_INVALID");
  }
  return std::optional<size_t>(value);
}

std::string NextLink(const std::string& base, std::optional<size_t> n, const std::string& last) {
  std::string link = "<" + base + "?last=" + http::PercentEncode(last);
  if (n) link += "&n=" + std::to_string(*n);
  return link + ">; rel=\"next\"";
}

// Content-Range for PATCH: "<start>-<end>", optionally prefixed by "bytes " or "bytes=".
std::optional<registry::ChunkRange> ParseContentRange(std::string_view v, bool& malformed) {
  malformed = false;
  if (v.starts_with("bytes ") || v.starts_with("bytes=")) v.remove_prefix(6);
  const size_t dash = v.find('-');
  registry::ChunkRange range;
  if (dash == std::string_view::npos) {
    malformed = true;
    return std::nullopt;
  }
  std::string_view end = v.substr(dash + 1);
  if (const size_t slash = end.find('/'); slash != std::string_view::npos) end = end.substr(0, slash);
  auto a = std::from_chars(v.data(), v.data() + dash, range.start);
  auto b = std::from_chars(end.data(), end.data() + end.size(), range.end);
  if (a.ec != std::errc() || a.ptr != v.data() + dash || b.ec != std::errc() ||
      b.ptr != end.data() + end.size()) {
    malformed = true;
    return std::nullopt;
  }
  return range;
}

std::string UploadLocation(const std::string& name, const std::string& id) {
  return "/v2/" + name + "/blobs/uploads/" + id;
}

Response UploadAccepted(const registry::UploadState& state, int status) {
  Response r = Response::Empty(status);
  r.headers.Set("Location", UploadLocation(state.repository, state.id));
  r.headers.Set("Range", "0-" + std::to_string(state.size == 0 ? 0 : state.size - 1));
  r.headers.Set("Docker-Upload-UUID", state.id);
  r.headers.Set("Content-Length", "0");
  return r;
}

Response BlobCreated(const std::string& name, const Digest& digest) {
  Response r = Response::Empty(201);
  r.headers.Set("Location", "/v2/" + name + "/blobs/" + digest.ToString());
  r.headers.Set("Docker-Content-Digest", digest.ToString());
  r.headers.Set("Content-Length", "0");
  return r;
}

Result<Digest> DigestParam(const Request& req) {
  auto d = req.QueryParam("digest");
  if (!d) return InvalidArgument("the digest query parameter is required", "DIGEST_INVALID");
  return Digest::Parse(*d);
}

Response HandleBlob(Request& req, registry::Registry& reg, const ParsedPath& p) {
  auto digest = Digest::Parse(p.rest);
  if (!digest.ok()) return Error(digest.status());
  if (req.method == Method::kDelete) {
    Status s = reg.DeleteBlob(p.name, *digest);
    return s.ok() ? Response::Empty(202) : Error(s);
  }
  if (req.method != Method::kGet && req.method != Method::kHead) {
    return Error(Unimplemented("method not allowed on blobs", "UNSUPPORTED"));
  }
  auto info = reg.StatBlob(p.name, *digest);
  if (!info.ok()) return Error(info.status());
  Response r;
  r.headers.Set("Content-Type", "application/octet-stream");
  r.headers.Set("Docker-Content-Digest", digest->ToString());
  r.headers.Set("Accept-Ranges", "bytes");
  r.headers.Set("ETag", "\"" + digest->ToString() + "\"");
  r.headers.Set("Cache-Control", "max-age=31536000");
  uint64_t start = 0, length = info->size;
  if (auto range = req.headers.Get("Range"); range && req.method == Method::kGet) {
    // One range: bytes=a-b, bytes=a-, bytes=-n.
    std::string_view v = *range;
    bool ok = v.starts_with("bytes=") && v.find(',') == std::string_view::npos;
    uint64_t a = 0, b = 0;
    if (ok) {
      v.remove_prefix(6);
      const size_t dash = v.find('-');
      ok = dash != std::string_view::npos;
      if (ok && dash == 0) {  // suffix
        auto res = std::from_chars(v.data() + 1, v.data() + v.size(), b);
        ok = res.ec == std::errc() && res.ptr == v.data() + v.size() && b > 0;
        if (ok) {
          b = std::min(b, info->size);
          a = info->size - b;
          b = info->size == 0 ? 0 : info->size - 1;
        }
      } else if (ok) {
        auto ra = std::from_chars(v.data(), v.data() + dash, a);
        ok = ra.ec == std::errc() && ra.ptr == v.data() + dash;
        if (ok && dash + 1 == v.size()) {
          b = info->size == 0 ? 0 : info->size - 1;
        } else if (ok) {
          auto rb = std::from_chars(v.data() + dash + 1, v.data() + v.size(), b);
          ok = rb.ec == std::errc() && rb.ptr == v.data() + v.size() && b >= a;
          b = std::min(b, info->size == 0 ? 0 : info->size - 1);
        }
      }
    }
    if (!ok || a >= info->size) {
      Response bad = Error(OutOfRange("requested range is not satisfiable", "BLOB_UNKNOWN"));
      bad.headers.Set("Content-Range", "bytes */" + std::to_string(info->size));
      return bad;
    }
    start = a;
    length = b - a + 1;
    r.status = 206;
    r.headers.Set("Content-Range", "bytes " + std::to_string(a) + "-" + std::to_string(b) + "/" +
                                       std::to_string(info->size));
  }
  r.body = http::FileRegion{info->path, start, length};
  return r;
}

Response HandleUploads(Request& req, registry::Registry& reg, const ParsedPath& p) {
  if (req.method != Method::kPost) {
    return Error(Unimplemented("only POST starts an upload", "UNSUPPORTED"));
  }
  Status name_ok = surveyor::oci::ValidateRepositoryName(p.name);
  if (!name_ok.ok()) return Error(name_ok);
  auto mount = req.QueryParam("mount");
  auto from = req.QueryParam("from");
  if (mount && from) {
    auto digest = Digest::Parse(*mount);
    if (!digest.ok()) return Error(digest.status());
    auto mounted = reg.MountBlob(p.name, *from, *digest);
    if (!mounted.ok()) return Error(mounted.status());
    if (*mounted) return BlobCreated(p.name, *digest);
    // Not there: fall back to a normal upload session, as the spec allows.
  }
  if (req.QueryParam("digest")) {
    auto digest = DigestParam(req);
    if (!digest.ok()) return Error(digest.status());
    auto state = reg.StartUpload(p.name);
    if (!state.ok()) return Error(state.status());
    auto info = reg.CompleteUpload(p.name, state->id, *digest, *req.body);
    if (!info.ok()) {
      (void)reg.CancelUpload(p.name, state->id);
      return Error(info.status());
    }
    return BlobCreated(p.name, *digest);
  }
  auto state = reg.StartUpload(p.name);
  if (!state.ok()) return Error(state.status());
  return UploadAccepted(*state, 202);
}

Response HandleUpload(Request& req, registry::Registry& reg, const ParsedPath& p) {
  switch (req.method) {
    case Method::kGet:
    case Method::kHead: {
      auto state = reg.GetUpload(p.name, p.rest);
      if (!state.ok()) return Error(state.status());
      return UploadAccepted(*state, 204);
    }
    case Method::kDelete: {
      Status s = reg.CancelUpload(p.name, p.rest);
      return s.ok() ? Response::Empty(204) : Error(s);
    }
    case Method::kPatch:
    case Method::kPut: {
      std::optional<registry::ChunkRange> range;
      if (auto cr = req.headers.Get("Content-Range")) {
        bool malformed = false;
        range = ParseContentRange(*cr, malformed);
        if (malformed) {
          return Error(OutOfRange("Content-Range must be <start>-<end>", "BLOB_UPLOAD_INVALID"));
        }
        if (auto len = req.body->content_length(); len && *len != range->end - range->start + 1) {
          return Error(OutOfRange("Content-Length does not match Content-Range",
                                  "BLOB_UPLOAD_INVALID"));
        }
      }
      if (req.method == Method::kPatch) {
        auto state = reg.AppendUpload(p.name, p.rest, range, *req.body);
        if (!state.ok()) return Error(state.status());
        return UploadAccepted(*state, 202);
      }
      auto digest = DigestParam(req);
      if (!digest.ok()) return Error(digest.status());
      if (range) {
        auto state = reg.AppendUpload(p.name, p.rest, range, *req.body);
        if (!state.ok()) return Error(state.status());
      }
      StringSource empty("");
      ByteSource& final_chunk = range ? static_cast<ByteSource&>(empty) : *req.body;
      auto info = reg.CompleteUpload(p.name, p.rest, *digest, final_chunk);
      if (!info.ok()) return Error(info.status());
      return BlobCreated(p.name, *digest);
    }
    default:
      return Error(Unimplemented("method not allowed on uploads", "UNSUPPORTED"));
  }
}

// True when `accept` (all Accept values joined) admits `media_type`. No Accept admits anything.
bool Accepts(const std::vector<std::string_view>& accept, std::string_view media_type) {
  if (accept.empty()) return true;
  for (std::string_view value : accept) {
    while (!value.empty()) {
      const size_t comma = value.find(',');
      std::string_view item = media::StripMediaTypeParameters(value.substr(0, comma));
      value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
      if (item == media_type || item == "*/*" || item == "application/*") return true;
    }
  }
  return false;
}

Response ManifestResponse(const registry::StoredManifest& m) {
  Response r = Response::Text(200, m.content, m.media_type);
  r.headers.Set("Docker-Content-Digest", m.digest.ToString());
  r.headers.Set("ETag", "\"" + m.digest.ToString() + "\"");
  return r;
}

Response HandleManifest(Request& req, registry::Registry& reg, const ParsedPath& p) {
  switch (req.method) {
    case Method::kGet:
    case Method::kHead: {
      auto m = reg.GetManifest(p.name, p.rest, req.method == Method::kGet);
      if (!m.ok()) return Error(m.status());
      const auto accept = req.headers.GetAll("Accept");
      if (!Accepts(accept, m->media_type)) {
        return Error(NotFound("the manifest is " + m->media_type +
                                  ", which the request's Accept header does not list",
                              "MANIFEST_UNKNOWN"));
      }
      return ManifestResponse(*m);
    }
    case Method::kPut: {
      auto body = req.body->ReadAll(reg.options().max_manifest_bytes);
      if (!body.ok()) {
        return Error(body.status().code() == StatusCode::kResourceExhausted
                         ? ResourceExhausted("manifest is larger than the limit of " +
                                                 std::to_string(reg.options().max_manifest_bytes) +
                                                 " bytes",
                                             "SIZE_INVALID")
                         : body.status());
      }
      const std::string content_type(req.headers.Get("Content-Type").value_or(""));
      auto put = reg.PutManifest(p.name, p.rest, content_type, std::move(*body));
      if (!put.ok()) return Error(put.status());
      Response r = Response::Empty(201);
      r.headers.Set("Location", "/v2/" + p.name + "/manifests/" + put->digest.ToString());
      r.headers.Set("Docker-Content-Digest", put->digest.ToString());
      r.headers.Set("Content-Length", "0");
      if (put->subject) r.headers.Set("OCI-Subject", put->subject->ToString());
      return r;
    }
    case Method::kDelete: {
      Status s = reg.DeleteManifest(p.name, p.rest);
      return s.ok() ? Response::Empty(202) : Error(s);
    }
    default:
      return Error(Unimplemented("method not allowed on manifests", "UNSUPPORTED"));
  }
}

Response HandleTags(Request& req, registry::Registry& reg, const ParsedPath& p) {
  auto n = PageSize(req);
  if (!n.ok()) return Error(n.status());
  auto page = reg.ListTags(p.name, *n, req.QueryParam("last").value_or(""));
  if (!page.ok()) return Error(page.status());
  Response r = Response::JsonBody(200, {{"name", p.name}, {"tags", page->items}});
  if (page->next) r.headers.Set("Link", NextLink("/v2/" + p.name + "/tags/list", *n, *page->next));
  return r;
}

Response HandleCatalog(Request& req, registry::Registry& reg) {
  auto n = PageSize(req);
  if (!n.ok()) return Error(n.status());
  auto page = reg.Catalog(*n, req.QueryParam("last").value_or(""));
  if (!page.ok()) return Error(page.status());
  Response r = Response::JsonBody(200, {{"repositories", page->items}});
  if (page->next) r.headers.Set("Link", NextLink("/v2/_catalog", *n, *page->next));
  return r;
}

Response HandleReferrers(Request& req, registry::Registry& reg, const ParsedPath& p) {
  Status name_ok = surveyor::oci::ValidateRepositoryName(p.name);
  if (!name_ok.ok()) return Error(name_ok);
  auto digest = Digest::Parse(p.rest);
  if (!digest.ok()) return Error(digest.status());
  const std::string artifact_type = req.QueryParam("artifactType").value_or("");
  auto index = reg.Referrers(p.name, *digest, artifact_type);
  if (!index.ok()) return Error(index.status());
  Response r = Response::JsonBody(200, *index, std::string(media::kOciIndex));
  if (!artifact_type.empty()) r.headers.Set("OCI-Filters-Applied", "artifactType");
  return r;
}

}  // namespace

void AddRoutes(http::Router& router, registry::Registry& registry) {
  router.Add(
      "oci", [](const Request& r) { return r.path == "/v2" || r.path.starts_with("/v2/"); },
      [&registry](Request& req) {
        const ParsedPath p = ParsePath(req.path);
        Response r;
        switch (p.target) {
          case Target::kBase:
            r = Response::JsonBody(200, Json::object());
            r.route = "oci_base";
            break;
          case Target::kCatalog:
            r = HandleCatalog(req, registry);
            r.route = "oci_catalog";
            break;
          case Target::kTags:
            r = HandleTags(req, registry, p);
            r.route = "oci_tags";
            break;
          case Target::kManifest:
            r = HandleManifest(req, registry, p);
            r.route = "oci_manifest";
            break;
          case Target::kBlob:
            r = HandleBlob(req, registry, p);
            r.route = "oci_blob";
            break;
          case Target::kUploads:
            r = HandleUploads(req, registry, p);
            r.route = "oci_upload_start";
            break;
          case Target::kUpload:
            r = HandleUpload(req, registry, p);
            r.route = "oci_upload";
            break;
          case Target::kReferrers:
            r = HandleReferrers(req, registry, p);
            r.route = "oci_referrers";
            break;
          case Target::kNone:
            r = Error(NotFound("no such endpoint in the distribution API", "NAME_UNKNOWN"));
            r.route = "oci_unknown";
            break;
        }
        return WithDistributionHeader(std::move(r));
      });
}

}  // namespace surveyor::api::oci
