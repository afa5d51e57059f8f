# Continuous re-evaluation over a 10,000-image registry vs re-analysing every image (issue 6).
add_executable(reeval_bench ${CMAKE_CURRENT_LIST_DIR}/reeval_bench.cc)
target_link_libraries(reeval_bench PRIVATE scan findings vulndb events_outbox)
target_compile_definitions(reeval_bench PRIVATE SURVEYOR_SHARED_DIR="${PROJECT_SOURCE_DIR}/../shared")
