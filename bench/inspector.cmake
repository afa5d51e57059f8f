# ListFindings through the Inspector2 HTTP handler over 1,000,000 findings (issue 7: p99 < 50 ms).
add_executable(bench_inspector_http ${CMAKE_CURRENT_LIST_DIR}/bench_inspector_http.cc)
target_link_libraries(bench_inspector_http PRIVATE api_inspector)
