#include "image/decompress.h"

#include <gtest/gtest.h>

#include <random>

#include "image/test_tar.h"

namespace surveyor::image {
namespace {

std::string Drain(ByteSource& s, Status* err, size_t chunk = 7919) {
  std::string out;
  std::string buf(chunk, '\0');
  while (true) {
    auto r = s.Read(buf.data(), buf.size());
    if (!r.ok()) {
      *err = r.status();
      return out;
    }
    if (*r == 0) break;
    out.append(buf.data(), *r);
  }
  *err = Status::Ok();
  return out;
}

std::string Pseudorandom(size_t n, unsigned seed = 1) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  // Mildly compressible: letters from a small alphabet.
  for (auto& c : s) c = static_cast<char>('a' + rng() % 16);
  return s;
}

struct Case {
  const char* name;
  Compression c;
};

class RoundTrip : public ::testing::TestWithParam<Case> {};

std::string Compress(Compression c, const std::string& s) {
  if (c == Compression::kGzip) return testing::Gzip(s);
  if (c == Compression::kZstd) return testing::Zstd(s);
  return s;
}

TEST_P(RoundTrip, AutoDetectsAndRestoresBytes) {
  std::string plain = Pseudorandom(3 << 20);
  std::string packed = Compress(GetParam().c, plain);
  auto src = OpenAutoDecompressor(std::make_unique<MemorySource>(packed));
  ASSERT_TRUE(src.ok());
  Status err;
  std::string got = Drain(**src, &err);
  ASSERT_TRUE(err.ok()) << err.ToString();
  EXPECT_EQ(got.size(), plain.size());
  EXPECT_TRUE(got == plain);
}

TEST_P(RoundTrip, TruncatedStreamIsDataLoss) {
  if (GetParam().c == Compression::kNone) GTEST_SKIP() << "plain streams have no end marker";
  std::string packed = Compress(GetParam().c, Pseudorandom(1 << 20));
  packed.resize(packed.size() / 2);
  auto src = OpenAutoDecompressor(std::make_unique<MemorySource>(packed));
  ASSERT_TRUE(src.ok());
  Status err;
  Drain(**src, &err);
  EXPECT_EQ(err.code(), StatusCode::kDataLoss) << err.ToString();
}

TEST_P(RoundTrip, CorruptStreamIsDataLoss) {
  if (GetParam().c == Compression::kNone) GTEST_SKIP();
  std::string packed = Compress(GetParam().c, Pseudorandom(1 << 20));
  for (size_t i = 20; i < packed.size(); i += 97) packed[i] = static_cast<char>(packed[i] ^ 0x5a);
  auto src = OpenAutoDecompressor(std::make_unique<MemorySource>(packed));
  ASSERT_TRUE(src.ok());
  Status err;
  Drain(**src, &err);
  EXPECT_EQ(err.code(), StatusCode::kDataLoss) << err.ToString();
}

TEST_P(RoundTrip, RatioLimitStopsBombs) {
  if (GetParam().c == Compression::kNone) GTEST_SKIP();
  std::string zeros(64 << 20, '\0');
  std::string packed = Compress(GetParam().c, zeros);
  DecompressLimits limits;
  limits.ratio_grace_bytes = 1 << 20;
  limits.max_ratio = 50;
  auto src = OpenAutoDecompressor(std::make_unique<MemorySource>(packed), limits);
  ASSERT_TRUE(src.ok());
  Status err;
  Drain(**src, &err, 1 << 16);
  EXPECT_EQ(err.code(), StatusCode::kResourceExhausted) << err.ToString();
}

TEST_P(RoundTrip, ExpandedSizeLimit) {
  std::string plain = Pseudorandom(4 << 20);
  std::string packed = Compress(GetParam().c, plain);
  DecompressLimits limits;
  limits.max_expanded_bytes = 1 << 20;
  auto src = OpenAutoDecompressor(std::make_unique<MemorySource>(packed), limits);
  ASSERT_TRUE(src.ok());
  Status err;
  std::string got = Drain(**src, &err);
  EXPECT_EQ(err.code(), StatusCode::kResourceExhausted);
  EXPECT_LE(got.size(), size_t{1} << 20);
}

INSTANTIATE_TEST_SUITE_P(All, RoundTrip,
                         ::testing::Values(Case{"gzip", Compression::kGzip},
                                           Case{"zstd", Compression::kZstd},
                                           Case{"none", Compression::kNone}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(Gzip, ConcatenatedMembersAreOneStream) {
  std::string a = Pseudorandom(100000, 1), b = Pseudorandom(200000, 2);
  std::string packed = testing::Gzip(a) + testing::Gzip(b);
  auto src = OpenAutoDecompressor(std::make_unique<MemorySource>(packed));
  ASSERT_TRUE(src.ok());
  Status err;
  std::string got = Drain(**src, &err);
  ASSERT_TRUE(err.ok()) << err.ToString();
  EXPECT_TRUE(got == a + b);
}

TEST(Gzip, EmptyInputIsDataLoss) {
  auto src = OpenDecompressor(std::make_unique<MemorySource>(""), Compression::kGzip);
  Status err;
  Drain(*src, &err);
  EXPECT_EQ(err.code(), StatusCode::kDataLoss);
}

TEST(Detect, Magic) {
  EXPECT_EQ(DetectCompression("\x1f\x8b\x08"), Compression::kGzip);
  EXPECT_EQ(DetectCompression("\x28\xb5\x2f\xfd"), Compression::kZstd);
  EXPECT_EQ(DetectCompression("usr/"), Compression::kNone);
  EXPECT_EQ(DetectCompression(""), Compression::kNone);
}

}  // namespace
}  // namespace surveyor::image
