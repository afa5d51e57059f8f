// Parse and compare rates per version scheme. Compare benchmarks use pre-parsed versions (the
// matcher parses an inventory once and compares it against many ranges).
//   cmake --build build --target bench_versions -j1 && build/bench/bench_versions
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "versions/scheme.h"

namespace {

using surveyor::versions::FindScheme;
using surveyor::versions::Scheme;
using surveyor::versions::Version;

const std::vector<std::string>& Samples(const std::string& scheme) {
  static const std::vector<std::string> kDpkg = {
      "1:2.36-9+deb12u4", "3.0.11-1~deb12u2", "7.88.1-10+deb12u5", "2.36-9+deb12u3",
      "1.2.13.dfsg-1",    "252.22-1~deb12u1", "3.0.11-1~deb12u1",  "1:9.2p1-2+deb12u3"};
  static const std::vector<std::string> kSemver = {"1.2.3",        "1.2.4-rc.1", "10.0.0",
                                                   "1.2.3-beta.2", "2.0.0+b7",   "1.10.1",
                                                   "0.9.12",       "1.2.3-beta.11"};
  static const std::vector<std::string> kApk = {"1.2.3-r0",  "1.2.3_rc1-r2", "3.1.4-r5",
                                                "2.16.01-r1", "1.36.1-r15",  "3.3.3p1-r3",
                                                "1.2.3_git20200101-r0", "9.4_p1-r1"};
  static const std::vector<std::string> kRpm = {"3.0.7-24.el9",   "1:3.0.7-25.el9", "2.34-60.el9",
                                                "1.0~rc1-1.fc38", "2.34-60.el9_2",  "5.1.8-6.el9",
                                                "1.0^git1-2",     "0.1.5-1.el9"};
  static const std::vector<std::string> kPep440 = {"1.2.3",   "1.2.3rc1", "2.0.post1",
                                                   "1!1.0",   "1.0.dev3", "2.31.0",
                                                   "1.0+abc.5", "0.9.1b2"};
  static const std::vector<std::string> kGo = {"v1.2.3", "v0.0.0-20191109021931-daa7c04131f5",
                                               "1.19.8", "go1.21rc2", "v2.0.0+incompatible",
                                               "v1.2.4-0.20191109021931-daa7c04131f5",
                                               "go1.19.8", "v0.3.1"};
  if (scheme == "dpkg") return kDpkg;
  if (scheme == "apk") return kApk;
  if (scheme == "rpm") return kRpm;
  if (scheme == "pep440" || scheme == "pypi") return kPep440;
  if (scheme == "go") return kGo;
  return kSemver;
}

void BM_Parse(benchmark::State& state, const char* name) {
  const Scheme* scheme = FindScheme(name);
  const auto& samples = Samples(name);
  size_t i = 0;
  for (auto _ : state) {
    auto v = scheme->Parse(samples[i++ & 7]);
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Compare(benchmark::State& state, const char* name) {
  const Scheme* scheme = FindScheme(name);
  std::vector<Version> parsed;
  for (const std::string& s : Samples(name)) parsed.push_back(*scheme->Parse(s));
  size_t i = 0;
  for (auto _ : state) {
    auto c = scheme->Compare(parsed[i & 7], parsed[(i + 3) & 7]);
    ++i;
    benchmark::DoNotOptimize(c);
  }
  state.SetItemsProcessed(state.iterations());
}

#define SCHEME_BENCH(n)                                \
  BENCHMARK_CAPTURE(BM_Parse, n, #n);                 \
  BENCHMARK_CAPTURE(BM_Compare, n, #n);

SCHEME_BENCH(dpkg)
SCHEME_BENCH(semver)
SCHEME_BENCH(npm)
SCHEME_BENCH(apk)
SCHEME_BENCH(rpm)
SCHEME_BENCH(pep440)
SCHEME_BENCH(go)
SCHEME_BENCH(cargo)

}  // namespace

BENCHMARK_MAIN();
