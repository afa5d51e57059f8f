// Benchmarks for auth/: full SigV4 verification of real captured CLI requests (in-memory and
// SQLite key stores), with a large body, registry-token verification and policy decisions.
// Run: build/bench/bench_auth
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>

#include "auth/policy.h"
#include "auth/registry_token.h"
#include "auth/sigv4.h"
#include "auth/sigv4_test_util.h"
#include "auth/sqlite_key_store.h"

namespace surveyor::auth {
namespace {

constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

testing::OwnedRequest Capture(const char* name) {
  auto r = testing::LoadCapture(std::string(SURVEYOR_SOURCE_DIR) + "/src/auth/testdata/captures/" +
                                name + ".json");
  if (!r.ok()) {
    std::fprintf(stderr, "%s\n", r.status().ToString().c_str());
    std::abort();
  }
  return *r;
}

void RunVerify(benchmark::State& state, const KeyStore& keys, testing::OwnedRequest r,
               ServiceSpec service) {
  FakeClock clock(FromEpochSeconds(r.received_at));
  SigV4Verifier verifier(keys, clock, SigV4Config{});
  SignedRequest view = r.View();
  for (auto _ : state) {
    auto result = verifier.Verify(view, service);
    if (!result.ok()) state.SkipWithError(result.status().ToString().c_str());
    benchmark::DoNotOptimize(result);
  }
}

InMemoryKeyStore& MemoryKeys() {
  static InMemoryKeyStore* keys = [] {
    auto* k = new InMemoryKeyStore();
    (void)k->Add({{"AKIDEXAMPLE", "example", TimePoint{}}, kSecret});
    return k;
  }();
  return *keys;
}

void BM_SigV4VerifyEcr(benchmark::State& state) {
  RunVerify(state, MemoryKeys(), Capture("027-v2-debug-ecr-create-repository"), kEcrService);
}
BENCHMARK(BM_SigV4VerifyEcr);

void BM_SigV4VerifyInspector2EncodedPath(benchmark::State& state) {
  RunVerify(state, MemoryKeys(), Capture("030-v2-inspector2-untag-resource"), kInspector2Service);
}
BENCHMARK(BM_SigV4VerifyInspector2EncodedPath);

void BM_SigV4VerifyEcrSqliteStore(benchmark::State& state) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "surveyor-bench-auth";
  fs::remove_all(dir);
  fs::create_directories(dir);
  {
    auto store = SqliteKeyStore::Open({(dir / "k.db").string(), (dir / "k.key").string()});
    if (!store.ok()) {
      state.SkipWithError(store.status().ToString().c_str());
      return;
    }
    (void)(*store)->Add({{"AKIDEXAMPLE", "example", TimePoint{}}, kSecret});
    RunVerify(state, **store, Capture("027-v2-debug-ecr-create-repository"), kEcrService);
  }
  fs::remove_all(dir);
}
BENCHMARK(BM_SigV4VerifyEcrSqliteStore);

// The capture's body replaced by `range(0)` bytes; the signature then mismatches, which still
// does all the work (hash, canonical request, key derivation, HMAC) before the comparison.
void BM_SigV4VerifyBodySize(benchmark::State& state) {
  auto r = Capture("027-v2-debug-ecr-create-repository");
  r.body.assign(static_cast<size_t>(state.range(0)), 'x');
  FakeClock clock(FromEpochSeconds(r.received_at));
  SigV4Verifier verifier(MemoryKeys(), clock, SigV4Config{});
  SignedRequest view = r.View();
  for (auto _ : state) benchmark::DoNotOptimize(verifier.Verify(view, kEcrService));
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_SigV4VerifyBodySize)->Arg(1 << 10)->Arg(64 << 10)->Arg(1 << 20);

void BM_RegistryTokenVerify(benchmark::State& state) {
  InMemoryKeyStore keys;
  auto key = keys.Create("alice");
  RegistryTokens tokens("0123456789abcdef0123456789abcdef", keys, SystemClock::Default());
  auto t = tokens.Issue(key->info.access_key_id);
  const std::string header = "Basic " + t->authorization_token;
  for (auto _ : state) benchmark::DoNotOptimize(tokens.VerifyBasicAuthorization(header));
}
BENCHMARK(BM_RegistryTokenVerify);

void BM_PolicyDecide(benchmark::State& state) {
  auto policy = ParseRepositoryPolicy(R"({"Version":"2012-10-17","Statement":[
    {"Sid":"read","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},
     "Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer","ecr:Describe*"]},
    {"Sid":"push","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:user/ci"]},"Action":"ecr:*"},
    {"Sid":"nodelete","Effect":"Deny","Principal":"*","Action":"ecr:BatchDeleteImage"}]})");
  for (auto _ : state) {
    benchmark::DoNotOptimize(Decide(*policy, "arn:aws:iam::123456789012:user/ci", "ecr:PutImage"));
  }
}
BENCHMARK(BM_PolicyDecide);

}  // namespace
}  // namespace surveyor::auth

BENCHMARK_MAIN();
