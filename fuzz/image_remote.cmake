# Fuzz target for the remote-registry parsers (issue 5): WWW-Authenticate challenges, docker://
# references and auth files. Seeds: fuzz/corpus/fuzz_image_remote/.
surveyor_fuzzer(fuzz_image_remote ${CMAKE_CURRENT_LIST_DIR}/image_remote.cc image)
target_include_directories(fuzz_image_remote PRIVATE ${PROJECT_SOURCE_DIR})
