# SigV4 verification, registry tokens and policy decisions (target: SigV4 < 20 us per request).
if(benchmark_FOUND)
  add_executable(bench_auth bench_auth.cc ${PROJECT_SOURCE_DIR}/src/auth/sigv4_test_util.cc)
  target_link_libraries(bench_auth PRIVATE auth benchmark::benchmark)
  target_compile_definitions(bench_auth PRIVATE SURVEYOR_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
endif()
