#include "image/image.h"

#include <sys/stat.h>

#include "common/fs.h"
#include "image/store_source.h"
#include "image/tar_index.h"
#include "oci/manifest.h"
#include "oci/media_types.h"

namespace surveyor::image {
namespace {

constexpr std::string_view kRefName = "org.opencontainers.image.ref.name";

// "repo:tag" entries in docker-archive RepoTags match a bare "tag" too.
bool EndsWithTag(const std::string& repo_tag, const std::string& tag) {
  return repo_tag.size() > tag.size() + 1 &&
         repo_tag.compare(repo_tag.size() - tag.size(), tag.size(), tag) == 0 &&
         repo_tag[repo_tag.size() - tag.size() - 1] == ':';
}

std::string BlobRelPath(const Digest& d) {
  return "blobs/" + std::string(DigestAlgorithmName(d.algorithm())) + "/" + d.hex();
}

class DirFetcher final : public BlobFetcher {
 public:
  explicit DirFetcher(std::string dir) : dir_(std::move(dir)) {}
  Result<std::string> ReadBlob(const Digest& d, uint64_t max_bytes) override {
    return PosixFileSystem::Default().ReadFile(JoinPath(dir_, BlobRelPath(d)), max_bytes);
  }
  Result<std::unique_ptr<ByteSource>> OpenBlob(const Digest& d) override {
    ASSIGN_OR_RETURN(auto f, FileSource::Open(JoinPath(dir_, BlobRelPath(d))));
    return std::unique_ptr<ByteSource>(std::move(f));
  }

 private:
  std::string dir_;
};

Result<std::string> ReadMember(const TarIndex& idx, const std::string& name, uint64_t max_bytes) {
  const TarMember* m = idx.Find(name);
  if (!m) return NotFound(name + " not found in " + idx.path());
  if (m->size > max_bytes) return ResourceExhausted(name + " is larger than " + std::to_string(max_bytes) + " bytes");
  ASSIGN_OR_RETURN(auto src, FileSource::Open(idx.path(), m->offset, m->size));
  std::string out(m->size, '\0');
  size_t have = 0;
  while (have < out.size()) {
    ASSIGN_OR_RETURN(size_t got, src->Read(out.data() + have, out.size() - have));
    if (got == 0) return DataLoss("short read of " + name);
    have += got;
  }
  return out;
}

class TarFetcher final : public BlobFetcher {
 public:
  explicit TarFetcher(TarIndex idx) : idx_(std::move(idx)) {}
  Result<std::string> ReadBlob(const Digest& d, uint64_t max_bytes) override {
    return ReadMember(idx_, BlobRelPath(d), max_bytes);
  }
  Result<std::unique_ptr<ByteSource>> OpenBlob(const Digest& d) override {
    const TarMember* m = idx_.Find(BlobRelPath(d));
    if (!m) return NotFound("blob " + d.ToString() + " not in archive");
    ASSIGN_OR_RETURN(auto f, FileSource::Open(idx_.path(), m->offset, m->size));
    return std::unique_ptr<ByteSource>(std::move(f));
  }
  const TarIndex& index() const { return idx_; }

 private:
  TarIndex idx_;
};

class BlobImage final : public ImageSource {
 public:
  BlobImage(std::shared_ptr<BlobFetcher> f, ImageInfo info) : fetcher_(std::move(f)), info_(std::move(info)) {}
  const ImageInfo& info() const override { return info_; }
  Result<std::unique_ptr<ByteSource>> OpenLayer(size_t i) override {
    if (i >= info_.layers.size()) return OutOfRange("no layer " + std::to_string(i));
    return fetcher_->OpenLayerBlob(info_.layers[i]);
  }

