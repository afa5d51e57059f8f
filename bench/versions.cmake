# Parse/compare rates of the version schemes.
if(benchmark_FOUND)
  add_executable(bench_versions ${CMAKE_CURRENT_SOURCE_DIR}/bench_versions.cc)
  target_link_libraries(bench_versions PRIVATE versions benchmark::benchmark)
endif()
