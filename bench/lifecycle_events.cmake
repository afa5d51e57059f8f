# Benchmarks for the event-pattern engine and the lifecycle evaluator (Google Benchmark).
if(benchmark_FOUND)
  add_executable(events_bench ${CMAKE_CURRENT_LIST_DIR}/events_bench.cc)
  target_link_libraries(events_bench PRIVATE events benchmark::benchmark)
  if(TARGET lifecycle)
    add_executable(lifecycle_bench ${CMAKE_CURRENT_LIST_DIR}/lifecycle_bench.cc)
    target_link_libraries(lifecycle_bench PRIVATE lifecycle benchmark::benchmark)
  endif()
endif()
