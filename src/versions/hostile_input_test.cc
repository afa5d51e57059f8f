// Bad input is normal input: every scheme and the range parser take 64 KiB strings built to
// trigger quadratic behaviour (long runs of separators, alternating digit/letter runs, suffix
// chains, hyphens, operators) and must finish quickly with a version or a clear error.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "versions/npm/range.h"
#include "versions/scheme.h"

namespace surveyor::versions {
namespace {

// The time limit for all inputs of one test. Linear work takes under a second in an optimised
// build and some 30x that under ASan+UBSan in Debug; quadratic work on 64 KiB takes minutes even
// optimised, so the limit separates the two in either build.
#if defined(__SANITIZE_ADDRESS__) || !defined(__OPTIMIZE__)
constexpr double kLimitSeconds = 200.0;
#else
constexpr double kLimitSeconds = 20.0;
#endif

std::string Repeat(std::string_view unit, size_t bytes) {
  std::string s;
  while (s.size() + unit.size() <= bytes) s.append(unit);
  return s;
}

std::vector<std::string> HostileInputs() {
  const size_t n = kMaxVersionLength;
  std::vector<std::string> out;
  for (std::string_view unit :
       {"1.", "a1", "1a", "0", "9", "~", "^", "-", ".", "_p", "_rc1", "-r1", "+a.", "1.0-",
        "x.", "1-", ":", "!", "a", ".post1", "dev", "1 - ", "> ", "||", "^1 ", "~>", "*",
        "\xff", "=v", "1.2.3-a.", "_alpha_beta", "RC1", "sp-", "0.0.", "1+1"}) {
    out.push_back(Repeat(unit, n));
    out.push_back("1" + Repeat(unit, n - 1));
  }
  out.push_back(std::string(n, '\0'));
  out.push_back(std::string(n + 1, '1'));  // one byte over the limit
  return out;
}

TEST(HostileInput, EverySchemeStaysLinear) {
  const auto inputs = HostileInputs();
  const auto start = std::chrono::steady_clock::now();
  for (const Scheme* scheme : AllSchemes()) {
    SCOPED_TRACE(std::string(scheme->Name()));
    Result<Version> small = scheme->Parse("1.2.3");
    for (const std::string& in : inputs) {
      Result<Version> v = scheme->Parse(in);
      if (!v.ok()) {
        EXPECT_FALSE(v.status().message().empty());
        EXPECT_LT(v.status().message().size(), 400u);  // the input is quoted, but truncated
        continue;
      }
      EXPECT_TRUE(scheme->Compare(*v, *v) == 0);
      if (small.ok()) {
        auto c = scheme->Compare(*v, *small);
        auto d = scheme->Compare(*small, *v);
        EXPECT_EQ(c < 0, d > 0);
      }
    }
    EXPECT_FALSE(scheme->Parse(std::string(kMaxVersionLength + 1, '1')).ok());
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // Linear work is a few milliseconds per input; quadratic work on 64 KiB would take minutes.
  EXPECT_LT(seconds, kLimitSeconds);
}

TEST(HostileInput, NpmRangesStayLinear) {
  const auto start = std::chrono::steady_clock::now();
  for (const std::string& in : HostileInputs()) {
    for (bool loose : {false, true}) {
      Result<NpmRange> r = NpmRange::Parse(in, NpmRangeOptions{.loose = loose});
      if (r.ok()) {
        (void)r->Satisfies("1.2.3");
        (void)r->ToString();
      } else {
        EXPECT_FALSE(r.status().message().empty());
      }
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, kLimitSeconds);
}

}  // namespace
}  // namespace surveyor::versions
