#include "auth/crypto.h"

#include <gtest/gtest.h>

#include "common/digest.h"

namespace surveyor::auth {
namespace {

std::string Hex(const Sha256Bytes& b) {
  return HexEncode(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
}

// RFC 4231 test case 2 (HMAC-SHA256 with key "Jefe").
TEST(CryptoTest, HmacSha256Rfc4231Case2) {
  EXPECT_EQ(Hex(HmacSha256(std::string_view("Jefe"), "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(CryptoTest, Sha256OfEmpty) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

// RFC 4648 §10 vectors.
TEST(CryptoTest, Base64Rfc4648) {
  const std::pair<const char*, const char*> kCases[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, enc] : kCases) {
    EXPECT_EQ(Base64Encode(plain), enc);
    auto back = Base64Decode(enc);
    ASSERT_TRUE(back.ok()) << enc;
    EXPECT_EQ(*back, plain);
  }
}

TEST(CryptoTest, Base64RejectsMalformed) {
  for (const char* bad :
       {"Zg=", "Zg", "Z===", "Zh==", "Zm9v\n", "Zm 9", "=Zm9", "Zg==Zg==", "Zm8-"}) {
    EXPECT_FALSE(Base64Decode(bad).ok()) << bad;
  }
}

TEST(CryptoTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
}

TEST(CryptoTest, AesGcmRoundTripAndTamper) {
  auto key = RandomBytes(32);
  ASSERT_TRUE(key.ok());
  auto sealed = AesGcmSeal(*key, "secret value", "row-1");
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(sealed->size(), 12 + 12 + 16u);
  EXPECT_EQ(sealed->find("secret value"), std::string::npos);
  auto opened = AesGcmOpen(*key, *sealed, "row-1");
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, "secret value");
  EXPECT_EQ(AesGcmOpen(*key, *sealed, "row-2").status().code(), StatusCode::kDataLoss);
  std::string flipped = *sealed;
  flipped[14] ^= 1;
  EXPECT_EQ(AesGcmOpen(*key, flipped, "row-1").status().code(), StatusCode::kDataLoss);
  auto other = RandomBytes(32);
  EXPECT_EQ(AesGcmOpen(*other, *sealed, "row-1").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(AesGcmOpen(*key, sealed->substr(0, 20), "row-1").status().code(),
            StatusCode::kDataLoss);
}

}  // namespace
}  // namespace surveyor::auth
