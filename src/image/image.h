// Reading images: an ImageSource is one image (one platform) — its manifest, config and layer
// list — and opens each layer's compressed blob as a stream. Implementations: OCI layout
// directories (`oci:DIR[:TAG|@DIGEST]`), oci-archive and docker-archive tarballs (read in place
// through an index of the outer tar, never unpacked), and any content-addressed blob store through
// BlobFetcher (the registry's own store plugs in there). A source is used by one thread at a time.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/digest.h"
#include "common/json.h"
#include "image/byte_source.h"
#include "image/remote.h"

namespace surveyor::image {

struct LayerInfo {
  Digest digest;           // of the blob as stored (compressed)
  std::string media_type;  // may be empty (docker-archive)
  int64_t size = -1;
  std::string diff_id;     // from the config's rootfs.diff_ids ("sha256:..."), empty if unknown
};

struct ImageInfo {
  std::string reference;   // as given by the user
  std::string manifest_digest;
  std::string platform;    // "linux/amd64", empty when the manifest did not say
  std::vector<LayerInfo> layers;
  Json config;             // the image config document
};

class ImageSource {
 public:
  virtual ~ImageSource() = default;
  virtual const ImageInfo& info() const = 0;
  // The compressed layer blob `index` (0 = bottom layer).
  virtual Result<std::unique_ptr<ByteSource>> OpenLayer(size_t index) = 0;
};

// Small reads and streams of blobs by digest. For a store, a directory or an archive.
class BlobFetcher {
 public:
  virtual ~BlobFetcher() = default;
  virtual Result<std::string> ReadBlob(const Digest& d, uint64_t max_bytes) = 0;
  virtual Result<std::unique_ptr<ByteSource>> OpenBlob(const Digest& d) = 0;
  // Manifests and indexes by digest (a registry serves them apart from blobs).
  virtual Result<std::string> ReadManifest(const Digest& d, uint64_t max_bytes) { return ReadBlob(d, max_bytes); }
  // A layer, knowing its descriptor (a remote fetcher checks the size as it streams).
  virtual Result<std::unique_ptr<ByteSource>> OpenLayerBlob(const LayerInfo& layer) { return OpenBlob(layer.digest); }
};

struct OpenOptions {
  // "os/arch[/variant]"; "all" opens every platform of an index. Default linux/amd64.
  std::string platform = "linux/amd64";
  uint64_t max_manifest_bytes = 4 << 20;
  uint64_t max_config_bytes = 8 << 20;
  RemoteOptions remote;  // for docker:// references
};

// Resolves `manifest_digest` through `fetcher` (following indexes to the chosen platforms) into
// one ImageSource per selected image. The fetcher must outlive the sources.
Result<std::vector<std::unique_ptr<ImageSource>>> OpenFromBlobs(std::shared_ptr<BlobFetcher> fetcher,
                                                                const Digest& manifest_digest,
                                                                std::string reference,
                                                                const OpenOptions& options = {});

// Parses a reference ("oci:DIR[:TAG]", "oci:DIR@sha256:...", "oci-archive:FILE[:TAG]",
// "docker-archive:FILE[:REPO:TAG]", "store:ROOT@sha256:..." for Surveyor's blob store) and opens
// it; "docker://host[:port]/repo[:tag|@digest]" pulls from a registry (image/remote.h). A bare path is taken as an OCI layout
// directory when it has an index.json, otherwise as a docker-archive/oci-archive tarball.
Result<std::vector<std::unique_ptr<ImageSource>>> OpenImage(std::string_view reference,
                                                            const OpenOptions& options = {});

}  // namespace surveyor::image
