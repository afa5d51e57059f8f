// Images held in Surveyor's own blob store (store::BlobStore), addressed by manifest digest:
// the scan service resolves repository:tag to a digest through the registry's metadata, then
// reads the manifest, config and layers straight from the store — no copy, no extraction.
// The returned sources share one BlobStore view; use each from one thread at a time.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "image/image.h"

namespace surveyor::store {
class BlobStore;
}

namespace surveyor::image {

// A BlobFetcher over a store rooted at `root` (the directory holding blobs/).
std::shared_ptr<BlobFetcher> MakeStoreFetcher(const std::string& root);

// "store:ROOT@sha256:<hex>" from the CLI, or this call from the scan service.
Result<std::vector<std::unique_ptr<ImageSource>>> OpenFromStore(const std::string& root,
                                                                const Digest& manifest_digest,
                                                                std::string reference,
                                                                const OpenOptions& options = {});

}  // namespace surveyor::image
