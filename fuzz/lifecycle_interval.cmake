# libFuzzer target for the `lifecycle.interval` duration parser (src/cli/config.cc).
surveyor_fuzzer(cli_duration_fuzzer ${CMAKE_CURRENT_LIST_DIR}/cli_duration_fuzzer.cc cli_config)
