#include "common/hash_pipeline.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>

namespace surveyor {
namespace {

// FIPS 180-2, appendix B.3: SHA-256 of one million 'a'.
constexpr char kMillionA[] =
    "sha256:cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
// SHA-256 of "abc" (FIPS 180-2, appendix B.1).
constexpr char kAbc[] = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

// Streams `total` bytes of 'a' through `pipeline` in chunks whose sizes cycle through 1..max.
void StreamAs(HashPipeline& pipeline, size_t total, size_t max_chunk) {
  size_t sent = 0, next = 1;
  while (sent < total) {
    std::span<char> buffer = pipeline.Borrow();
    const size_t n = std::min({next, buffer.size(), total - sent});
    std::memset(buffer.data(), 'a', n);
    pipeline.Hash(n);
    sent += n;
    next = next % max_chunk + 1;
  }
}

TEST(HashPipelineTest, ChunksAreHashedInStreamOrder) {
  Hasher hasher;
  {
    HashPipeline pipeline(hasher, 3, 4096);
    StreamAs(pipeline, 1000000, 4096);
    pipeline.Finish();
  }
  EXPECT_EQ(hasher.Finish().ToString(), kMillionA);
}

TEST(HashPipelineTest, OrderMattersSoBytesAreNotJustCounted) {
  // "abc" in three chunks, one per buffer: swapped chunks would give another digest.
  Hasher hasher;
  HashPipeline pipeline(hasher, 2, 16);
  for (char c : std::string("abc")) {
    std::span<char> buffer = pipeline.Borrow();
    buffer[0] = c;
    pipeline.Hash(1);
  }
  pipeline.Finish();
  EXPECT_EQ(hasher.Finish().ToString(), kAbc);
}

TEST(HashPipelineTest, OneChunkAndNoChunkAreHashedToo) {
  Hasher one;
  {
    HashPipeline pipeline(one, 4, 8);
    std::span<char> buffer = pipeline.Borrow();
    std::memcpy(buffer.data(), "abc", 3);
    pipeline.Hash(3);
    pipeline.Finish();
  }
  EXPECT_EQ(one.Finish().ToString(), kAbc);

  Hasher none;
  { HashPipeline pipeline(none, 4, 8); pipeline.Finish(); }
  EXPECT_EQ(none.Finish().ToString(),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(HashPipelineTest, AStreamGoesOnAfterFinish) {
  // Finish() makes the hasher the caller's; more chunks may follow, as a PATCH follows a PATCH.
  Hasher hasher;
  HashPipeline pipeline(hasher, 2, 1000);
  StreamAs(pipeline, 400000, 997);
  pipeline.Finish();
  StreamAs(pipeline, 600000, 13);
  pipeline.Finish();
  EXPECT_EQ(hasher.Finish().ToString(), kMillionA);
}

TEST(HashPipelineTest, AnAbandonedStreamStopsTheWorker) {
  // A request that fails mid-body destroys the pipeline with chunks still queued: the destructor
  // must return (not wait for a Finish that never comes) and leave nothing running.
  for (int round = 0; round < 50; ++round) {
    Hasher hasher;
    HashPipeline pipeline(hasher, 2, 1 << 16);
    StreamAs(pipeline, 1 << 20, 1 << 16);
  }
  Hasher hasher;
  HashPipeline pipeline(hasher, 2, 1 << 16);
  StreamAs(pipeline, 1000000, 1 << 16);
  pipeline.Finish();
  EXPECT_EQ(hasher.Finish().ToString(), kMillionA);
}

}  // namespace
}  // namespace surveyor
