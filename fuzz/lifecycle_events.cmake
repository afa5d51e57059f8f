# libFuzzer targets for the event-pattern compiler, the input-transformer template, and the
# lifecycle policy parser. Seed corpora live in fuzz/corpus/<target>/.
surveyor_fuzzer(events_pattern_fuzzer ${CMAKE_CURRENT_LIST_DIR}/events_pattern_fuzzer.cc events)
surveyor_fuzzer(events_transformer_fuzzer ${CMAKE_CURRENT_LIST_DIR}/events_transformer_fuzzer.cc events)
surveyor_fuzzer(lifecycle_policy_fuzzer ${CMAKE_CURRENT_LIST_DIR}/lifecycle_policy_fuzzer.cc lifecycle)
