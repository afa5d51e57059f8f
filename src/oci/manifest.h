// Image manifests and indexes (OCI image spec 1.1, Docker schema 2 and manifest lists):
// parsing and structural validation of the bytes a client PUTs. Pure; no I/O. Whether the
// referenced blobs exist is the registry's business, not this file's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/digest.h"
#include "common/json.h"
#include "common/status.h"
#include "oci/media_types.h"

namespace surveyor::oci {

struct Platform {
  std::string architecture;
  std::string os;
  std::string variant;
  std::string os_version;
};

struct Descriptor {
  std::string media_type;
  Digest digest;
  int64_t size = 0;
  std::string artifact_type;
  std::optional<Platform> platform;
  Json annotations;  // object or null
};

struct Manifest {
  ManifestKind kind = ManifestKind::kOciManifest;
  std::string media_type;            // the effective media type stored with the manifest
  std::optional<Descriptor> config;  // image manifests
  std::vector<Descriptor> layers;    // image manifests
  std::vector<Descriptor> manifests; // indexes and manifest lists
  std::optional<Descriptor> subject;
  std::string artifact_type;  // artifactType, or config.mediaType of an image manifest
  Json annotations;
};

struct ManifestLimits {
  size_t max_descriptors = 10000;  // layers + manifests
};

// `content_type` is the request's Content-Type (parameters ignored), empty when absent. Errors
// carry MANIFEST_INVALID, or UNSUPPORTED for Docker schema 1.
Result<Manifest> ParseManifest(std::string_view bytes, std::string_view content_type,
                               const ManifestLimits& limits = {});

// Parses one descriptor object; `where` names it in error messages ("layers[2]").
Result<Descriptor> ParseDescriptor(const Json& j, std::string_view where);

// "application/json; charset=utf-8" → "application/json"
std::string_view StripMediaTypeParameters(std::string_view content_type);

}  // namespace surveyor::oci
