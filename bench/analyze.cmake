# Image analysis benchmark (issue 5); see bench/analyze_bench.cc and bench/analyze_bench.sh.
add_executable(analyze_bench ${CMAKE_CURRENT_LIST_DIR}/analyze_bench.cc)
target_link_libraries(analyze_bench PRIVATE analyze image)
find_package(ZLIB REQUIRED)
add_executable(analyze_stress ${CMAKE_CURRENT_LIST_DIR}/analyze_stress.cc)
target_link_libraries(analyze_stress PRIVATE analyze image ZLIB::ZLIB)
