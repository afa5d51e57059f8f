# Lifecycle executor end to end on SQLite, and GC over synthetic metadata (plain programs that
# print their figures; see the header comment of each source and bench/gc_bench.sh).
if(TARGET lifecycle_executor)
  add_executable(lifecycle_executor_bench ${CMAKE_CURRENT_LIST_DIR}/lifecycle_executor_bench.cc)
  target_link_libraries(lifecycle_executor_bench PRIVATE lifecycle_executor)
endif()
if(TARGET registry)
  add_executable(gc_bench ${CMAKE_CURRENT_LIST_DIR}/gc_bench.cc)
  target_link_libraries(gc_bench PRIVATE registry)
endif()
