#include "image/store_source.h"

#include "common/fs.h"
#include "store/blob_store.h"

namespace surveyor::image {
namespace {

class StoreFetcher final : public BlobFetcher {
 public:
  explicit StoreFetcher(const std::string& root) : store_(root, PosixFileSystem::Default()) {}
  Result<std::string> ReadBlob(const Digest& d, uint64_t max_bytes) override {
    return store_.ReadSmall(d, max_bytes);
  }
  Result<std::unique_ptr<ByteSource>> OpenBlob(const Digest& d) override {
    ASSIGN_OR_RETURN(auto f, FileSource::Open(store_.BlobPath(d)));
    return std::unique_ptr<ByteSource>(std::move(f));
  }

 private:
  store::BlobStore store_;
};

}  // namespace

std::shared_ptr<BlobFetcher> MakeStoreFetcher(const std::string& root) {
  return std::make_shared<StoreFetcher>(root);
}

Result<std::vector<std::unique_ptr<ImageSource>>> OpenFromStore(const std::string& root,
                                                                const Digest& manifest_digest,
                                                                std::string reference,
                                                                const OpenOptions& options) {
  return OpenFromBlobs(MakeStoreFetcher(root), manifest_digest, std::move(reference), options);
}

}  // namespace surveyor::image
