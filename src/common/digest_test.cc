#include "common/digest.h"

#include <gtest/gtest.h>

namespace surveyor {
namespace {

// Expected values are the published FIPS 180-2 test vectors for "abc" and "".
TEST(DigestTest, KnownVectors) {
  EXPECT_EQ(ComputeDigest("abc").ToString(),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(ComputeDigest("").hex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(ComputeDigest("abc", DigestAlgorithm::kSha512).hex(),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
}

TEST(DigestTest, StreamingEqualsOneShot) {
  Hasher h;
  h.Update("a");
  h.Update("bc");
  EXPECT_EQ(h.Finish(), ComputeDigest("abc"));
}

struct ParseCase {
  const char* text;
  const char* domain_code;  // "" = valid
};

TEST(DigestTest, ParseTable) {
  const std::string h64(64, 'a');
  const std::string h128(128, '0');
  const ParseCase cases[] = {
      {"sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", ""},
      {"sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "DIGEST_INVALID"},
      {"sha256:abc", "DIGEST_INVALID"},
      {"sha256", "DIGEST_INVALID"},
      {"", "DIGEST_INVALID"},
      {":abc", "DIGEST_INVALID"},
      {"md5:d41d8cd98f00b204e9800998ecf8427e", "UNSUPPORTED"},
      {"sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564", "UNSUPPORTED"},
      {"SHA256:aaaa", "DIGEST_INVALID"},
      {"sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaag", "DIGEST_INVALID"},
  };
  for (const auto& c : cases) {
    auto r = Digest::Parse(c.text);
    if (*c.domain_code == '\0') {
      EXPECT_TRUE(r.ok()) << c.text << ": " << r.status().ToString();
    } else {
      ASSERT_FALSE(r.ok()) << c.text;
      EXPECT_EQ(r.status().domain_code(), c.domain_code) << c.text;
    }
  }
  auto r512 = Digest::Parse("sha512:" + h128);
  ASSERT_TRUE(r512.ok());
  EXPECT_EQ(r512->algorithm(), DigestAlgorithm::kSha512);
  EXPECT_FALSE(Digest::Parse("sha512:" + h64).ok());
}

TEST(DigestTest, Sha256HexAgreesWithTheStreamingHasher) {
  // FIPS 180-2 example: sha256("abc").
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  std::string data;
  for (int i = 0; i < 3000; ++i) {
    Hasher h;
    h.Update(data);
    EXPECT_EQ(Sha256Hex(data), h.Finish().hex()) << i;
    EXPECT_EQ(ComputeDigest(data).hex(), Sha256Hex(data)) << i;
    data += static_cast<char>(i * 7);
  }
}

}  // namespace
}  // namespace surveyor
