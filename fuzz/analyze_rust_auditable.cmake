# Fuzz target for the cargo-auditable parsers (ELF .dep-v0 section, zlib, JSON). Seeds:
# fuzz/corpus/fuzz_analyze_rust_auditable/.
surveyor_fuzzer(fuzz_analyze_rust_auditable ${CMAKE_CURRENT_LIST_DIR}/analyze_rust_auditable.cc analyze image)
target_include_directories(fuzz_analyze_rust_auditable PRIVATE ${PROJECT_SOURCE_DIR})