 private:
  std::shared_ptr<BlobFetcher> fetcher_;
  ImageInfo info_;
};

std::string PlatformString(const oci::Platform& p) {
  std::string s = p.os + "/" + p.architecture;
  if (!p.variant.empty()) s += "/" + p.variant;
  return s;
}

bool PlatformMatches(const oci::Platform& p, std::string_view want) {
  std::string have = PlatformString(p);
  if (have == want) return true;
  // "linux/arm64" matches "linux/arm64/v8".
  return have.rfind(std::string(want) + "/", 0) == 0;
}

Status AddDiffIds(ImageInfo& info) {
  const Json* rootfs = GetObject(info.config, "rootfs");
  const Json* ids = rootfs ? GetArray(*rootfs, "diff_ids") : nullptr;
  if (!ids) return Status::Ok();  // tolerated; the cache then keys by blob digest
  if (ids->size() != info.layers.size())
    return InvalidArgument("config lists " + std::to_string(ids->size()) + " diff_ids for " +
                           std::to_string(info.layers.size()) + " layers");
  for (size_t i = 0; i < ids->size(); ++i) {
    if (!(*ids)[i].is_string()) return InvalidArgument("diff_id is not a string");
    info.layers[i].diff_id = (*ids)[i].get<std::string>();
  }
  return Status::Ok();
}

Status Resolve(const std::shared_ptr<BlobFetcher>& fetcher, const Digest& digest,
               const std::string& reference, const OpenOptions& options, int depth,
               std::string platform, std::vector<std::unique_ptr<ImageSource>>& out) {
  if (depth > 4) return InvalidArgument("index nesting deeper than 4");
  ASSIGN_OR_RETURN(std::string bytes, fetcher->ReadManifest(digest, options.max_manifest_bytes));
  Digest actual = ComputeDigest(bytes, digest.algorithm());
  if (!(actual == digest)) return DataLoss("manifest " + digest.ToString() + " does not match its digest");
  ASSIGN_OR_RETURN(oci::Manifest m, oci::ParseManifest(bytes, ""));
  if (oci::IsIndexKind(m.kind)) {
    bool any = false;
    std::vector<std::string> seen;
    for (const auto& d : m.manifests) {
      if (!oci::IsManifestMediaType(d.media_type)) continue;  // attestations and other artifacts
      if (d.platform) {
        if (d.platform->architecture == "unknown") continue;  // buildkit attestation manifests
        seen.push_back(PlatformString(*d.platform));
        if (options.platform != "all" && !PlatformMatches(*d.platform, options.platform)) continue;
      } else if (options.platform != "all" && m.manifests.size() > 1) {
        continue;
      }
      any = true;
      RETURN_IF_ERROR(Resolve(fetcher, d.digest, reference, options, depth + 1,
                              d.platform ? PlatformString(*d.platform) : "", out));
      if (options.platform != "all") break;
    }
    if (!any) {
      std::string list;
      for (auto& s : seen) list += (list.empty() ? "" : ", ") + s;
      return NotFound("no image for platform " + options.platform + " in index (has: " + list + ")");
    }
    return Status::Ok();
  }
  if (!m.config) return InvalidArgument("manifest has no config");
  ImageInfo info;
  info.reference = reference;
  info.manifest_digest = digest.ToString();
  ASSIGN_OR_RETURN(std::string config, fetcher->ReadBlob(m.config->digest, options.max_config_bytes));
  ASSIGN_OR_RETURN(info.config, ParseJson(config));
  if (platform.empty()) {
    auto os = GetString(info.config, "os");
    auto arch = GetString(info.config, "architecture");
    if (os && arch) platform = *os + "/" + *arch;
  }
  info.platform = platform;
  for (const auto& l : m.layers) {
    info.layers.push_back(LayerInfo{l.digest, l.media_type, l.size, ""});
  }
  RETURN_IF_ERROR(AddDiffIds(info));
  out.push_back(std::make_unique<BlobImage>(fetcher, std::move(info)));
  return Status::Ok();
}

// Picks the manifest for `tag` (or the only one) from an OCI layout's index.json.
Result<Digest> PickFromLayoutIndex(const std::string& index_json, const std::string& tag,
                                   const std::string& where) {
  ASSIGN_OR_RETURN(Json idx, ParseJson(index_json));
  const Json* manifests = GetArray(idx, "manifests");
  if (!manifests) return InvalidArgument(where + ": index.json has no manifests");
  std::vector<std::pair<std::string, std::string>> found;  // name, digest
  for (const auto& d : *manifests) {
    std::string name;
    if (const Json* a = GetObject(d, "annotations")) name = GetString(*a, kRefName).value_or("");
    found.emplace_back(name, GetString(d, "digest").value_or(""));
  }
  if (tag.empty()) {
    if (found.size() == 1) return Digest::Parse(found[0].second);
    std::string names;
    for (auto& [n, _] : found) names += (names.empty() ? "" : ", ") + n;
    return InvalidArgument(where + " holds " + std::to_string(found.size()) +
                           " images; name one with :TAG (" + names + ")");
  }
  for (auto& [n, dg] : found)
    if (n == tag) return Digest::Parse(dg);
  return NotFound("tag " + tag + " not in " + where);
}

bool IsDir(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// Splits "PATH:TAG" when the part after the last ':' looks like a tag, "PATH@DIGEST" too.
void SplitPathRef(std::string_view ref, std::string& path, std::string& tag, std::string& digest) {
  size_t at = ref.rfind('@');
  if (at != std::string_view::npos && ref.substr(at + 1).find(':') != std::string_view::npos) {
    path = std::string(ref.substr(0, at));
    digest = std::string(ref.substr(at + 1));
    return;
  }
  size_t colon = ref.rfind(':');
  if (colon != std::string_view::npos && ref.substr(colon + 1).find('/') == std::string_view::npos) {
    path = std::string(ref.substr(0, colon));
    tag = std::string(ref.substr(colon + 1));
    return;
  }
  path = std::string(ref);
}

Result<std::vector<std::unique_ptr<ImageSource>>> OpenLayout(std::string_view ref,
                                                             const std::string& full_ref,
                                                             const OpenOptions& options) {
  std::string dir, tag, digest;
  SplitPathRef(ref, dir, tag, digest);
  if (!IsDir(dir) && IsDir(std::string(ref))) {
    dir = std::string(ref);
    tag.clear();
  }
  auto fetcher = std::make_shared<DirFetcher>(dir);
  Digest d;
  if (!digest.empty()) {
    ASSIGN_OR_RETURN(d, Digest::Parse(digest));
  } else {
    ASSIGN_OR_RETURN(std::string index, PosixFileSystem::Default().ReadFile(JoinPath(dir, "index.json"), 4 << 20));
    ASSIGN_OR_RETURN(d, PickFromLayoutIndex(index, tag, dir));
  }
  std::vector<std::unique_ptr<ImageSource>> out;
  RETURN_IF_ERROR(Resolve(fetcher, d, full_ref, options, 0, "", out));
  return out;
}

class DockerArchiveImage final : public ImageSource {
 public:
  DockerArchiveImage(std::shared_ptr<TarFetcher> f, ImageInfo info, std::vector<std::string> paths)
      : fetcher_(std::move(f)), info_(std::move(info)), paths_(std::move(paths)) {}
  const ImageInfo& info() const override { return info_; }
  Result<std::unique_ptr<ByteSource>> OpenLayer(size_t i) override {
    if (i >= paths_.size()) return OutOfRange("no layer " + std::to_string(i));
    const TarMember* m = fetcher_->index().Find(paths_[i]);
    if (!m) return NotFound(paths_[i] + " not in archive");
    ASSIGN_OR_RETURN(auto f, FileSource::Open(fetcher_->index().path(), m->offset, m->size));
    return std::unique_ptr<ByteSource>(std::move(f));
  }

 private:
  std::shared_ptr<TarFetcher> fetcher_;
  ImageInfo info_;
  std::vector<std::string> paths_;
};

Result<std::vector<std::unique_ptr<ImageSource>>> OpenArchive(std::string_view ref,
                                                              const std::string& full_ref,
                                                              bool force_docker, bool force_oci,
                                                              const OpenOptions& options) {
  std::string file(ref), tag, digest;
  if (!PosixFileSystem::Default().Exists(file)) {
    // "FILE:TAG", "FILE:REPO:TAG" or "FILE@DIGEST": the longest prefix that is a file.
    SplitPathRef(ref, file, tag, digest);
    for (size_t c = ref.find(':'); c != std::string_view::npos; c = ref.find(':', c + 1)) {
      std::string candidate(ref.substr(0, c));
      if (PosixFileSystem::Default().Exists(candidate) && !IsDir(candidate)) {
        file = candidate;
        tag = std::string(ref.substr(c + 1));
        digest.clear();
        break;
      }
    }
  }
  ASSIGN_OR_RETURN(TarIndex idx, TarIndex::Build(file));
  bool has_docker = idx.Find("manifest.json") != nullptr;
  bool has_oci = idx.Find("index.json") != nullptr;
  auto fetcher = std::make_shared<TarFetcher>(std::move(idx));
  if ((has_oci && !force_docker) || force_oci) {
    if (!has_oci) return InvalidArgument(file + " is not an oci-archive (no index.json)");
    ASSIGN_OR_RETURN(std::string index, ReadMember(fetcher->index(), "index.json", 4 << 20));
    Digest d;
    if (!digest.empty()) {
      ASSIGN_OR_RETURN(d, Digest::Parse(digest));
    } else {
      ASSIGN_OR_RETURN(d, PickFromLayoutIndex(index, tag, file));
    }
    std::vector<std::unique_ptr<ImageSource>> out;
    RETURN_IF_ERROR(Resolve(fetcher, d, full_ref, options, 0, "", out));
    return out;
  }
  if (!has_docker) return InvalidArgument(file + " has neither manifest.json nor index.json");
  ASSIGN_OR_RETURN(std::string mj, ReadMember(fetcher->index(), "manifest.json", 4 << 20));
  ASSIGN_OR_RETURN(Json entries, ParseJson(mj));
  if (!entries.is_array() || entries.empty()) return InvalidArgument("manifest.json is not a non-empty array");
  const Json* chosen = nullptr;
  for (const auto& e : entries) {
    if (tag.empty()) { chosen = &e; break; }
    if (const Json* tags = GetArray(e, "RepoTags"))
      for (const auto& t : *tags)
        if (t.is_string() && (t.get<std::string>() == tag || EndsWithTag(t.get<std::string>(), tag))) chosen = &e;
  }
  if (!chosen) return NotFound("tag " + tag + " not in " + file);
  auto config_path = GetString(*chosen, "Config");
  const Json* layers = GetArray(*chosen, "Layers");
  if (!config_path || !layers) return InvalidArgument("manifest.json entry lacks Config or Layers");
  ImageInfo info;
  info.reference = full_ref;
  ASSIGN_OR_RETURN(std::string config, ReadMember(fetcher->index(), *config_path, options.max_config_bytes));
  info.manifest_digest = ComputeDigest(mj).ToString();
  ASSIGN_OR_RETURN(info.config, ParseJson(config));
  auto os = GetString(info.config, "os");
  auto arch = GetString(info.config, "architecture");
  if (os && arch) info.platform = *os + "/" + *arch;
  std::vector<std::string> paths;
  for (const auto& l : *layers) {
    if (!l.is_string()) return InvalidArgument("layer path is not a string");
    std::string p = l.get<std::string>();
    const TarMember* m = fetcher->index().Find(p);
    if (!m) return NotFound("layer " + p + " not in archive");
    LayerInfo li;
    li.size = static_cast<int64_t>(m->size);
    // "blobs/sha256/<hex>" names the blob's digest; older "<id>/layer.tar" do not.
    if (p.rfind("blobs/sha256/", 0) == 0) {
      auto d = Digest::Parse("sha256:" + p.substr(13));
      if (d.ok()) li.digest = *d;
    }
    info.layers.push_back(std::move(li));
    paths.push_back(p);
  }
  RETURN_IF_ERROR(AddDiffIds(info));
  for (auto& l : info.layers) {
    if (l.digest.empty() && !l.diff_id.empty()) {
      auto d = Digest::Parse(l.diff_id);  // an uncompressed layer.tar: its digest is the diff_id
      if (d.ok()) l.digest = *d;
    }
  }
  std::vector<std::unique_ptr<ImageSource>> out;
  out.push_back(std::make_unique<DockerArchiveImage>(fetcher, std::move(info), std::move(paths)));
  return out;
}

}  // namespace

Result<std::vector<std::unique_ptr<ImageSource>>> OpenFromBlobs(std::shared_ptr<BlobFetcher> fetcher,
                                                                const Digest& manifest_digest,
                                                                std::string reference,
                                                                const OpenOptions& options) {
  std::vector<std::unique_ptr<ImageSource>> out;
  RETURN_IF_ERROR(Resolve(fetcher, manifest_digest, reference, options, 0, "", out));
  return out;
}

Result<std::vector<std::unique_ptr<ImageSource>>> OpenImage(std::string_view reference,
                                                            const OpenOptions& options) {
  std::string full(reference);
  auto strip = [&](std::string_view prefix) {
    if (reference.substr(0, prefix.size()) == prefix) {
      reference.remove_prefix(prefix.size());
      return true;
    }
    return false;
  };
  if (strip("oci:")) return OpenLayout(reference, full, options);
  if (strip("oci-archive:")) return OpenArchive(reference, full, false, true, options);
  if (strip("docker-archive:")) return OpenArchive(reference, full, true, false, options);
  if (strip("store:")) {
    size_t at = reference.rfind('@');
    if (at == std::string_view::npos) return InvalidArgument("store: references need @sha256:<digest>");
    ASSIGN_OR_RETURN(Digest d, Digest::Parse(reference.substr(at + 1)));
    return OpenFromStore(std::string(reference.substr(0, at)), d, full, options);
  }
  if (strip("docker://")) {
    ASSIGN_OR_RETURN(RemoteReference ref, ParseRemoteReference(reference));
    return OpenRemote(ref, full, options);
  }
  std::string path(reference);
  std::string p, tag, digest;
  SplitPathRef(reference, p, tag, digest);
  if (IsDir(path) || IsDir(p)) return OpenLayout(reference, full, options);
  return OpenArchive(reference, full, false, false, options);
}

}  // namespace surveyor::image
