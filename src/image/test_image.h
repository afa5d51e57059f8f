// Test helper (tests only): writes small OCI layouts, oci-archives and docker-archives from
// in-memory layers, so image tests build their own images.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/digest.h"
#include "common/json.h"
#include "image/test_tar.h"

namespace surveyor::image::testing {

inline void WriteFile(const std::string& path, const std::string& data) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << data;
}

struct BuiltLayer {
  std::string tar;         // uncompressed
  std::string blob;        // as stored
  std::string media_type;
};

inline BuiltLayer GzipLayer(const std::vector<TarSpec>& specs) {
  std::string tar = BuildTar(specs);
  return {tar, Gzip(tar), "application/vnd.oci.image.layer.v1.tar+gzip"};
}

inline BuiltLayer ZstdLayer(const std::vector<TarSpec>& specs) {
  std::string tar = BuildTar(specs);
  return {tar, Zstd(tar), "application/vnd.oci.image.layer.v1.tar+zstd"};
}

// Blobs under <dir>/blobs/sha256; returns the manifest's bytes. `config_diff_ids` overrides.
inline std::string WriteImageBlobs(const std::string& dir, const std::vector<BuiltLayer>& layers,
                                   const std::string& arch = "amd64",
                                   std::vector<std::string> config_diff_ids = {}) {
  auto put = [&](const std::string& data) {
    Digest d = ComputeDigest(data);
    WriteFile(dir + "/blobs/sha256/" + d.hex(), data);
    return d.ToString();
  };
  OrderedJson config;
  config["architecture"] = arch;
  config["os"] = "linux";
  OrderedJson ids = OrderedJson::array();
  if (config_diff_ids.empty())
    for (const auto& l : layers) ids.push_back(ComputeDigest(l.tar).ToString());
  else
    for (const auto& d : config_diff_ids) ids.push_back(d);
  config["rootfs"] = {{"type", "layers"}, {"diff_ids", ids}};
  std::string config_bytes = DumpJson(config);
  OrderedJson m;
  m["schemaVersion"] = 2;
  m["mediaType"] = "application/vnd.oci.image.manifest.v1+json";
  m["config"] = {{"mediaType", "application/vnd.oci.image.config.v1+json"},
                 {"digest", put(config_bytes)},
                 {"size", config_bytes.size()}};
  OrderedJson ls = OrderedJson::array();
  for (const auto& l : layers)
    ls.push_back({{"mediaType", l.media_type}, {"digest", put(l.blob)}, {"size", l.blob.size()}});
  m["layers"] = ls;
  std::string mb = DumpJson(m);
  put(mb);
  return mb;
}

struct IndexEntry {
  std::string manifest;
  std::string tag;
  std::string arch;  // empty: no platform
};

inline std::string IndexJson(const std::vector<IndexEntry>& entries, bool nested = false) {
  OrderedJson idx;
  idx["schemaVersion"] = 2;
  if (nested) idx["mediaType"] = "application/vnd.oci.image.index.v1+json";
  OrderedJson ms = OrderedJson::array();
  for (const auto& e : entries) {
    OrderedJson d = {{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                     {"digest", ComputeDigest(e.manifest).ToString()},
                     {"size", e.manifest.size()}};
    if (!e.tag.empty()) d["annotations"] = {{"org.opencontainers.image.ref.name", e.tag}};
    if (!e.arch.empty()) d["platform"] = {{"architecture", e.arch}, {"os", "linux"}};
    ms.push_back(d);
  }
  idx["manifests"] = ms;
  return DumpJson(idx);
}

inline void WriteLayoutIndex(const std::string& dir, const std::vector<IndexEntry>& entries) {
  WriteFile(dir + "/oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}");
  WriteFile(dir + "/index.json", IndexJson(entries));
}

// Tars up a directory tree (as skopeo's oci-archive / docker-archive would) into `out`.
inline void TarDirectory(const std::string& dir, const std::string& out) {
  std::vector<TarSpec> specs;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    specs.push_back({std::filesystem::relative(e.path(), dir).string(), data});
  }
  WriteFile(out, BuildTar(specs, TarFormat::kPax));
}

inline std::string TempDir(const std::string& name) {
  auto p = std::filesystem::temp_directory_path() / ("surveyor-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p);
  return p.string();
}

}  // namespace surveyor::image::testing
