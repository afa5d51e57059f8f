#include "common/clock.h"

#include <gtest/gtest.h>

namespace surveyor {
namespace {

TEST(ClockTest, FormatsAndParsesRfc3339) {
  // 2021-01-01T00:00:00Z is 1609459200 seconds after the epoch (worked out: 51 years, 13 leap days).
  auto t = ParseRfc3339("2021-01-01T00:00:00Z");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(ToUnixMillis(*t), 1609459200000);
  EXPECT_EQ(FormatRfc3339(*t), "2021-01-01T00:00:00.000Z");
  auto with_offset = ParseRfc3339("2021-01-01T02:30:00.250+02:30");
  ASSERT_TRUE(with_offset.ok());
  EXPECT_EQ(ToUnixMillis(*with_offset), 1609459200250);
  EXPECT_TRUE(ParseRfc3339("2021-01-01").ok());
  EXPECT_FALSE(ParseRfc3339("2021-13-01").ok());
  EXPECT_FALSE(ParseRfc3339("yesterday").ok());
  EXPECT_FALSE(ParseRfc3339("2021-01-01T00:00:00Zjunk").ok());
  // Outside what a nanosecond TimePoint holds: an error, not an overflow.
  EXPECT_FALSE(ParseRfc3339("0001-01-01T00:00:00Z").ok());
  EXPECT_FALSE(ParseRfc3339("9999-12-31T23:59:59Z").ok());
  EXPECT_TRUE(ParseRfc3339("1700-01-01T00:00:00Z").ok());
}

TEST(ClockTest, FakeClockAdvances) {
  FakeClock clock(FromEpochSeconds(100));
  clock.Advance(std::chrono::seconds(5));
  EXPECT_DOUBLE_EQ(ToEpochSeconds(clock.Now()), 105.0);
}

}  // namespace
}  // namespace surveyor
