#include "oci/manifest.h"

namespace surveyor::oci {
namespace {

Status Invalid(std::string message) { return InvalidArgument(std::move(message), "MANIFEST_INVALID"); }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Result<std::vector<Descriptor>> ParseDescriptorList(const Json& parent, std::string_view key,
                                                    size_t& budget) {
  std::vector<Descriptor> out;
  const Json* list = GetArray(parent, key);
  if (list == nullptr) {
    return Invalid("'" + std::string(key) + "' must be an array of descriptors");
  }
  if (list->size() > budget) {
    return Invalid("manifest has more than the allowed number of descriptors");
  }
  budget -= list->size();
  out.reserve(list->size());
  for (size_t i = 0; i < list->size(); ++i) {
    ASSIGN_OR_RETURN(Descriptor d,
                     ParseDescriptor((*list)[i], std::string(key) + "[" + std::to_string(i) + "]"));
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace

std::string_view StripMediaTypeParameters(std::string_view content_type) {
  return Trim(content_type.substr(0, content_type.find(';')));
}

Result<Descriptor> ParseDescriptor(const Json& j, std::string_view where) {
  const std::string w(where);
  if (!j.is_object()) return Invalid(w + " must be an object");
  Descriptor d;
  auto media_type = GetString(j, "mediaType");
  if (!media_type || !IsValidMediaTypeSyntax(*media_type)) {
    return Invalid(w + ".mediaType must be a media type such as " + std::string(kOciLayerGzip));
  }
  d.media_type = *media_type;
  auto digest = GetString(j, "digest");
  if (!digest) return Invalid(w + ".digest is missing");
  auto parsed = Digest::Parse(*digest);
  if (!parsed.ok()) return Invalid(w + ".digest: " + parsed.status().message());
  d.digest = *parsed;
  const auto size_it = j.find("size");
  if (size_it == j.end() || !size_it->is_number_integer() || size_it->get<int64_t>() < 0) {
    return Invalid(w + ".size must be a non-negative integer");
  }
  d.size = size_it->get<int64_t>();
  if (j.contains("artifactType")) {
    auto at = GetString(j, "artifactType");
    if (!at || !IsValidMediaTypeSyntax(*at)) return Invalid(w + ".artifactType is not a media type");
    d.artifact_type = *at;
  }
  if (j.contains("annotations")) {
    const Json* a = GetObject(j, "annotations");
    if (a == nullptr) return Invalid(w + ".annotations must be an object");
    for (const auto& [k, v] : a->items()) {
      if (!v.is_string()) return Invalid(w + ".annotations[" + k + "] must be a string");
    }
    d.annotations = *a;
  }
  if (j.contains("platform")) {
    const Json* p = GetObject(j, "platform");
    if (p == nullptr) return Invalid(w + ".platform must be an object");
    Platform platform;
    auto arch = GetString(*p, "architecture");
    auto os = GetString(*p, "os");
    if (!arch || !os) return Invalid(w + ".platform needs architecture and os strings");
    platform.architecture = *arch;
    platform.os = *os;
    platform.variant = GetString(*p, "variant").value_or("");
    platform.os_version = GetString(*p, "os.version").value_or("");
    d.platform = std::move(platform);
  }
  return d;
}

Result<Manifest> ParseManifest(std::string_view bytes, std::string_view content_type,
                               const ManifestLimits& limits) {
  const std::string_view declared_type = StripMediaTypeParameters(content_type);
  if (declared_type == kDockerSchema1 || declared_type == kDockerSchema1Signed) {
    return InvalidArgument("Docker schema 1 manifests are not supported; push schema 2 or OCI",
                           "UNSUPPORTED");
  }
  auto parsed = ParseJson(bytes, 64);
  if (!parsed.ok()) return Invalid(parsed.status().message());
  const Json& j = *parsed;
  if (!j.is_object()) return Invalid("manifest must be a JSON object");
  const auto schema = GetInt(j, "schemaVersion");
  if (schema == 1) {
    return InvalidArgument("Docker schema 1 manifests are not supported; push schema 2 or OCI",
                           "UNSUPPORTED");
  }
  if (schema != 2) return Invalid("schemaVersion must be 2");

  std::string media_type;
  if (j.contains("mediaType")) {
    auto mt = GetString(j, "mediaType");
    if (!mt) return Invalid("mediaType must be a string");
    media_type = *mt;
  }
  if (!declared_type.empty() && declared_type != "application/json" &&
      declared_type != "application/octet-stream") {
    if (!IsManifestMediaType(declared_type)) {
      return Invalid("unsupported manifest media type '" + std::string(declared_type) + "'");
    }
    if (!media_type.empty() && media_type != declared_type) {
      return Invalid("Content-Type '" + std::string(declared_type) +
                     "' does not match the manifest's mediaType '" + media_type + "'");
    }
    if (media_type.empty()) media_type = std::string(declared_type);
  }
  if (media_type.empty()) {
    // OCI allows mediaType to be absent; tell an index from a manifest by its members.
    if (j.contains("manifests") && !j.contains("config")) {
      media_type = std::string(kOciIndex);
    } else if (j.contains("config") && !j.contains("manifests")) {
      media_type = std::string(kOciManifest);
    } else {
      return Invalid("cannot tell whether this is a manifest or an index: set mediaType");
    }
  }

  Manifest m;
  m.media_type = media_type;
  if (media_type == kOciManifest) {
    m.kind = ManifestKind::kOciManifest;
  } else if (media_type == kOciIndex) {
    m.kind = ManifestKind::kOciIndex;
  } else if (media_type == kDockerManifest) {
    m.kind = ManifestKind::kDockerManifest;
  } else if (media_type == kDockerManifestList) {
    m.kind = ManifestKind::kDockerManifestList;
  } else {
    return Invalid("unsupported manifest media type '" + media_type + "'");
  }

  size_t budget = limits.max_descriptors;
  if (IsIndexKind(m.kind)) {
    if (j.contains("config") || j.contains("layers")) {
      return Invalid("an index must not have config or layers");
    }
    ASSIGN_OR_RETURN(m.manifests, ParseDescriptorList(j, "manifests", budget));
  } else {
    if (j.contains("manifests")) return Invalid("an image manifest must not have manifests");
    const Json* config = GetObject(j, "config");
    if (config == nullptr) return Invalid("config must be a descriptor object");
    ASSIGN_OR_RETURN(Descriptor c, ParseDescriptor(*config, "config"));
    m.config = std::move(c);
    ASSIGN_OR_RETURN(m.layers, ParseDescriptorList(j, "layers", budget));
  }
  if (j.contains("subject")) {
    const Json* s = GetObject(j, "subject");
    if (s == nullptr) return Invalid("subject must be a descriptor object");
    ASSIGN_OR_RETURN(Descriptor d, ParseDescriptor(*s, "subject"));
    m.subject = std::move(d);
  }
  if (j.contains("artifactType")) {
    auto at = GetString(j, "artifactType");
    if (!at || !IsValidMediaTypeSyntax(*at)) return Invalid("artifactType is not a media type");
    m.artifact_type = *at;
  } else if (m.config && m.kind == ManifestKind::kOciManifest) {
    m.artifact_type = m.config->media_type;
  }
  if (j.contains("annotations")) {
    const Json* a = GetObject(j, "annotations");
    if (a == nullptr) return Invalid("annotations must be an object");
    m.annotations = *a;
  }
  return m;
}

}  // namespace surveyor::oci
