# Findings queries over a large store (issue 6/7: ListFindings p99 under 50 ms at 1,000,000).
add_executable(bench_findings_query ${CMAKE_CURRENT_LIST_DIR}/bench_findings_query.cc)
target_link_libraries(bench_findings_query PRIVATE findings)
