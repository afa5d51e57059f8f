// For tests of registry observers: uploads blobs through a real Registry and builds the smallest
// image manifest that refers to them. Header-only; test code only.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "common/stream.h"
#include "registry/registry.h"

namespace surveyor::registry {

inline Digest UploadForTest(Registry& registry, std::string_view repository,
                            std::string_view content) {
  auto up = registry.StartUpload(repository);
  EXPECT_TRUE(up.ok()) << up.status().ToString();
  StringSource src(content);
  const Digest d = ComputeDigest(content);
  EXPECT_TRUE(registry.CompleteUpload(repository, up->id, d, src).ok());
  return d;
}

// An OCI image manifest with a "{}" config and one five-byte layer, both uploaded.
inline std::string ManifestForTest(Registry& registry, std::string_view repository) {
  const Digest config = UploadForTest(registry, repository, "{}");
  const Digest layer = UploadForTest(registry, repository, "layer");
  return R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
         R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
         config.ToString() + R"(","size":2},"layers":[{"mediaType":)"
         R"("application/vnd.oci.image.layer.v1.tar+gzip","digest":")" +
         layer.ToString() + R"(","size":5}]})";
}

}  // namespace surveyor::registry
