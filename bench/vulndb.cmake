# Benchmarks of src/vulndb: import rate from a local zip, peak memory on a large streamed feed,
# package index lookups.
# Peak memory on ~1 GB feeds (whole process, the CLI): bench/vulndb_feeds.py writes a
# Debian-tracker-shaped JSON or an osv.dev-style all.zip of a given size, then
#   /usr/bin/time -f '%M KiB' build/src/cli/surveyor db import --db /tmp/db FEED
if(benchmark_FOUND)
  add_executable(bench_vulndb ${CMAKE_CURRENT_LIST_DIR}/bench_vulndb.cc)
  target_link_libraries(bench_vulndb PRIVATE vulndb benchmark::benchmark)
  target_compile_definitions(bench_vulndb PRIVATE
    SURVEYOR_SHARED_DIR="${PROJECT_SOURCE_DIR}/../shared")
endif()
